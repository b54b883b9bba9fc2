"""The moderation's part of a person's data export and account deletion (kommune.core.privacy): their reports,
the decisions about them with their statements of reasons, their blocks and their review requests."""

from kommune.core.moderation.models import Block, ModerationAct, Report, ReviewRequest
from kommune.core.moderation.statements import statement_of_reasons


def _iso(moment) -> str | None:
    return moment.isoformat() if moment else None


def export_reports(user) -> list[dict]:
    reports = Report.objects.filter(reporter=user).select_related("municipality").order_by("created_at", "id")
    return [{"municipality": r.municipality.name, "reason": r.reason, "text": r.text,
             "sent_at": r.created_at.isoformat(), "status": r.status, "answer": r.answer,
             "answered_at": _iso(r.answered_at)} for r in reports]


def export_decisions(user) -> list[dict]:
    acts = ModerationAct.objects.filter(affected_user=user).select_related("municipality").order_by("created_at",
                                                                                                   "id")
    return [{"municipality": a.municipality.name, "action": a.action, "reason": a.reason, "rule": a.rule,
             "automated": a.automated, "at": a.created_at.isoformat(), "statement": statement_of_reasons(a)}
            for a in acts]


def export_blocks(user) -> list[dict]:
    blocks = Block.objects.filter(user=user).select_related("municipality").order_by("created_at", "id")
    return [{"municipality": b.municipality.name, "reason": b.reason, "from": b.created_at.isoformat(),
             "until": b.until.isoformat()} for b in blocks]


def export_review_requests(user) -> list[dict]:
    reviews = ReviewRequest.objects.filter(requester=user).select_related("municipality").order_by("created_at",
                                                                                                  "id")
    return [{"municipality": r.municipality.name, "text": r.text, "sent_at": r.created_at.isoformat(),
             "status": r.status, "answer": r.answer, "decided_at": _iso(r.decided_at)} for r in reviews]


def delete_personal_data(user) -> None:
    """Account deletion: the review requests go; reports stay for the moderators' record without the person;
    the public log never named anybody. Blocks stay with the (anonymised) account: the record of a decision."""
    ReviewRequest.objects.filter(requester=user).delete()
    Report.objects.filter(reporter=user).update(reporter=None)
    ModerationAct.objects.filter(affected_user=user).update(affected_user=None)
