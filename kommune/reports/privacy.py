"""Issue reports in a person's data export. On account deletion the reports stay without any trace of the
person (services.anonymise_reports): the problem in the street is still real."""

from kommune.reports.models import ApiKey, PendingPhoto, Report


def export_reports(user) -> list[dict]:
    reports = Report.objects.filter(reporter=user).select_related("municipality", "service").order_by(
        "created_at", "id")
    return [
        {"municipality": r.municipality.name, "category": r.service.name, "description": r.description,
         "address": r.address, "latitude": str(r.latitude) if r.latitude is not None else None,
         "longitude": str(r.longitude) if r.longitude is not None else None, "has_photo": bool(r.photo),
         "status": r.status, "public_note": r.status_note, "contact_name": r.contact_name,
         "contact_email": r.contact_email, "contact_phone": r.contact_phone,
         "created_at": r.created_at.isoformat(), "url": r.get_absolute_url()}
        for r in reports.iterator(chunk_size=500)
    ]


def export_pending_photos(user) -> list[dict]:
    """Photos uploaded for a report that was not sent (yet); deleted after a day."""
    return [{"municipality": p.municipality.name, "uploaded_at": p.created_at.isoformat()}
            for p in PendingPhoto.objects.filter(user=user).select_related("municipality").order_by("created_at")]


def export_api_keys(user) -> list[dict]:
    """Open311 keys the person created as staff (the key itself is not stored)."""
    return [{"municipality": k.municipality.name, "name": k.name, "created_at": k.created_at.isoformat(),
             "revoked_at": k.revoked_at.isoformat() if k.revoked_at else None}
            for k in ApiKey.objects.filter(created_by=user).select_related("municipality").order_by("created_at")]
