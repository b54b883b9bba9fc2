"""Adoptions in a person's data export. On account deletion the running adoptions end (services.
delete_user_adoptions); care entries stay without the person (the author link is cleared)."""

from django.db.models import Q

from kommune.adoptions.models import Adoption, CareEntry


def export_adoptions(user) -> list[dict]:
    """The person's adoptions, and the ones they entered for residents as staff or partner."""
    adoptions = (Adoption.objects.filter(Q(user=user) | Q(entered_by=user))
                 .select_related("asset", "municipality").order_by("adopted_at", "pk"))
    return [
        {"municipality": a.municipality.name, "asset": a.asset.name, "kind": a.asset.kind, "season": a.season,
         "public_name": a.public_name, "adopted_at": a.adopted_at.isoformat(),
         "ended_at": a.ended_at.isoformat() if a.ended_at else None, "url": a.asset.get_absolute_url(),
         "entered_for_a_resident": a.entered_by_id == user.pk}
        for a in adoptions.iterator(chunk_size=500)
    ]


def export_care_entries(user) -> list[dict]:
    entries = CareEntry.objects.filter(author=user).select_related("asset", "municipality").order_by("done_on", "pk")
    return [
        {"municipality": e.municipality.name, "asset": e.asset.name, "kind": e.kind,
         "done_on": e.done_on.isoformat(), "note": e.note, "has_photo": bool(e.photo),
         "photo_description": e.photo_alt}
        for e in entries.iterator(chunk_size=500)
    ]
