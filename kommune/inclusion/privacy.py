"""The digital-help network in a person's data export and account deletion.

Exported: the person's registrations (made with their account) and the places they proposed. On account deletion,
registrations for future dates are cancelled (the place goes to the next person waiting) and every registration
of the account loses its name and contact data (services.delete_registrations_of); the places stay, they belong
to their organisation. Registrations without an account are deleted by the organisers or when the municipality's
retention period ends; the export cannot find them, because nothing ties them to an account.
"""

from kommune.core import privacy
from kommune.inclusion.models import Partner, Registration


def export_registrations(user) -> list[dict]:
    rows = Registration.objects.filter(user=user).select_related("event", "course", "municipality").order_by(
        "created_at", "pk")
    return [
        {"municipality": row.municipality.name, "event": row.target.title,
         "url": row.target.get_absolute_url(), "name": row.name, "phone": row.phone, "email": row.email,
         "note": row.note, "status": row.status, "registered_at": row.created_at.isoformat(),
         "cancelled_at": row.cancelled_at.isoformat() if row.cancelled_at else None}
        for row in rows.iterator(chunk_size=500)
    ]


def export_partners(user) -> list[dict]:
    partners = Partner.objects.filter(submitted_by=user).select_related("municipality").order_by("created_at", "pk")
    return [{"municipality": p.municipality.name, "name": p.name, "state": p.state,
             "proposed_at": p.created_at.isoformat()} for p in partners]


def register() -> None:
    from kommune.inclusion import services

    privacy.register_exporter("digital_help_registrations", export_registrations,
                              covers=["inclusion.Registration.user"])
    privacy.register_exporter("digital_help_places", export_partners, covers=["inclusion.Partner.submitted_by"])
    privacy.register_anonymiser("digital_help_registrations", services.delete_registrations_of)
    privacy.NOT_EXPORTED.update({
        "inclusion.Partner.decided_by": "staff act: approving a place of the digital-help network",
        "inclusion.Event.created_by": "organiser act: publishing an event of the digital-help network",
        "inclusion.Course.created_by": "organiser act: publishing a course of the digital-help network",
        "inclusion.Registration.assisted_by": "staff act: registering a person who phoned or came by (audited)",
    })
