"""The annual open-government report: what it contains (a JSON snapshot built once, when staff publish it) and
how it is drawn (the same template body for the page and the PDF).

Building it runs a bounded number of queries whatever the data size: one aggregate for the processes, the
registered indicators' aggregates (each a fixed number, for the year and the year before), and the
self-assessment's answers (team size × statements)."""

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.db.models import Count, Q
from django.template.loader import render_to_string

from kommune.core.indicators import Unit
from kommune.core.perspectives import Perspective
from kommune.core.processes.models import Process
from kommune.openness import charts
from kommune.openness.models import Report
from kommune.openness.questionnaire import statements
from kommune.openness.selectors import (
    PerspectiveResult,
    RoundResult,
    Spread,
    evidence,
    year_span,
)

CONTENT_VERSION = 1


def process_counts(municipality_ids: Sequence[int], year: int) -> dict[str, dict[str, int]]:
    """Published participation processes that ran in, started in and ended in the year and the year before: one
    aggregate query."""
    aggregates = {}
    for label, span_year in (("year", year), ("previous", year - 1)):
        start, end = year_span(span_year)
        aggregates[f"{label}_running"] = Count("pk", filter=Q(starts_at__lt=end) & (
            Q(ends_at__isnull=True) | Q(ends_at__gte=start)))
        aggregates[f"{label}_started"] = Count("pk", filter=Q(starts_at__gte=start, starts_at__lt=end))
        aggregates[f"{label}_ended"] = Count("pk", filter=Q(ends_at__gte=start, ends_at__lt=end))
    values = Process.objects.filter(municipality_id__in=list(municipality_ids), is_published=True).aggregate(
        **aggregates)
    return {kind: {"year": values[f"year_{kind}"], "previous": values[f"previous_{kind}"]}
            for kind in ("running", "started", "ended")}


def _spread_dict(spread: Spread | None) -> dict[str, Any] | None:
    if spread is None:
        return None
    return {"people": spread.people, "mean": spread.mean, "minimum": spread.minimum,
            "lower_quartile": spread.lower_quartile, "median": spread.median,
            "upper_quartile": spread.upper_quartile, "maximum": spread.maximum}


def build_content(*, name: str, kind: str, municipality_ids: Sequence[int], year: int,
                  assessment: RoundResult | None, shared_members: int | None) -> dict[str, Any]:
    indicators = {
        key: [{"key": item.indicator.key, "label": str(item.indicator.label),
               "description": str(item.indicator.description), "unit": str(item.indicator.unit.value),
               "value": item.value, "previous": item.previous}
              for item in found]
        for key, found in evidence(municipality_ids, year, with_previous=True).items()}
    content: dict[str, Any] = {
        "version": CONTENT_VERSION, "name": name, "kind": kind, "year": year,
        "processes": process_counts(municipality_ids, year), "indicators": indicators, "assessment": None,
        "members": len(municipality_ids), "shared_members": shared_members,
    }
    if assessment is not None and assessment.round is not None and assessment.people:
        content["assessment"] = {
            "year": assessment.round.year, "people": assessment.people, "closed": not assessment.round.is_open,
            "statements": len(statements(assessment.round.version)),
            "previous_year": assessment.previous.year if assessment.previous else None,
            "results": {str(result.perspective.value): {"spread": _spread_dict(result.spread),
                                                        "previous_mean": result.previous_mean}
                        for result in assessment.perspectives}}
    return content


# --- Drawing ----------------------------------------------------------------------------------------------------


def results_from(content: dict[str, Any]) -> list[PerspectiveResult]:
    """The self-assessment as the report's snapshot keeps it: the seven perspectives in order."""
    stored = (content.get("assessment") or {}).get("results", {})
    results = []
    for perspective in Perspective:
        entry = stored.get(perspective.value) or {}
        spread = Spread(**entry["spread"]) if entry.get("spread") else None
        results.append(PerspectiveResult(perspective, spread, entry.get("previous_mean")))
    return results


def _indicator_chart(indicator: dict[str, Any], year: int) -> dict:
    return charts.bars([(str(year - 1), indicator["previous"]), (str(year), indicator["value"])])


def report_context(report: Report) -> dict[str, Any]:
    """What openness/_report_body.html reads: the sections per perspective with their indicators and charts,
    the self-assessment's radar and the counts of processes."""
    content = report.content
    year = content.get("year", report.year)
    results = results_from(content)
    by_key = {str(result.perspective.value): result for result in results}
    sections = []
    for perspective in Perspective:
        items = [{**item, "chart": _indicator_chart(item, year)}
                 for item in content.get("indicators", {}).get(perspective.value, [])]
        sections.append({"perspective": perspective, "indicators": items, "result": by_key[perspective.value]})
    assessment = content.get("assessment")
    return {
        "report": report, "content": content, "year": year, "sections": sections, "results": results,
        "assessment": assessment, "radar_chart": charts.radar(results) if assessment else None,
        "processes": content.get("processes", {}),
        "perspectives": list(Perspective), "units": Unit,
    }


def render_pdf(report: Report) -> bytes:
    """The report as a tagged A4 PDF (WeasyPrint), from the same body as the page."""
    from weasyprint import HTML  # type: ignore[import-untyped]

    html = render_to_string("openness/report_pdf.html", report_context(report))
    return HTML(string=html, base_url=settings.SITE_URL).write_pdf(pdf_variant="pdf/ua-1")
