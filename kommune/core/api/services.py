"""Writes of personal access tokens: create (the secret is returned once and only its SHA-256 is stored),
revoke, and the bookkeeping of the last use."""

import hashlib
import secrets
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from kommune.core.api.models import AccessToken
from kommune.core.api.selectors import valid_tokens
from kommune.core.cleaning import control_character_message
from kommune.core.types import User

SECRET_PREFIX = "ok_"
PREFIX_LENGTH = len(SECRET_PREFIX) + 6  # what the token list shows, e.g. "ok_Ab3dE9"
MAX_ACTIVE_TOKENS = 20
MAX_NAME_LENGTH = 100
MAX_VALIDITY = timedelta(days=3 * 366)
LAST_USED_PRECISION = timedelta(minutes=1)


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _clean(name: str, scope: str, expires_at: datetime | None, now: datetime) -> str:
    errors: dict[str, list[str]] = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = [_("Please name the token after what you use it for, e.g. “Ratsinfo-App”.")]
    elif control := control_character_message(name):
        errors["name"] = [control]
    elif len(name) > MAX_NAME_LENGTH:
        errors["name"] = [_("The name can have at most %(max)d characters.") % {"max": MAX_NAME_LENGTH}]
    if scope not in AccessToken.Scope.values:
        errors["scope"] = [_("Please choose what the token may do.")]
    if expires_at is not None:
        if expires_at <= now:
            errors["expires_at"] = [_("The end of validity must lie in the future.")]
        elif expires_at > now + MAX_VALIDITY:
            errors["expires_at"] = [_("A token can be valid for at most three years.")]
    if errors:
        raise ValidationError(errors)
    return name


def do_create_access_token(*, user: User, name: str, scope: str, expires_at: datetime | None = None
                           ) -> tuple[AccessToken, str]:
    """A new token of ``user``. Returns the token and its secret; the secret is not stored and cannot be shown
    again."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        raise PermissionDenied
    now = timezone.now()
    name = _clean(name, scope, expires_at, now)
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        # Lock the person's row so that parallel requests cannot pass the limit together.
        get_user_model().objects.select_for_update().filter(pk=user.pk).first()
        if valid_tokens(user).count() >= MAX_ACTIVE_TOKENS:
            raise ValidationError(_("You already have %(max)d valid tokens. Please revoke one you no longer "
                                    "need first.") % {"max": MAX_ACTIVE_TOKENS}, code="too_many")
        token = AccessToken.objects.create(user=user, name=name, scope=scope, expires_at=expires_at,
                                           prefix=secret[:PREFIX_LENGTH], secret_hash=hash_secret(secret))
    return token, secret


def do_revoke_access_token(*, token: AccessToken, actor: User) -> AccessToken:
    """Revoke one's own token; it stops working at once. Revoking twice changes nothing."""
    if not getattr(actor, "is_authenticated", False) or token.user_id != actor.pk:
        raise PermissionDenied
    with transaction.atomic():
        AccessToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    token.refresh_from_db(fields=["revoked_at"])
    return token


def do_revoke_all_access_tokens(*, user: User) -> int:
    """Account deletion: every token of the person stops working."""
    with transaction.atomic():
        return AccessToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())


def do_note_token_use(*, token: AccessToken, now: datetime) -> None:
    """Record when a token was last used, at most once a minute, so that reads do not each cost a write."""
    if token.last_used_at is not None and now - token.last_used_at < LAST_USED_PRECISION:
        return
    AccessToken.objects.filter(pk=token.pk).filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_PRECISION)).update(last_used_at=now)
    token.last_used_at = now

