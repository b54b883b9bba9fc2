"""Writes of the openness app: self-assessment rounds and answers, the consent to compare in the labs, and the
annual report. Keyword-only, typed, one transaction each, permission checked here for every caller."""

from collections.abc import Mapping

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kommune.core.cleaning import clean_text
from kommune.core.events import publish
from kommune.core.models import AuditLogEntry, Lab, Municipality
from kommune.core.types import User
from kommune.openness import report as report_building
from kommune.openness import selectors
from kommune.openness.events import OpennessReportPublished
from kommune.openness.models import Answer, Report, Round
from kommune.openness.questionnaire import CURRENT_VERSION, SCALE, statements

ASSESS_PERMISSION = "openness.assess"
MANAGE_PERMISSION = "openness.manage"
FIRST_YEAR = 2000
EVIDENCE_MAX_LENGTH = 2000


def _require(actor: User, permission: str, tenant: Municipality | Lab) -> None:
    if not actor.has_perm(permission, tenant):
        raise PermissionDenied


def check_year(year: int, *, allow_next: bool = False) -> int:
    latest = timezone.localdate().year + (1 if allow_next else 0)
    if not FIRST_YEAR <= year <= latest:
        raise ValidationError(_("Please give a year between %(first)d and %(last)d.")
                              % {"first": FIRST_YEAR, "last": latest}, code="year")
    return year


# --- Self-assessment --------------------------------------------------------------------------------------------


def do_open_round(*, municipality: Municipality, actor: User, year: int) -> Round:
    """Open the self-assessment of ``year`` with the current questionnaire."""
    _require(actor, MANAGE_PERMISSION, municipality)
    check_year(year, allow_next=True)
    with transaction.atomic():
        if Round.objects.filter(municipality=municipality, year=year).exists():
            raise ValidationError(_("There is already a self-assessment for %(year)d.") % {"year": year},
                                  code="exists")
        return Round.objects.create(municipality=municipality, year=year, version=CURRENT_VERSION,
                                    opened_by=actor)


def do_answer_round(*, round: Round, actor: User, ratings: Mapping[str, int],
                    evidence: Mapping[str, str] | None = None) -> list[Answer]:
    """Save ``actor``'s answers (every statement rated 1–5, evidence optional); replaces their earlier answers
    of the round. Only while the round is open."""
    _require(actor, ASSESS_PERMISSION, round.municipality)
    if not round.is_open:
        raise ValidationError(_("This self-assessment is closed; answers can no longer be changed."), code="closed")
    evidence = evidence or {}
    wanted = statements(round.version)
    missing = [s for s in wanted if s.key not in ratings]
    if missing:
        raise ValidationError(_("Please rate every statement (%(count)d are missing).") % {"count": len(missing)},
                              code="incomplete")
    if any(ratings[s.key] not in SCALE for s in wanted):
        raise ValidationError(_("Please rate each statement from 1 to 5."), code="scale")
    rows = [Answer(municipality=round.municipality, round=round, user=actor, statement=s.key,
                   rating=ratings[s.key],
                   evidence=clean_text(evidence.get(s.key, ""), max_length=EVIDENCE_MAX_LENGTH))
            for s in wanted]
    with transaction.atomic():
        locked = Round.objects.select_for_update().get(pk=round.pk)
        if not locked.is_open:
            raise ValidationError(_("This self-assessment is closed; answers can no longer be changed."),
                                  code="closed")
        Answer.objects.filter(round=round, user=actor).delete()
        return Answer.objects.bulk_create(rows)


def do_close_round(*, round: Round, actor: User) -> Round:
    _require(actor, MANAGE_PERMISSION, round.municipality)
    with transaction.atomic():
        Round.objects.filter(pk=round.pk, closed_at__isnull=True).update(closed_at=timezone.now())
    round.refresh_from_db(fields=["closed_at"])
    return round


def do_reopen_round(*, round: Round, actor: User) -> Round:
    _require(actor, MANAGE_PERMISSION, round.municipality)
    with transaction.atomic():
        Round.objects.filter(pk=round.pk).update(closed_at=None)
    round.refresh_from_db(fields=["closed_at"])
    return round


def do_set_sharing(*, round: Round, actor: User, shared: bool) -> Round:
    """The municipality's consent: may the labs it belongs to compare this round's result with their members?"""
    _require(actor, MANAGE_PERMISSION, round.municipality)
    with transaction.atomic():
        Round.objects.filter(pk=round.pk).update(shared_with_labs=shared)
    round.shared_with_labs = shared
    return round


def delete_answers_of(user: User) -> None:
    """Account deletion: a person's ratings and evidence go; the round's result then counts one person fewer."""
    Answer.objects.filter(user=user).delete()


# --- The annual report ------------------------------------------------------------------------------------------


def build_report_content(tenant: Municipality | Lab, year: int) -> tuple[str, dict]:
    """The report's title and content. A municipality's report shows its own self-assessment; a lab's report
    shows the indicators over all members and only how many members shared their self-assessment with the lab:
    the consent is to compare inside the lab, not to publish another municipality's result."""
    title = _("Open-government report %(year)d: %(name)s") % {"year": year, "name": tenant.name}
    if isinstance(tenant, Municipality):
        round_ = Round.objects.filter(municipality=tenant, year=year).first()
        assessment = selectors.round_result(round_) if round_ else None
        return title, report_building.build_content(name=tenant.name, kind="municipality",
                                                    municipality_ids=[tenant.pk], year=year, assessment=assessment,
                                                    shared_members=None)
    member_ids = list(tenant.municipalities.values_list("pk", flat=True))
    shared = len(selectors.lab_comparison(tenant, year))
    return title, report_building.build_content(name=tenant.name, kind="lab", municipality_ids=member_ids,
                                                year=year, assessment=None, shared_members=shared)


def do_publish_report(*, tenant: Municipality | Lab, actor: User, year: int) -> Report:
    """Build the report of ``tenant`` for ``year`` (HTML snapshot and PDF) and publish it; a second click
    rebuilds it with today's figures. The figures and the PDF are made before the transaction, which only
    writes the row, the file, the audit entry and the event."""
    _require(actor, MANAGE_PERMISSION, tenant)
    check_year(year)
    title, content = build_report_content(tenant, year)
    tenant_field = "municipality" if isinstance(tenant, Municipality) else "lab"
    now = timezone.now()
    draft = Report(**{tenant_field: tenant}, year=year, title=title, content=content, published_at=now,
                   published_by=actor)
    pdf = report_building.render_pdf(draft)
    with transaction.atomic():
        report = Report.objects.select_for_update().filter(**{tenant_field: tenant}, year=year).first()
        old_file = report.pdf.name if report and report.pdf else ""
        if report is None:
            report = draft
        else:
            report.title, report.content, report.published_at, report.published_by = title, content, now, actor
        report.pdf.save(report.pdf_filename, ContentFile(pdf), save=False)
        report.save()
        AuditLogEntry.objects.create(**{tenant_field: tenant}, actor=actor,
                                     action=AuditLogEntry.Action.OPENNESS_REPORT_PUBLISHED,
                                     details={"year": year, "report": report.pk})
        if isinstance(tenant, Municipality):
            publish(OpennessReportPublished(tenant, report, actor=actor, data={"year": year}))
        if old_file and old_file != report.pdf.name:
            storage = report.pdf.storage
            transaction.on_commit(lambda: storage.delete(old_file), robust=True)
    return report
