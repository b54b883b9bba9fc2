"""The signed link with which a person cancels a sign-up (in the e-mails and on the shift page): the sign-up's
number and its random secret, signed with the site's key."""

import secrets

from django.core import signing

from kommune.core.models import Municipality
from kommune.volunteering.models import SignUp

CANCEL_SALT = "volunteering.sign_up.cancel"


def cancel_token(sign_up: SignUp) -> str:
    return signing.dumps([sign_up.pk, sign_up.secret], salt=CANCEL_SALT, compress=True)


def sign_up_for_token(token: str, municipality: Municipality) -> SignUp | None:
    """The sign-up a cancellation link names, or None for a forged, foreign or unknown link."""
    try:
        pk, secret = signing.loads(token[:500], salt=CANCEL_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not isinstance(pk, int):
        return None
    sign_up = (SignUp.objects.filter(pk=pk, municipality=municipality)
               .select_related("shift__project", "municipality").first())
    if sign_up is None or not secrets.compare_digest(str(secret), sign_up.secret):
        return None
    return sign_up
