"""REST API of the volunteer projects: reads of the projects and their shifts, and for the logged-in person
(a token with the write scope) signing up for a shift and cancelling their own sign-up. Registered in
VolunteeringConfig.ready() (kommune.core.api.registry).

The writes call kommune/volunteering/services.py, which checks the same rules as the web pages: a full shift, a
second sign-up, a past or called-off shift are refused with a message and change nothing.
"""

from datetime import datetime
from decimal import Decimal
from typing import Literal

from django.http import Http404, HttpRequest
from ninja import Field, P, QueryEx, Router, Schema, Status
from pydantic import ConfigDict

from kommune.core.access import get_for_tenant
from kommune.core.api import auth
from kommune.core.api.common import MunicipalitySlug, ObjectId, Text, absolute, municipality_or_404
from kommune.core.api.errors import PAGE, READ, WRITE, responses
from kommune.core.api.pagination import DEFAULT_LIMIT, Cursor, Limit, page, page_schema
from kommune.core.types import AuthenticatedHttpRequest
from kommune.volunteering import selectors, services
from kommune.volunteering.models import Project, Shift, SignUp, Skill

router = Router(tags=["Volunteering"])
BASE = "/municipalities/{municipality_slug}/volunteering"
SkillFilter = QueryEx[str | None, P(pattern=r"^[a-z_]+$", max_length=30,
                                   description="Only shifts asking for this skill: " + ", ".join(Skill.values) + ".")]
DistrictFilter = QueryEx[str | None, P(max_length=100, description="Only shifts in this part of town.")]


class ShiftOut(Schema):
    id: int
    project_id: int
    title: str
    description: str
    starts_at: datetime | None = Field(description="Null for an ongoing task without a date.")
    ends_at: datetime | None
    place: str
    district: str
    latitude: float | None
    longitude: float | None
    skills: list[str]
    accessibility: str
    accessibility_notes: str
    people_needed: int
    signed_up: int
    free_places: int
    is_cancelled: bool
    url: str

    @staticmethod
    def resolve_place(obj: Shift) -> str:
        return obj.address_line

    @staticmethod
    def resolve_latitude(obj: Shift) -> float | None:
        return None if obj.latitude is None else float(obj.latitude)

    @staticmethod
    def resolve_longitude(obj: Shift) -> float | None:
        return None if obj.longitude is None else float(obj.longitude)

    @staticmethod
    def resolve_skills(obj: Shift) -> list[str]:
        return obj.skill_list

    @staticmethod
    def resolve_people_needed(obj: Shift) -> int:
        return obj.capacity

    @staticmethod
    def resolve_signed_up(obj: Shift) -> int:
        return obj.signed_up_count

    @staticmethod
    def resolve_url(obj: Shift, context) -> str:
        return absolute(context["request"], obj.get_absolute_url())


class ProjectOut(Schema):
    id: int
    title: str
    summary: str
    description: str
    publisher: str
    contact_email: str
    contact_phone: str
    created_at: datetime
    url: str

    @staticmethod
    def resolve_url(obj: Project, context) -> str:
        return absolute(context["request"], obj.get_absolute_url())


class ProjectDetailOut(ProjectOut):
    shifts: list[ShiftOut]

    @staticmethod
    def resolve_shifts(obj: Project) -> list[Shift]:
        return selectors.shifts_of(obj)


ProjectPage = page_schema("VolunteerProjectPage", ProjectOut)
ShiftPage = page_schema("VolunteerShiftPage", ShiftOut)


class SignUpIn(Schema):
    model_config = ConfigDict(extra="forbid")
    phone: Text = Field("", max_length=50, description="Optional: a phone number for the organisers.")


class SignUpOut(Schema):
    id: int
    shift_id: int
    status: Literal["confirmed", "cancelled"]
    attendance: Literal["open", "attended", "absent"]
    hours: Decimal | None
    created_at: datetime


SignUpPage = page_schema("VolunteerSignUpPage", SignUpOut)


@router.get(BASE + "/projects", response=responses({200: ProjectPage}, *PAGE), auth=auth.READ,
            openapi_extra=auth.OPTIONAL_TOKEN, summary="List the volunteer projects")
