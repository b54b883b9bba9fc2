"""The signed links of a subscriber: confirming the subscription (double opt-in) and unsubscribing (one click,
RFC 8058). Each carries the subscriber's number and random secret, signed with the site's key and a salt of its
own, so a confirmation link cannot unsubscribe and the other way round. Guessing a number gives nothing."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse

from kommune.core.models import Municipality
from kommune.newsletters.models import Subscriber

CONFIRM_SALT = "newsletters.subscriber.confirm"
UNSUBSCRIBE_SALT = "newsletters.subscriber.unsubscribe"
CONFIRM_MAX_AGE = timedelta(days=14)


def new_secret() -> str:
    return secrets.token_hex(16)


def _token(subscriber: Subscriber, salt: str) -> str:
    return signing.dumps([subscriber.pk, subscriber.secret], salt=salt, compress=True)


def confirm_token(subscriber: Subscriber) -> str:
    return _token(subscriber, CONFIRM_SALT)


def unsubscribe_token(subscriber: Subscriber) -> str:
    return _token(subscriber, UNSUBSCRIBE_SALT)


def confirm_url(subscriber: Subscriber) -> str:
    return settings.SITE_URL + reverse("newsletters:confirm", kwargs={
        "municipality_slug": subscriber.municipality.slug, "token": confirm_token(subscriber)})


def unsubscribe_url(subscriber: Subscriber) -> str:
    return settings.SITE_URL + reverse("newsletters:unsubscribe", kwargs={
        "municipality_slug": subscriber.municipality.slug, "token": unsubscribe_token(subscriber)})


def _subscriber(token: str, municipality: Municipality, salt: str, max_age: timedelta | None) -> Subscriber | None:
    try:
        pk, secret = signing.loads(token, salt=salt, max_age=max_age)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    subscriber = Subscriber.objects.filter(pk=pk, municipality=municipality).select_related("municipality").first()
    if subscriber is None or not secrets.compare_digest(str(secret), subscriber.secret):
        return None
    return subscriber


def subscriber_to_confirm(token: str, municipality: Municipality) -> Subscriber | None:
    """The subscriber a confirmation link names, or None for a forged, expired, foreign or unknown link."""
    return _subscriber(token, municipality, CONFIRM_SALT, CONFIRM_MAX_AGE)


def subscriber_to_unsubscribe(token: str, municipality: Municipality) -> Subscriber | None:
    """The subscriber an unsubscribe link names (no expiry: an old issue must still unsubscribe), or None."""
    return _subscriber(token, municipality, UNSUBSCRIBE_SALT, None)
