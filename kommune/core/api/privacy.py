"""A person's access tokens in their data export (never the secrets: only fingerprints are stored), and their
revocation when the account is deleted."""

from kommune.core.api.models import AccessToken
from kommune.core.api.services import do_revoke_all_access_tokens


def export_tokens(user) -> list[dict]:
    return [
        {"name": token.name, "beginning": token.prefix, "scope": token.scope,
         "created": token.created_at.isoformat(),
         "last_used": token.last_used_at.isoformat() if token.last_used_at else None,
         "valid_until": token.expires_at.isoformat() if token.expires_at else None,
         "revoked": token.revoked_at.isoformat() if token.revoked_at else None}
        for token in AccessToken.objects.filter(user=user).order_by("created_at", "id")
    ]


def revoke_tokens(user) -> None:
    do_revoke_all_access_tokens(user=user)
