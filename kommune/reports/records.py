"""The record set "issue_reports": every issue report of a municipality as open data, without any personal data
(no reporter, no contact details, no photo)."""

from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kommune.core.models import Municipality
from kommune.core.records import Column, register_record_set
from kommune.reports.events import ReportCreated, ReportMerged, ReportRouted, ReportStatusChanged
from kommune.reports.models import Report

COLUMNS = (
    Column("id", "integer", _("Number of the report on this platform (the Open311 service_request_id)."),
           required=True),
    Column("service_code", "string", _("Code of the category (the Open311 service_code)."), required=True),
    Column("service_name", "string", _("Name of the category."), required=True),
    Column("description", "string", _("The description of the problem."), required=True),
    Column("address", "string", _("Address or place, if given.")),
    Column("latitude", "number", _("Latitude of the place (WGS 84), if given.")),
    Column("longitude", "number", _("Longitude of the place (WGS 84), if given.")),
    Column("status", "string", _("Status: open, in_progress or closed."), required=True),
    Column("status_note", "string", _("The municipality's public note, if any.")),
    Column("department", "string", _("The department in charge, if set.")),
    Column("duplicate_of", "integer", _("The report this one duplicates, if merged.")),
    Column("source", "string", _("How it came in: web, api, open311 or assisted (entered by staff)."),
           required=True),
    Column("created_at", "datetime", _("When the report was made."), required=True),
    Column("answered_at", "datetime", _("When the municipality first answered, if it did.")),
    Column("closed_at", "datetime", _("When the report was closed, if it was.")),
    Column("url", "string", _("Address of the report on this platform."), required=True),
)

CHANGED_BY = (ReportCreated, ReportStatusChanged, ReportRouted, ReportMerged)


def rows(municipality: Municipality) -> Iterator[dict[str, Any]]:
    """One query, streamed, oldest first."""
    reports = (Report.objects.filter(municipality=municipality)
               .values("id", "service__code", "service__name", "description", "address", "latitude", "longitude",
                       "status", "status_note", "department__name", "duplicate_of_id", "source", "created_at",
                       "answered_at", "closed_at")
               .order_by("created_at", "id"))
    site = settings.SITE_URL.rstrip("/")
    for row in reports.iterator(chunk_size=2000):
        yield {
            "id": row["id"], "service_code": row["service__code"], "service_name": row["service__name"],
            "description": row["description"], "address": row["address"],
            "latitude": float(row["latitude"]) if row["latitude"] is not None else None,
            "longitude": float(row["longitude"]) if row["longitude"] is not None else None,
            "status": row["status"], "status_note": row["status_note"],
            "department": row["department__name"] or "", "duplicate_of": row["duplicate_of_id"],
            "source": row["source"], "created_at": row["created_at"], "answered_at": row["answered_at"],
            "closed_at": row["closed_at"],
            "url": site + reverse("reports:detail", kwargs={"municipality_slug": municipality.slug,
                                                            "issue_id": row["id"]}),
        }


def register() -> None:
    register_record_set(
        key="issue_reports", title=_("Issue reports"),
        description=_("The issue reports of the municipality (broken street lights, potholes, dumped rubbish, "
                      "…) with their category, place, status and the municipality's public notes. Without "
                      "personal data: no reporters, no contact details, no photos."),
        columns=COLUMNS, rows=rows, changed_by=CHANGED_BY, themes=("GOVE", "ENVI"),
        keywords=("Mängelmelder", "Open311", "Schadensmeldung", "Co-Produktion"),
    )
