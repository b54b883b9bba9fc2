"""Reads of access tokens for the account pages and the data export."""

from django.db.models import Q, QuerySet
from django.utils import timezone

from kommune.core.api.models import AccessToken

SHOWN_ENDED = 20


def valid_tokens(user) -> QuerySet[AccessToken]:
    now = timezone.now()
    return AccessToken.objects.filter(user=user, revoked_at__isnull=True).filter(
        Q(expires_at__isnull=True) | Q(expires_at__gt=now)).order_by("-created_at", "-id")


def ended_tokens(user) -> list[AccessToken]:
    """The most recently revoked or expired tokens (the page shows only a few of them)."""
    now = timezone.now()
    return list(AccessToken.objects.filter(user=user).filter(
        Q(revoked_at__isnull=False) | Q(expires_at__lte=now)).order_by("-created_at", "-id")[:SHOWN_ENDED])
