"""The signed link with which a person cancels a registration without an account (in the e-mail and on the
confirmation page): the registration's number and its random secret, signed with the site's key."""

import secrets

from django.core import signing

from kommune.core.models import Municipality
from kommune.inclusion.models import Registration

CANCEL_SALT = "inclusion.registration.cancel"


def cancel_token(registration: Registration) -> str:
    return signing.dumps([registration.pk, registration.secret], salt=CANCEL_SALT, compress=True)


def registration_for_token(token: str, municipality: Municipality) -> Registration | None:
    """The registration a cancellation link names, or None for a forged, foreign or unknown link."""
    try:
        pk, secret = signing.loads(token, salt=CANCEL_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    registration = (Registration.objects.filter(pk=pk, municipality=municipality)
                    .select_related("event__partner", "course__partner", "municipality").first())
    if registration is None or not secrets.compare_digest(str(secret), registration.secret):
        return None
    return registration
