"""Published open-government reports in the site search (kind "openness_report"), with German stemming:
"Berichte" finds "Bericht". A report is public once it exists; the self-assessment is found only through the
report that published it (the rounds themselves are the team's). A lab's report has no municipality to belong to
and publishes no event, so it is not indexed: it is found on the lab's page."""

from django.utils.translation import gettext as _

from kommune.core.perspectives import Perspective
from kommune.core.search.registry import SearchDocumentData, register_searchable
from kommune.openness.events import OpennessReportPublished
from kommune.openness.models import Report


def report_document(report: Report) -> SearchDocumentData | None:
    if report.municipality is None:
        return None
    content = report.content
    indicators = content.get("indicators", {})
    body = [_("Open-government report"), str(report.year), report.municipality.name]
    for perspective in Perspective:
        labels = [item.get("label", "") for item in indicators.get(perspective.value, [])]
        if labels:
            body.append(f"{perspective.label}: {', '.join(labels)}")
    if content.get("assessment"):
        body.append(_("Self-assessment %(year)s along the seven perspectives") % {"year": report.year})
    return SearchDocumentData(municipality=report.municipality, title=report.title, body="\n".join(body),
                              url=report.get_absolute_url(), context=str(report.year))


def register() -> None:
    from django.utils.translation import gettext_lazy

    register_searchable(Report, kind="openness_report", label=gettext_lazy("Open-government report"),
                        document=report_document,
                        queryset=lambda: Report.objects.filter(municipality__isnull=False).select_related(
                            "municipality", "lab"),
                        index_on=(OpennessReportPublished,))
