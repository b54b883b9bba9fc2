"""The record sets "projects" and "project_status_changes": the Vorhabenliste as open data, without personal data
(no staff names)."""

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import DecimalField, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kommune.core.models import Municipality
from kommune.core.records import Column, register_record_set
from kommune.projects.events import ProjectCreated, ProjectStatusChanged, ProjectUpdated
from kommune.projects.models import Funding, Project, StatusChange

PROJECT_COLUMNS = (
    Column("id", "integer", _("Number of the project on this platform."), required=True),
    Column("title", "string", _("Title."), required=True),
    Column("summary", "string", _("Summary, if any.")),
    Column("description", "string", _("Description (Markdown), if any.")),
    Column("status", "string", _("Status: idea, planning, decided, in_construction, done or stopped."),
           required=True),
    Column("status_since", "date", _("The day the project reached its status."), required=True),
    Column("department", "string", _("The responsible department, if given.")),
    Column("area", "string", _("Part of the municipality concerned, if given.")),
    Column("place", "string", _("Place, for example a street or a building, if given.")),
    Column("latitude", "number", _("Latitude of the place (WGS 84), if given.")),
    Column("longitude", "number", _("Longitude of the place (WGS 84), if given.")),
    Column("estimated_costs_eur", "number", _("Estimated costs in euro, if known.")),
    Column("actual_costs_eur", "number", _("Actual costs in euro, when the bills are in.")),
    Column("funding_eur", "number", _("Sum of the funding sources in euro."), required=True),
    Column("created_at", "datetime", _("When the project was added to the list."), required=True),
    Column("url", "string", _("Address of the project on this platform."), required=True),
)

CHANGE_COLUMNS = (
    Column("id", "integer", _("Number of the status change."), required=True),
    Column("project_id", "integer", _("Number of the project (see the record set of the projects)."),
           required=True),
    Column("status", "string", _("Status reached: idea, planning, decided, in_construction, done or stopped."),
           required=True),
    Column("date", "date", _("The day the project reached this status."), required=True),
    Column("note", "string", _("The municipality's note on the change, if any.")),
)

CHANGED_BY = (ProjectCreated, ProjectUpdated, ProjectStatusChanged)


def _float(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None


def project_rows(municipality: Municipality) -> Iterator[dict[str, Any]]:
    """One query, streamed, oldest first."""
    funding = (Funding.objects.filter(project=OuterRef("pk")).order_by().values("project")
               .annotate(total=Sum("amount")).values("total")[:1])
    projects = (Project.objects.filter(municipality=municipality)
                .annotate(funding_total=Coalesce(Subquery(funding), Decimal(0),
                                                 output_field=DecimalField(max_digits=16, decimal_places=2)))
                .values("id", "title", "summary", "description", "status", "status_changed_on", "department", "area",
                        "location_name", "latitude", "longitude", "estimated_costs", "actual_costs", "funding_total",
                        "created_at")
                .order_by("created_at", "id"))
    site = settings.SITE_URL.rstrip("/")
    for row in projects.iterator(chunk_size=2000):
        yield {
            "id": row["id"], "title": row["title"], "summary": row["summary"], "description": row["description"],
            "status": row["status"], "status_since": row["status_changed_on"], "department": row["department"],
            "area": row["area"], "place": row["location_name"], "latitude": _float(row["latitude"]),
            "longitude": _float(row["longitude"]), "estimated_costs_eur": _float(row["estimated_costs"]),
            "actual_costs_eur": _float(row["actual_costs"]), "funding_eur": _float(row["funding_total"]) or 0.0,
            "created_at": row["created_at"],
            "url": site + reverse("projects:detail", kwargs={"municipality_slug": municipality.slug,
                                                             "project_id": row["id"]}),
        }


def change_rows(municipality: Municipality) -> Iterator[dict[str, Any]]:
    changes = (StatusChange.objects.filter(municipality=municipality)
               .values("id", "project_id", "status", "changed_on", "note").order_by("changed_on", "id"))
    for row in changes.iterator(chunk_size=2000):
        yield {"id": row["id"], "project_id": row["project_id"], "status": row["status"], "date": row["changed_on"],
               "note": row["note"]}


def register() -> None:
    register_record_set(
        key="projects", title=_("Municipal projects (Vorhabenliste)"),
        description=_("The planned and running projects of the municipality with their status, responsible "
                      "department, costs, funding and place. Without personal data."),
        columns=PROJECT_COLUMNS, rows=project_rows, changed_by=CHANGED_BY, themes=("GOVE",),
        keywords=("Vorhabenliste", "Transparenz", "Bürgerbeteiligung", "Bauvorhaben"),
    )
    register_record_set(
        key="project_status_changes", title=_("Status history of the municipal projects"),
        description=_("Every status change of the municipality's projects, with its date and public note."),
        columns=CHANGE_COLUMNS, rows=change_rows, changed_by=(ProjectCreated, ProjectStatusChanged),
        themes=("GOVE",), keywords=("Vorhabenliste", "Transparenz"),
    )
