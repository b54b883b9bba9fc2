"""The accounts app's part of a person's data export and deletion (see kommune.core.privacy)."""

from axes.models import AccessAttempt, AccessFailureLog, AccessLog


def export_profile(user) -> dict:
    return {
        "email": user.email,
        "display_name": user.display_name,
        "real_name": user.real_name,
        "language": user.language,
        "birth_date": user.birth_date.isoformat() if user.birth_date else None,
        "date_joined": user.date_joined.isoformat(),
        "email_confirmed_at": user.email_confirmed_at.isoformat() if user.email_confirmed_at else None,
        "last_login": user.last_login.isoformat() if user.last_login else None,
    }


def export_residencies(user) -> list[dict]:
    return [
        {"municipality": r.municipality.name, "method": r.method, "verified_at": r.verified_at.isoformat()}
        for r in user.residencies.select_related("municipality")
    ]


def export_letter_codes(user) -> list[dict]:
    from kommune.accounts.models import LetterCode

    return [{"municipality": code.municipality.name, "used_at": code.used_at.isoformat() if code.used_at else None}
            for code in LetterCode.objects.filter(used_by=user).select_related("municipality").order_by("used_at")]


def delete_login_records(user) -> None:
    """Failed-login records name the account's e-mail address; they go with the account."""
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        model.objects.filter(username=user.email).delete()
