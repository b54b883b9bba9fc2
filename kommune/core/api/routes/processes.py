"""GET the participation processes of a municipality, with their phases."""

from datetime import datetime
from typing import Literal

from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils import timezone
from ninja import P, Path, Query, Router, Schema

from kommune.core.access import get_for_tenant
from kommune.core.api import auth
from kommune.core.api.common import SLUG_PATTERN, MunicipalitySlug, SlugFilter, absolute, municipality_or_404
from kommune.core.api.errors import PAGE, READ, responses
from kommune.core.api.pagination import DEFAULT_LIMIT, Cursor, Limit, check_cursor, page, page_schema
from kommune.core.comments.registry import target_key
from kommune.core.processes import selectors
from kommune.core.processes.models import Phase, Process
from kommune.core.processes.services import PERMISSION
from kommune.core.processes.timing import PhaseState, phase_state, process_state, state_filter

router = Router(tags=["Participation processes"])

ProcessSlug = Path[str, P(pattern=SLUG_PATTERN, max_length=80, description="The process's address.")]
StateFilter = Query[Literal["upcoming", "running", "finished"] | None,
                    P(description="Only processes that are upcoming, running or finished now.")]


class TopicOut(Schema):
    slug: str
    name: str


class PhaseOut(Schema):
    kind: str
    title: str
    description: str
    starts_at: datetime
    ends_at: datetime
    features: list[str]
    state: Literal["upcoming", "running", "finished"]

    @staticmethod
    def resolve_title(obj: Phase) -> str:
        return str(obj.display_title)

    @staticmethod
    def resolve_state(obj: Phase) -> str:
        return phase_state(obj, timezone.now()).value


class ProcessOut(Schema):
    id: int
    slug: str
    title: str
    summary: str
    description_html: str
    area: str
    topic: TopicOut | None
    organiser: str
    is_published: bool
    state: Literal["upcoming", "running", "finished"]
    starts_at: datetime | None
    ends_at: datetime | None
    published_at: datetime | None
    phases: list[PhaseOut]
    url: str
    comments_url: str

    @staticmethod
    def resolve_organiser(obj: Process) -> str:
        return obj.organiser_name

    @staticmethod
    def resolve_state(obj: Process) -> str:
        return process_state(obj, timezone.now()).value

    @staticmethod
    def resolve_phases(obj: Process) -> list[Phase]:
        return list(obj.phases.all())

    @staticmethod
    def resolve_url(obj: Process, context) -> str:
        return absolute(context["request"], obj.get_absolute_url())

    @staticmethod
    def resolve_comments_url(obj: Process, context) -> str:
        return absolute(context["request"], reverse("api_v1:list_comments", kwargs={
            "municipality_slug": obj.municipality.slug, "target_type": target_key(obj), "target_id": obj.pk}))


ProcessPage = page_schema("ProcessPage", ProcessOut)


@router.get("/municipalities/{municipality_slug}/processes", response=responses({200: ProcessPage}, *PAGE),
            auth=auth.READ, openapi_extra=auth.OPTIONAL_TOKEN, summary="List participation processes")
def list_processes(request: HttpRequest, municipality_slug: MunicipalitySlug, state: StateFilter = None,
                   topic: SlugFilter = None, cursor: Cursor = None, limit: Limit = DEFAULT_LIMIT):
    """The published processes, the latest start first; filter by time state and topic (its slug)."""
    municipality = municipality_or_404(municipality_slug)
    check_cursor(cursor)
    queryset = selectors.published_processes(municipality).select_related(
        "municipality", "organisation", "topic").prefetch_related("phases")
    if state:
        queryset = queryset.filter(state_filter(PhaseState(state), timezone.now()))
    if topic is not None:
        queryset = queryset.filter(topic__slug=topic)
    return page(queryset, cursor, limit=limit, descending=True, field="starts_at")


@router.get("/municipalities/{municipality_slug}/processes/{process_slug}",
            response=responses({200: ProcessOut}, *READ), auth=auth.READ, openapi_extra=auth.OPTIONAL_TOKEN,
            summary="Get a participation process")
def get_process(request: HttpRequest, municipality_slug: MunicipalitySlug, process_slug: ProcessSlug):
    """One process with its phases. An unpublished one only for staff of the municipality."""
    municipality = municipality_or_404(municipality_slug)
    process = get_for_tenant(selectors.process_for_page(municipality, process_slug), municipality,
                             slug=process_slug)
    if not process.is_published and not request.user.has_perm(PERMISSION, municipality):
        raise Http404
    return process
