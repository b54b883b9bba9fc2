from functools import cache

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db import connections, router

from kommune.core.ratelimit import client_address


class EmailBackend(ModelBackend):
    """Logs in with the e-mail address, whatever its letter case."""

    def authenticate(self, request, username: str | None = None, password: str | None = None, **kwargs):
        if username is not None:
            username = username.strip().lower()
        return super().authenticate(request, username=username, password=password, **kwargs)

    def get_user(self, user_id):
        """The session's user, as ModelBackend reads it, by one fixed statement: building and compiling the ORM
        query took most of what a logged-in request costs before its view runs (issue 16)."""
        user_model = get_user_model()
        alias = router.db_for_read(user_model)
        user = next(iter(user_model._default_manager.raw(_user_by_pk(alias), [user_id], using=alias)), None)
        return user if user is not None and self.user_can_authenticate(user) else None


@cache
def _user_by_pk(alias: str) -> str:
    meta = get_user_model()._meta
    quote = connections[alias].ops.quote_name
    columns = ", ".join(quote(str(field.column)) for field in meta.concrete_fields)
    return f"SELECT {columns} FROM {quote(meta.db_table)} WHERE {quote(str(meta.pk.column))} = %s"


def lockout_username(request, credentials: dict | None) -> str | None:
    """The login name as EmailBackend reads it, so that "Alice@Example.org" and "alice@example.org" count
    towards the same lockout instead of giving an attacker fresh attempts per spelling."""
    source = credentials or getattr(request, "data", request.POST)
    username = source.get("username")
    return username.strip().lower() if isinstance(username, str) else username


def client_ip(request) -> str:
    """The visitor's address for the login lockout (AXES_CLIENT_IP_CALLABLE): the one every rate limit counts."""
    return client_address(request)
