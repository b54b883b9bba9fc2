"""REST API of the digital-help network: the places, the coming dates, and registering for a date (or the course
it belongs to). Registered in InclusionConfig.ready() (kommune.core.api.registry).

The registration calls kommune/inclusion/services.py, which checks the same rules as the web page: capacity,
waiting list, registering twice, past dates, phone or e-mail.
"""

from datetime import datetime
from typing import Literal

from django.http import HttpRequest
from ninja import Field, P, QueryEx, Router, Schema, Status
from pydantic import ConfigDict

from kommune.core.access import get_for_tenant
from kommune.core.api import auth
from kommune.core.api.common import MunicipalitySlug, ObjectId, Text, absolute, municipality_or_404
from kommune.core.api.errors import PAGE, READ, WRITE, responses
from kommune.core.api.pagination import DEFAULT_LIMIT, Cursor, Limit, page, page_schema
from kommune.core.types import AuthenticatedHttpRequest
from kommune.inclusion import selectors, services
from kommune.inclusion.models import Category, Event, Partner, Registration

router = Router(tags=["Digital help"])
BASE = "/municipalities/{municipality_slug}/digital-help"
CategoryFilter = QueryEx[str | None, P(pattern=r"^[a-z_]+$", max_length=30,
                                      description="Only dates of this topic: " + ", ".join(Category.values) + ".")]


class PlaceOut(Schema):
    slug: str
    name: str
    kind: str
    description: str
    street: str
    postcode: str
    city: str
    district: str
    latitude: float | None
    longitude: float | None
    opening_hours: str
    step_free: bool
    hearing_loop: bool
    accessible_toilet: bool
    accessibility_notes: str
    phone: str
    email: str
    website: str
    offers: list[str]
    url: str

    @staticmethod
    def resolve_latitude(obj: Partner) -> float | None:
        return None if obj.latitude is None else float(obj.latitude)

    @staticmethod
    def resolve_longitude(obj: Partner) -> float | None:
        return None if obj.longitude is None else float(obj.longitude)

    @staticmethod
    def resolve_url(obj: Partner, context) -> str:
        return absolute(context["request"], obj.get_absolute_url())


class EventOut(Schema):
    id: int
    title: str
    description: str
    category: str
    level: str
    language: str
    starts_at: datetime
    ends_at: datetime
    course_id: int | None = Field(description="The course this date belongs to; people register for the course.")
    place: str | None = Field(description="The slug of the place; null for an online event.")
    is_online: bool
    cost: str = Field(description="Empty means free of charge.")
    capacity: int | None = Field(description="Places (of the course, for a session); null: no registration.")
    places_taken: int
    waiting: int
    is_cancelled: bool
    url: str

    @staticmethod
    def resolve_place(obj: Event) -> str | None:
        return obj.partner.slug if obj.partner is not None else None

    @staticmethod
    def resolve_capacity(obj: Event) -> int | None:
        return obj.course.capacity if obj.course is not None else obj.capacity

    @staticmethod
    def resolve_places_taken(obj: Event) -> int:
        return obj.course.confirmed_count if obj.course is not None else obj.confirmed_count

    @staticmethod
    def resolve_waiting(obj: Event) -> int:
        return obj.course.waiting_count if obj.course is not None else obj.waiting_count

    @staticmethod
    def resolve_url(obj: Event, context) -> str:
        return absolute(context["request"], obj.get_absolute_url())


PlacePage = page_schema("DigitalHelpPlacePage", PlaceOut)
EventPage = page_schema("DigitalHelpEventPage", EventOut)


class RegistrationIn(Schema):
    model_config = ConfigDict(extra="forbid")
    name: Text = Field(max_length=200)
    phone: Text = Field("", max_length=50, description="Phone or e-mail: at least one.")
    email: Text = Field("", max_length=254)
    note: Text = Field("", max_length=500)
    waiting_list: bool = Field(True, description="Accept a place on the waiting list when the date is full.")


class RegistrationOut(Schema):
    id: int
    status: Literal["confirmed", "waiting", "cancelled"]
    event_id: int | None
    course_id: int | None
    created_at: datetime


@router.get(BASE + "/places", response=responses({200: PlacePage}, *PAGE), auth=auth.READ,
            openapi_extra=auth.OPTIONAL_TOKEN, summary="List the places of the digital-help network")
def list_places(request: HttpRequest, municipality_slug: MunicipalitySlug, cursor: Cursor = None,
                limit: Limit = DEFAULT_LIMIT):
    municipality = municipality_or_404(municipality_slug)
    return page(selectors.approved_partners(municipality), cursor, limit=limit, descending=False)


@router.get(BASE + "/places/{place_slug}", response=responses({200: PlaceOut}, *READ), auth=auth.READ,
            openapi_extra=auth.OPTIONAL_TOKEN, summary="Get a place of the digital-help network")
def get_place(request: HttpRequest, municipality_slug: MunicipalitySlug, place_slug: str):
    municipality = municipality_or_404(municipality_slug)
    return get_for_tenant(selectors.approved_partners(municipality), municipality, slug=place_slug[:80])


@router.get(BASE + "/events", response=responses({200: EventPage}, *PAGE), auth=auth.READ,
            openapi_extra=auth.OPTIONAL_TOKEN, summary="List the coming dates of the digital-help calendar")
def list_events(request: HttpRequest, municipality_slug: MunicipalitySlug, category: CategoryFilter = None,
                cursor: Cursor = None, limit: Limit = DEFAULT_LIMIT):
    """Dates not yet over, soonest first (sessions of a course one by one)."""
    municipality = municipality_or_404(municipality_slug)
    events = selectors.upcoming_events(municipality, selectors.EventFilters(category=category or ""))
    return page(events, cursor, limit=limit, descending=False, field="starts_at")


@router.get(BASE + "/events/{event_id}", response=responses({200: EventOut}, *READ), auth=auth.READ,
            openapi_extra=auth.OPTIONAL_TOKEN, summary="Get a date of the digital-help calendar")
def get_event(request: HttpRequest, municipality_slug: MunicipalitySlug, event_id: ObjectId):
    municipality = municipality_or_404(municipality_slug)
    return get_for_tenant(selectors.public_events(municipality).select_related("partner", "course"), municipality,
                          pk=event_id)


@router.post(BASE + "/events/{event_id}/registrations", response=responses({201: RegistrationOut}, *WRITE),
             auth=auth.WRITE, summary="Register for a date (or its whole course)")
def register(request: AuthenticatedHttpRequest, municipality_slug: MunicipalitySlug, event_id: ObjectId,
             payload: RegistrationIn):
    """A place while there is one, else the waiting list (unless `waiting_list` is false). For a session of a
    course, the registration is for the whole course. Registering twice, for a past or cancelled date, or
    without phone and e-mail is refused with a message."""
    municipality = municipality_or_404(municipality_slug)
    event = get_for_tenant(selectors.public_events(municipality).select_related("course"), municipality,
                           pk=event_id)
    registration: Registration = services.do_register(
        target=services.registration_target(event), name=payload.name, phone=payload.phone, email=payload.email,
        note=payload.note, user=request.user, accept_waiting_list=payload.waiting_list)
    return Status(201, registration)