def volunteering_list_projects(request: HttpRequest, municipality_slug: MunicipalitySlug, cursor: Cursor = None,
                               limit: Limit = DEFAULT_LIMIT):
    """Newest first."""
    municipality = municipality_or_404(municipality_slug)
    return page(selectors.public_projects(municipality), cursor, limit=limit, descending=True)


@router.get(BASE + "/projects/{project_id}", response=responses({200: ProjectDetailOut}, *READ), auth=auth.READ,
            openapi_extra=auth.OPTIONAL_TOKEN, summary="Get a volunteer project with its shifts")
def volunteering_get_project(request: HttpRequest, municipality_slug: MunicipalitySlug, project_id: ObjectId):
    municipality = municipality_or_404(municipality_slug)
    return get_for_tenant(selectors.public_projects(municipality), municipality, pk=project_id)


@router.get(BASE + "/shifts", response=responses({200: ShiftPage}, *PAGE), auth=auth.READ,
            openapi_extra=auth.OPTIONAL_TOKEN, summary="List the coming and ongoing volunteer shifts")
def volunteering_list_shifts(request: HttpRequest, municipality_slug: MunicipalitySlug, skill: SkillFilter = None,
                             district: DistrictFilter = None, cursor: Cursor = None, limit: Limit = DEFAULT_LIMIT):
    """Shifts not yet begun and ongoing tasks, not called off, in the order they were added."""
    municipality = municipality_or_404(municipality_slug)
    filters = selectors.ShiftFilters(skill=skill or "", district=district or "")
    return page(selectors.upcoming_shifts(municipality, filters), cursor, limit=limit, descending=False)


@router.get(BASE + "/shifts/{shift_id}", response=responses({200: ShiftOut}, *READ), auth=auth.READ,
            openapi_extra=auth.OPTIONAL_TOKEN, summary="Get a volunteer shift")
def volunteering_get_shift(request: HttpRequest, municipality_slug: MunicipalitySlug, shift_id: ObjectId):
    municipality = municipality_or_404(municipality_slug)
    return get_for_tenant(selectors.public_shifts(municipality), municipality, pk=shift_id)


@router.post(BASE + "/shifts/{shift_id}/sign-ups", response=responses({201: SignUpOut}, *WRITE), auth=auth.WRITE,
             summary="Sign up for a volunteer shift")
def volunteering_sign_up(request: AuthenticatedHttpRequest, municipality_slug: MunicipalitySlug,
                         shift_id: ObjectId, payload: SignUpIn):
    """Signs up the token's owner (name and e-mail from the account). A full shift, a second sign-up and a past or
    called-off shift are refused with a message."""
    municipality = municipality_or_404(municipality_slug)
    shift = get_for_tenant(selectors.public_shifts(municipality), municipality, pk=shift_id)
    sign_up: SignUp = services.do_sign_up(shift=shift, user=request.user, phone=payload.phone)
    return Status(201, sign_up)


@router.get(BASE + "/sign-ups", response=responses({200: SignUpPage}, *PAGE), auth=auth.TOKEN,
            summary="List my volunteer sign-ups")
def volunteering_my_sign_ups(request: AuthenticatedHttpRequest, municipality_slug: MunicipalitySlug,
                             cursor: Cursor = None, limit: Limit = DEFAULT_LIMIT):
    municipality = municipality_or_404(municipality_slug)
    return page(SignUp.objects.filter(user=request.user, municipality=municipality), cursor, limit=limit,
                descending=True)


@router.post(BASE + "/sign-ups/{sign_up_id}/cancel", response=responses({200: SignUpOut}, *WRITE),
             auth=auth.WRITE, summary="Cancel my volunteer sign-up")
def volunteering_cancel_sign_up(request: AuthenticatedHttpRequest, municipality_slug: MunicipalitySlug,
                                sign_up_id: ObjectId):
    """Only the token owner's own sign-ups; anyone else's is a 404."""
    municipality = municipality_or_404(municipality_slug)
    sign_up = SignUp.objects.filter(pk=sign_up_id, municipality=municipality, user=request.user).first()
    if sign_up is None:
        raise Http404
    return services.do_cancel_sign_up(sign_up=sign_up, actor=request.user)
