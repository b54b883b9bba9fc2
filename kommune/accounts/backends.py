from django.contrib.auth.backends import ModelBackend

from kommune.core.ratelimit import client_address


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
    """The visitor's address for the login lockout (AXES_CLIENT_IP_CALLABLE): the one every rate limit counts."""
    return client_address(request)
