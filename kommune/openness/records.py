"""The record set "openness_reports": the municipality's published annual open-government reports as open data,
one row per year with the self-assessment's mean per perspective and the address of the PDF. No personal data:
the means name nobody, and nobody's single rating can be read from them."""

from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kommune.core.models import Municipality
from kommune.core.perspectives import Perspective
from kommune.core.records import Column, register_record_set
from kommune.openness.events import OpennessReportPublished
from kommune.openness.models import Report


def _self_description(perspective: Perspective) -> str:
    return gettext("Self-assessment, mean from 1 to 5: %(perspective)s.") % {"perspective": perspective.label}


_lazy_self_description = lazy(_self_description, str)

COLUMNS = (
    Column("id", "integer", _("Number of the report on this platform."), required=True),
    Column("year", "integer", _("Year the report covers."), required=True),
    Column("title", "string", _("Title."), required=True),
    Column("published_at", "datetime", _("When the report was published (or last rebuilt)."), required=True),
    Column("processes_running", "integer", _("Published participation processes that ran in the year."),
           required=True),
    Column("assessment_people", "integer", _("People who answered the self-assessment of the year (0: none).")),
    *(Column(f"self_{perspective.value}", "number",
             _lazy_self_description(perspective))
      for perspective in Perspective),
    Column("url", "string", _("Address of the report on this platform."), required=True),
    Column("pdf_url", "string", _("Address of the report as PDF."), required=True),
)


def rows(municipality: Municipality) -> Iterator[dict[str, Any]]:
    """One query, oldest year first."""
    site = settings.SITE_URL.rstrip("/")
    reports = Report.objects.filter(municipality=municipality).select_related("municipality").order_by("year", "id")
    for report in reports.iterator(chunk_size=200):
        content = report.content or {}
        assessment = content.get("assessment") or {}
        results = assessment.get("results", {})
        means = {f"self_{p.value}": ((results.get(p.value) or {}).get("spread") or {}).get("mean")
                 for p in Perspective}
        yield {"id": report.pk, "year": report.year, "title": report.title, "published_at": report.published_at,
               "processes_running": ((content.get("processes") or {}).get("running") or {}).get("year", 0),
               "assessment_people": assessment.get("people", 0), **means,
               "url": site + report.get_absolute_url(), "pdf_url": site + report.get_pdf_url()}


def register() -> None:
    register_record_set(
        key="openness_reports", title=_("Open-government reports"),
        description=_("The annual open-government reports: participation processes, the platform's indicators "
                      "and the self-assessment along the seven perspectives of openness, with the PDF of each."),
        columns=COLUMNS, rows=rows, changed_by=(OpennessReportPublished,), themes=("GOVE",),
        keywords=("Open Government", "Jahresbericht", "Offenheit", "Selbstbewertung"),
    )
