"""Who is asking: a personal access token in ``Authorization: Bearer ok_…``, or nobody (public reads).

The API never looks at the session cookie: the person of a request is the token's owner or anonymous, and
``request.user`` is replaced accordingly before any endpoint runs. So a browser that is logged in to the site
cannot be tricked into writing through the API (no CSRF exposure), and every permission check, selector and
service sees the same person the token names.

Every operation declares one of three guards:

- ``READ``: a token is optional; without one the request sees what the public sees.
- ``TOKEN``: a token is required (any scope).
- ``WRITE``: a token with the scope "write" is required; a read-only token gets 403 ``insufficient_scope``.

A token that is sent but unknown, revoked or expired is always a 401, also where reading would work without
one, so that a client notices. The guard also sets the language (the owner's, German without a token), counts
the rate limit and notes the token's last use (at most once a minute).
"""

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from ninja.security import HttpBearer

from kommune.core.api.errors import ApiError
from kommune.core.api.models import AccessToken
from kommune.core.api.ratelimit import check_rate
from kommune.core.api.services import SECRET_PREFIX, do_note_token_use, hash_secret
from kommune.core.ratelimit import client_address as client_ip

MAX_SECRET_LENGTH = 200


@dataclass(frozen=True)
class Identity:
    """What request.auth holds: the person (or AnonymousUser) and their token (or None)."""

    user: Any
    token: AccessToken | None

    def __bool__(self) -> bool:  # ninja treats a falsy result as "not authenticated"
        return True


def unauthorized(code: str, message: str) -> ApiError:
    error = "invalid_request" if code == "token_missing" else "invalid_token"
    return ApiError(401, code, message, headers={"WWW-Authenticate": f'Bearer error="{error}"'})


def token_refusal(token: AccessToken, now) -> tuple[str, str] | None:
    """Why ``token`` cannot be used now, as (code, message), or None when it can."""
    if token.revoked_at is not None:
        return "token_revoked", _("This access token has been revoked. Create a new one in your account.")
    if token.expires_at is not None and token.expires_at <= now:
        return "token_expired", _("This access token expired on %(date)s. Create a new one in your account.") % {
            "date": formats.date_format(timezone.localtime(token.expires_at), "DATETIME_FORMAT")}
    if not token.user.is_active or token.user.deleted_at is not None:
        return "token_invalid", _("The account of this access token is deactivated.")
    return None


def _token_for(header: str) -> AccessToken:
    scheme, _space, secret = header.strip().partition(" ")
    secret = secret.strip()
    if scheme.lower() != "bearer" or not secret:
        raise unauthorized("token_invalid", _("The Authorization header must have the form “Bearer <token>”."))
    token = None
    if secret.startswith(SECRET_PREFIX) and len(secret) <= MAX_SECRET_LENGTH:
        token = AccessToken.objects.select_related("user").filter(secret_hash=hash_secret(secret)).first()
    if token is None:
        raise unauthorized("token_invalid", _("This access token is not valid. Check that it was copied "
                                              "completely, or create a new one in your account."))
    return token


class BearerToken(HttpBearer):
    openapi_bearerFormat = "ok_…"
    openapi_description = ("A personal access token, created in one's account at /konto/zugangsschluessel/. "
                           "Scope “read” or “write”.")

    def __init__(self, *, anonymous: bool = False, write: bool = False) -> None:
        self.anonymous, self.write = anonymous, write
        super().__init__()

    def __call__(self, request: HttpRequest) -> Identity:
        translation.activate(settings.LANGUAGE_CODE)
        header = request.headers.get("Authorization")
        try:
            identity = self.authenticate(request, header) if header else self._anonymous()
        except ApiError:
            check_rate(f"ip:{client_ip(request)}")
            raise
        check_rate(f"token:{identity.token.pk}" if identity.token else f"ip:{client_ip(request)}")
        request.user = identity.user
        if identity.token is not None and self.write and not identity.token.may_write:
            raise ApiError(403, "insufficient_scope", _("This access token may only read. For this request, "
                                                        "create a token with the permission “read and write”."))
        return identity

    def _anonymous(self) -> Identity:
        if not self.anonymous:
            raise unauthorized("token_missing", _("This request needs an access token. Send it in the header "
                                                  "“Authorization: Bearer <token>”; you create tokens in your "
                                                  "account under “Access tokens”."))
        return Identity(AnonymousUser(), None)

    def authenticate(self, request: HttpRequest, token: str) -> Identity:
        access_token = _token_for(token)
        now = timezone.now()
        refused = token_refusal(access_token, now)
        if refused:
            raise unauthorized(*refused)
        user = access_token.user
        if user.language in dict(settings.LANGUAGES):
            translation.activate(user.language)
        do_note_token_use(token=access_token, now=now)
        return Identity(user, access_token)


READ = BearerToken(anonymous=True)
TOKEN = BearerToken()
WRITE = BearerToken(write=True)

# OpenAPI: on READ operations the token is optional (an empty security requirement means "none needed").
OPTIONAL_TOKEN: dict[str, Any] = {"security": [{}]}


def identity(request: HttpRequest) -> Identity:
    return request.auth  # type: ignore[attr-defined]  # ninja sets it; django-stubs' HttpRequest does not know it
