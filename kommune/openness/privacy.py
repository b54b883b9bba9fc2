"""The self-assessment in a person's data export and account deletion.

An answer is personal: it says how one staff member rates their administration. Exported: every rating with its
evidence. On account deletion the answers go (the round's result then counts one person fewer); the published
reports keep their figures, which name nobody.
"""

from kommune.core import privacy
from kommune.openness.models import Answer


def export_answers(user) -> list[dict]:
    rows = Answer.objects.filter(user=user).select_related("municipality", "round").order_by(
        "round__year", "statement")
    return [{"municipality": row.municipality.name, "year": row.round.year, "questionnaire": row.round.version,
             "statement": row.statement, "rating": row.rating, "evidence": row.evidence,
             "updated_at": row.updated_at.isoformat()} for row in rows.iterator(chunk_size=500)]


def register() -> None:
    from kommune.openness import services

    privacy.register_exporter("openness_self_assessment", export_answers, covers=["openness.Answer.user"])
    privacy.register_anonymiser("openness_self_assessment", services.delete_answers_of)
    privacy.NOT_EXPORTED.update({
        "openness.Round.opened_by": "staff act: opening a round of the self-assessment",
        "openness.Report.published_by": "staff act: publishing the annual open-government report (audited)",
    })
