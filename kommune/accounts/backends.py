from django.conf import settings
from django.contrib.auth.backends import ModelBackend


class EmailBackend(ModelBackend):
    """Logs in with the e-mail address, whatever its letter case."""

    def authenticate(self, request, username: str | None = None, password: str | None = None, **kwargs):
        if username is not None:
            username = username.strip().lower()
        return super().authenticate(request, username=username, password=password, **kwargs)


def lockout_username(request, credentials: dict | None) -> str | None:
    """The login name as EmailBackend reads it, so that "Alice@Example.org" and "alice@example.org" count
    towards the same lockout instead of giving an attacker fresh attempts per spelling."""
    source = credentials or getattr(request, "data", request.POST)
    username = source.get("username")
    return username.strip().lower() if isinstance(username, str) else username


def client_ip(request) -> str:
    """The visitor's address for the login lockout. Behind TRUSTED_PROXY_COUNT reverse proxies it is the entry
    that the outermost trusted proxy appended to X-Forwarded-For; entries further left are the client's own
    claims and could be forged to dodge the lockout."""
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if proxies and len(forwarded) >= proxies:
        return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")
