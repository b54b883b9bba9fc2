"""The client's address that every limit counts (the login lockout of django-axes, the REST API's rate limit)."""

from django.conf import settings


def client_address(request) -> str:
    """The client's address. Behind TRUSTED_PROXY_COUNT reverse proxies it is the entry that the outermost
    trusted proxy appended to X-Forwarded-For; entries further left are the client's own claims and could be
    forged to dodge a limit. Without trusted proxies the header is ignored."""
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if proxies and len(forwarded) >= proxies:
        return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")
