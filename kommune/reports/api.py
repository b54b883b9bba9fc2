"""REST API of issue reports: categories, the list and one report (reads, anonymous allowed), and reporting a
problem (write, with an access token; the reporter follows it). Registered in ReportsConfig.ready().

No personal data is ever in an answer: neither the reporter nor any contact detail.
"""

from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, P, QueryEx, Router, Schema, Status
from pydantic import ConfigDict

from kommune.core.access import get_for_tenant
from kommune.core.api import auth
from kommune.core.api.common import MunicipalitySlug, ObjectId, SlugFilter, Text, absolute, municipality_or_404
from kommune.core.api.errors import PAGE, READ, WRITE, ApiError, responses
from kommune.core.api.pagination import DEFAULT_LIMIT, Cursor, Limit, page_schema
from kommune.core.types import AuthenticatedHttpRequest
from kommune.reports import selectors, services
from kommune.reports.models import Report

router = Router(tags=["Issue reports"])

BASE = "/municipalities/{municipality_slug}/reports"
MAX_SERVICES = 500

StatusFilter = QueryEx[Literal["open", "in_progress", "closed"] | None, P(description="Only reports in this status.")]


class ServiceOut(Schema):
    code: str
    name: str
    description: str
    group: str


class ReportOut(Schema):
    id: int
    service: ServiceOut
    description: str
    address: str
    latitude: float | None
    longitude: float | None
    status: Literal["open", "in_progress", "closed"]
    status_note: str
    department: str | None
    duplicate_of: int | None
    photo_url: str | None
    created_at: datetime
    updated_at: datetime
    answered_at: datetime | None
    closed_at: datetime | None
    url: str

    @staticmethod
    def resolve_latitude(obj: Report) -> float | None:
        return None if obj.latitude is None else float(obj.latitude)

    @staticmethod
    def resolve_longitude(obj: Report) -> float | None:
        return None if obj.longitude is None else float(obj.longitude)

    @staticmethod
    def resolve_department(obj: Report) -> str | None:
        return obj.department.name if obj.department else None

    @staticmethod
    def resolve_duplicate_of(obj: Report) -> int | None:
        return obj.duplicate_of_id

    @staticmethod
    def resolve_photo_url(obj: Report, context) -> str | None:
        if not obj.photo:
            return None
        return absolute(context["request"], reverse("reports:photo", kwargs={
            "municipality_slug": obj.municipality.slug, "issue_id": obj.pk}))

    @staticmethod
    def resolve_url(obj: Report, context) -> str:
        return absolute(context["request"], obj.get_absolute_url())


ReportPage = page_schema("ReportPage", ReportOut)


class ReportIn(Schema):
    model_config = ConfigDict(extra="forbid")

    service: str = Field(pattern=r"^[-a-zA-Z0-9_]+$", max_length=60, description="The code of a category.")
    description: Text = Field(max_length=4000, examples=["Die Laterne vor Hausnummer 12 ist seit Tagen dunkel."])
    address: Text = Field("", max_length=300)
    latitude: float | None = Field(None, ge=-90, le=90)
    longitude: float | None = Field(None, ge=-180, le=180)
    attributes: dict[str, str | list[str]] = Field(default_factory=dict,
                                                   description="Answers to the category's questions by code.")


@router.get("/municipalities/{municipality_slug}/report-categories", response=responses({200: list[ServiceOut]}, *READ),
            auth=auth.READ, openapi_extra=auth.OPTIONAL_TOKEN, summary="List the categories of issue reports")
def list_report_categories(request: HttpRequest, municipality_slug: MunicipalitySlug):
    return list(selectors.services_of(municipality_or_404(municipality_slug))[:MAX_SERVICES])


@router.get(BASE, response=responses({200: ReportPage}, *PAGE), auth=auth.READ, openapi_extra=auth.OPTIONAL_TOKEN,
            summary="List issue reports")
def list_reports(request: HttpRequest, municipality_slug: MunicipalitySlug, status: StatusFilter = None,
                 category: SlugFilter = None, cursor: Cursor = None, limit: Limit = DEFAULT_LIMIT):
    """Newest first, with the same cursors as the list on the web."""
    municipality = municipality_or_404(municipality_slug)
    service = selectors.service_by_code(municipality, category) if category else None
    if category and service is None:
        return {"items": [], "next": None}
    page = selectors.report_page(municipality, status=status or "", service=service, cursor=cursor or None,
                                 size=limit)
    return {"items": page.items, "next": page.next_cursor}


@router.get(BASE + "/{report_id}", response=responses({200: ReportOut}, *READ), auth=auth.READ,
            openapi_extra=auth.OPTIONAL_TOKEN, summary="Get an issue report")
def get_report(request: HttpRequest, municipality_slug: MunicipalitySlug, report_id: ObjectId):
    municipality = municipality_or_404(municipality_slug)
    return get_for_tenant(selectors.reports_of(municipality), municipality, pk=report_id)


@router.post(BASE, response=responses({201: ReportOut}, *WRITE), auth=auth.WRITE, summary="Report a problem")
def create_report(request: AuthenticatedHttpRequest, municipality_slug: MunicipalitySlug, payload: ReportIn):
    """A new open report; the person follows it and hears about each change of its status. Give a point or an
    address."""
    municipality = municipality_or_404(municipality_slug)
    if not request.user.has_perm(services.CREATE_PERMISSION, municipality):
        raise ApiError(403, "forbidden", "Please confirm your e-mail address first.")
    service = selectors.service_by_code(municipality, payload.service)
    if service is None:
        message = "There is no category with this code. The list: report-categories."
        raise ApiError(422, "invalid", message, fields={"service": [message]})
    attributes: dict[str, Any] = dict(payload.attributes)
    report = services.do_create_report(
        municipality=municipality, service=service, description=payload.description, address=payload.address,
        latitude=payload.latitude, longitude=payload.longitude, attributes=attributes, reporter=request.user,
        actor=request.user, source=Report.Source.API)
    return Status(201, get_for_tenant(selectors.reports_of(municipality), municipality, pk=report.pk))

