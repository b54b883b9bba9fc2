"""The signed token of the one-click unsubscribe link in every notification e-mail (works logged out)."""

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse

UNSUBSCRIBE_SALT = "kommune.notifications.unsubscribe"
# Long enough for an old e-mail in someone's inbox; a link older than that asks them to use a newer e-mail
# or the settings page.
UNSUBSCRIBE_MAX_AGE = timedelta(days=365)


class BadToken(Exception):
    def __init__(self, *, expired: bool = False) -> None:
        super().__init__("expired" if expired else "invalid")
        self.expired = expired


def unsubscribe_token(user) -> str:
    return signing.dumps({"u": user.pk}, salt=UNSUBSCRIBE_SALT)


def unsubscribe_url(user) -> str:
    return settings.SITE_URL + reverse("notifications:unsubscribe", kwargs={"token": unsubscribe_token(user)})


def user_id_from_token(token: str) -> int:
    try:
        payload = signing.loads(token, salt=UNSUBSCRIBE_SALT, max_age=UNSUBSCRIBE_MAX_AGE)
    except signing.SignatureExpired as error:
        raise BadToken(expired=True) from error
    except signing.BadSignature as error:
        raise BadToken from error
    if not isinstance(payload, dict) or not isinstance(payload.get("u"), int):
        raise BadToken
    return payload["u"]
