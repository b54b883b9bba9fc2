"""Consultations in a person's data export: the passages their comments quote (the comments themselves are in the
core comments' section). Deleting an account keeps them with the comment, as the core comments do."""

from kommune.consultations.models import Passage


def export_passages(user) -> list[dict]:
    passages = (Passage.objects.filter(comment__author=user)
                .select_related("paragraph__version__consultation").order_by("comment__created_at", "pk"))
    return [{"consultation": passage.paragraph.version.consultation.title,
             "paragraph": passage.paragraph.position, "quote": passage.quote, "comment": passage.comment.text[:200]
             if hasattr(passage, "comment") else ""}
            for passage in passages.select_related("comment").iterator(chunk_size=500)]
