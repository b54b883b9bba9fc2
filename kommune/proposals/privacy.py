"""Citizen proposals in a person's data export. On account deletion the drafts go (services.delete_drafts);
published proposals and supports stay under the deleted account, because they were valid, counted acts."""

from kommune.proposals.models import Proposal, Support


def export_proposals(user) -> list[dict]:
    proposals = Proposal.objects.filter(author=user).select_related("municipality", "category").order_by(
        "created_at", "id")
    return [
        {"municipality": p.municipality.name, "title": p.title, "text": p.text,
         "category": p.category.name if p.category else None, "area": p.area,
         "latitude": str(p.latitude) if p.latitude is not None else None,
         "longitude": str(p.longitude) if p.longitude is not None else None,
         "state": p.state, "created_at": p.created_at.isoformat(),
         "published_at": p.published_at.isoformat() if p.published_at else None,
         "url": p.get_absolute_url() if p.is_published else None}
        for p in proposals.iterator(chunk_size=500)
    ]


def export_supports(user) -> list[dict]:
    supports = Support.objects.filter(user=user).select_related("proposal__municipality").order_by("created_at", "id")
    return [
        {"municipality": s.proposal.municipality.name, "proposal": s.proposal.title,
         "url": s.proposal.get_absolute_url(), "supported_at": s.created_at.isoformat()}
        for s in supports.iterator(chunk_size=500)
    ]
