"""REST API of the Vorhabenliste: the list of a municipality's projects (with the filters of the web list and the
same cursors) and one project with its status history, milestones, funding and links. Reads only: staff write on
the management pages. Registered in ProjectsConfig.ready() (kommune.core.api.registry)."""

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from django.http import HttpRequest
from ninja import Field, P, QueryEx, Router, Schema

from kommune.core.access import get_for_tenant
from kommune.core.api import auth
from kommune.core.api.common import MunicipalitySlug, ObjectId, Text, absolute, municipality_or_404
from kommune.core.api.errors import PAGE, READ, responses
from kommune.core.api.pagination import DEFAULT_LIMIT, Cursor, Limit, page_schema
from kommune.projects import selectors
from kommune.projects.models import Project

router = Router(tags=["Municipal projects"])

BASE = "/municipalities/{municipality_slug}/projects"
StatusValue = Literal["idea", "planning", "decided", "in_construction", "done", "stopped"]
StatusFilter = QueryEx[StatusValue | None, P(description="Only projects with this status.")]
DepartmentFilter = QueryEx[Text | None, P(max_length=200, description="Only projects of this department (exact).")]
AreaFilter = QueryEx[Text | None, P(max_length=200, description="Only projects in this area (exact name).")]
TextFilter = QueryEx[Text | None, P(max_length=100, description="Words in the title, summary, place or department.")]


def _amount(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


class ProjectOut(Schema):
    id: int
    title: str
    summary: str
    status: StatusValue
    status_since: date
    department: str
    area: str
    place: str
    latitude: float | None
    longitude: float | None
    estimated_costs_eur: float | None
    actual_costs_eur: float | None
    created_at: datetime
    updated_at: datetime
    url: str

    @staticmethod
    def resolve_status_since(obj: Project) -> date:
        return obj.status_changed_on

    @staticmethod
    def resolve_place(obj: Project) -> str:
        return obj.location_name

    @staticmethod
    def resolve_latitude(obj: Project) -> float | None:
        return _amount(obj.latitude)

    @staticmethod
    def resolve_longitude(obj: Project) -> float | None:
        return _amount(obj.longitude)

    @staticmethod
    def resolve_estimated_costs_eur(obj: Project) -> float | None:
        return _amount(obj.estimated_costs)

    @staticmethod
    def resolve_actual_costs_eur(obj: Project) -> float | None:
        return _amount(obj.actual_costs)

    @staticmethod
    def resolve_url(obj: Project, context) -> str:
        return absolute(context["request"], obj.get_absolute_url())


ProjectPage = page_schema("ProjectPage", ProjectOut)


class StatusChangeOut(Schema):
    id: int
    status: StatusValue
    changed_on: date = Field(description="The day the project reached this status.")
    note: str


class MilestoneOut(Schema):
    id: int
    title: str
    planned_on: date | None
    reached_on: date | None
    note: str


class FundingOut(Schema):
    source: str
    amount_eur: float
    note: str

    @staticmethod
    def resolve_amount_eur(obj) -> float:
        return float(obj.amount)


class LinkOut(Schema):
    kind: str = Field(description="process, proposal, paper or another registered kind.")
    id: int
    title: str
    url: str | None


class ProjectDetailOut(ProjectOut):
    description: str
    description_html: str
    history: list[StatusChangeOut]
    milestones: list[MilestoneOut]
    funding: list[FundingOut]
    links: list[LinkOut]

    @staticmethod
    def resolve_history(obj: Project) -> list:
        return selectors.history_of(obj)

    @staticmethod
    def resolve_milestones(obj: Project) -> list:
        return selectors.milestones_of(obj)

    @staticmethod
    def resolve_funding(obj: Project) -> list:
        return selectors.funding_of(obj)

    @staticmethod
    def resolve_links(obj: Project, context) -> list[dict]:
        request = context["request"]
        return [{"kind": item.linkable.kind, "id": item.link.object_id, "title": item.title,
                 "url": absolute(request, item.url) if item.url else None}
                for item in selectors.linked_objects(obj, municipality=obj.municipality)]


@router.get(BASE, response=responses({200: ProjectPage}, *PAGE), auth=auth.READ, openapi_extra=auth.OPTIONAL_TOKEN,
            summary="List municipal projects")
def list_projects(request: HttpRequest, municipality_slug: MunicipalitySlug, status: StatusFilter = None,
                  department: DepartmentFilter = None, area: AreaFilter = None, text: TextFilter = None,
                  cursor: Cursor = None, limit: Limit = DEFAULT_LIMIT):
    """The Vorhabenliste, newest first, filtered like the list on the web."""
    municipality = municipality_or_404(municipality_slug)
    result = selectors.project_page(municipality, status=status or "", department=department or "",
                                    area=area or "", text=text or "", cursor=cursor or None, size=limit)
    return {"items": result.items, "next": result.next_cursor}


@router.get(BASE + "/{project_id}", response=responses({200: ProjectDetailOut}, *READ), auth=auth.READ,
            openapi_extra=auth.OPTIONAL_TOKEN, summary="Get a municipal project")
def get_project(request: HttpRequest, municipality_slug: MunicipalitySlug, project_id: ObjectId):
    """A project with its status history, timeline, funding and links to processes, proposals and papers."""
    municipality = municipality_or_404(municipality_slug)
    return get_for_tenant(selectors.projects_of(municipality), municipality, pk=project_id)
