"""Volunteering in a person's data export and account deletion.

Exported: the person's sign-ups (made with their account or entered for them and tied to it), with the confirmed
hours, and the setting whether the person page shows them. On account deletion, sign-ups for shifts ahead are
cancelled (the place is free again), every sign-up loses name and contact data (the hours stay counted without a
name, as numbers of the open data) and the settings go (services.delete_sign_ups_of). Sign-ups entered for
people without an account are not tied to one; the organisers delete them.
"""

from kommune.core import privacy
from kommune.volunteering.models import SignUp, VolunteerPreference


def export_sign_ups(user) -> list[dict]:
    rows = SignUp.objects.filter(user=user).select_related("shift__project", "municipality").order_by(
        "created_at", "pk")
    return [
        {"municipality": row.municipality.name, "project": row.shift.project.title, "shift": row.shift.title,
         "starts_at": row.shift.starts_at.isoformat() if row.shift.starts_at else None,
         "url": row.shift.get_absolute_url(), "name": row.name, "phone": row.phone, "email": row.email,
         "status": row.status, "attendance": row.attendance,
         "hours": str(row.hours) if row.hours is not None else None, "signed_up_at": row.created_at.isoformat(),
         "cancelled_at": row.cancelled_at.isoformat() if row.cancelled_at else None}
        for row in rows.iterator(chunk_size=500)
    ]


def export_preferences(user) -> list[dict]:
    return [{"municipality": row.municipality.name, "show_on_profile": row.show_on_profile}
            for row in VolunteerPreference.objects.filter(user=user).select_related("municipality")]


def register() -> None:
    from kommune.volunteering import services

    privacy.register_exporter("volunteer_sign_ups", export_sign_ups, covers=["volunteering.SignUp.user"])
    privacy.register_exporter("volunteer_settings", export_preferences,
                              covers=["volunteering.VolunteerPreference.user"])
    privacy.register_anonymiser("volunteer_sign_ups", services.delete_sign_ups_of)
    privacy.NOT_EXPORTED.update({
        "volunteering.Project.created_by": "organiser act: publishing a volunteer project",
        "volunteering.SignUp.assisted_by": "staff act: signing up a person who phoned (audited)",
        "volunteering.SignUp.attendance_confirmed_by": "organiser act: confirming who took part (audited)",
    })
