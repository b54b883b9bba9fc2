from django.contrib.auth.backends import ModelBackend

from kommune.accounts.models import User
from kommune.core.ratelimit import client_address
from kommune.core.statements import Lookup


class EmailBackend(ModelBackend):
    """Logs in with the e-mail address, whatever its letter case."""

    def authenticate(self, request, username: str | None = None, password: str | None = None, **kwargs):
        if username is not None:
            username = username.strip().lower()
        return super().authenticate(request, username=username, password=password, **kwargs)

    def get_user(self, user_id):
        """The session's user, as ModelBackend reads it, by a statement compiled once (kommune.core.statements):
        building and compiling the ORM query took most of what a logged-in request costs before its view runs
        (issue 16). Nothing is kept, so every change to the account reaches the next request."""
        user = _SESSION_USER.first(user_id=user_id)
        return user if user is not None and self.user_can_authenticate(user) else None


_SESSION_USER = Lookup(User, lambda user_id: User._default_manager.filter(pk=user_id))


def lockout_username(request, credentials: dict | None) -> str | None:
    """The login name as EmailBackend reads it, so that "Alice@Example.org" and "alice@example.org" count
    towards the same lockout instead of giving an attacker fresh attempts per spelling."""
    source = credentials or getattr(request, "data", request.POST)
    username = source.get("username")
    return username.strip().lower() if isinstance(username, str) else username


def client_ip(request) -> str:
    """The visitor's address for the login lockout (AXES_CLIENT_IP_CALLABLE): the one every rate limit counts."""
    return client_address(request)
