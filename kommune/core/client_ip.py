"""The visitor's IP address, the one thing that the login lockout (django-axes) and the API's rate limit both count
per visitor, so both must read it the same way."""

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """Behind TRUSTED_PROXY_COUNT reverse proxies it is the entry that the outermost trusted proxy appended to
    X-Forwarded-For; entries further left are the client's own claims and could be forged to dodge the lockout."""
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if proxies and len(forwarded) >= proxies:
        return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")
