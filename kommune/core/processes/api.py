"""Participation processes of a municipality: read them with their phases, topics and news; staff create, edit,
phase, publish and unpublish them and post news.

Every write calls kommune/core/processes/services.py, which checks the permission ``processes.manage`` (staff of
the municipality) like the management pages. Unpublished processes are visible only to those who may manage
them, as on the web.
"""

from datetime import datetime
from typing import Literal

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, P, PatchDict, PathEx, QueryEx, Router, Schema, Status
from pydantic import ConfigDict

from kommune.core.access import get_for_tenant
from kommune.core.api import auth
from kommune.core.api.common import (
    SLUG_PATTERN,
    Moment,
    MunicipalitySlug,
    SlugFilter,
    Text,
    absolute,
    municipality_or_404,
)
from kommune.core.api.errors import PAGE, READ, WRITE, ApiError, responses
from kommune.core.api.pagination import DEFAULT_LIMIT, Cursor, Limit, check_cursor, page, page_schema
from kommune.core.comments.registry import target_key
from kommune.core.models import Municipality, Organisation
from kommune.core.processes import selectors, services
from kommune.core.processes.models import Phase, Process, ProcessNews, Topic
from kommune.core.processes.services import MAX_PHASES, PERMISSION, PhaseInput
from kommune.core.processes.timing import PhaseState, phase_state, process_state, state_filter
from kommune.core.types import AuthenticatedHttpRequest

router = Router(tags=["Participation processes"])

BASE = "/municipalities/{municipality_slug}/processes"
MAX_TOPICS = 500

ProcessSlug = PathEx[str, P(pattern=SLUG_PATTERN, max_length=80, description="The process's address.")]
StateFilter = QueryEx[Literal["upcoming", "running", "finished"] | None,
                    P(description="Only processes that are upcoming, running or finished now.")]
PublishedFilter = QueryEx[bool, P(description="`false`: the unpublished processes instead, latest created first "
                                            "(staff of the municipality only).")]
OptionalSlug = str | None


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
    description: str
    description_html: str
    area: str
    topic: TopicOut | None
    organisation: str | None = Field(description="The organising organisation's address; null when the "
                                                 "municipality itself organises the process.")
    organiser: str
    is_published: bool
    state: Literal["upcoming", "running", "finished"]
    starts_at: datetime | None
    ends_at: datetime | None
    published_at: datetime | None
    phases: list[PhaseOut]
    url: str
    comments_url: str
    news_url: str

    @staticmethod
    def resolve_organisation(obj: Process) -> str | None:
        return obj.organisation.slug if obj.organisation else None

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

    @staticmethod
    def resolve_news_url(obj: Process, context) -> str:
        return absolute(context["request"], reverse("api_v1:list_process_news", kwargs={
            "municipality_slug": obj.municipality.slug, "process_slug": obj.slug}))


ProcessPage = page_schema("ProcessPage", ProcessOut)


class NewsOut(Schema):
    id: int
    title: str
    text: str
    text_html: str
    published_at: datetime
    url: str

    @staticmethod
    def resolve_url(obj: ProcessNews, context) -> str:
        return absolute(context["request"], obj.get_absolute_url())


NewsPage = page_schema("NewsPage", NewsOut)


class ProcessIn(Schema):
    model_config = ConfigDict(extra="forbid")

    title: Text = Field(max_length=200, examples=["Marktplatz neu gestalten"])
    summary: Text = Field(max_length=500, examples=["Wie soll der Marktplatz künftig aussehen?"])
    slug: Text = Field("", pattern=r"^[-a-zA-Z0-9_]*$", max_length=80,
                       description="The address; made from the title when left out.")
    description: Text = Field("", max_length=50_000, description="Markdown.")
    area: Text = Field("", max_length=200, description="The part of the municipality concerned.")
    topic: OptionalSlug = Field(None, pattern=SLUG_PATTERN, max_length=60,
                                description="The address of one of the municipality's topics (process-topics).")
    organisation: OptionalSlug = Field(None, pattern=SLUG_PATTERN, max_length=60,
                                       description="The address of one of the municipality's organisations; "
                                                   "null when the municipality itself organises it.")

# Phase.Kind's values, spelled out for the type checker; tests/test_api_processes.py checks that they agree.
PhaseKind = Literal["information", "dialogue", "evaluation", "implementation", "other"]


class PhaseIn(Schema):
    model_config = ConfigDict(extra="forbid")

    kind: PhaseKind
    title: Text = Field("", max_length=200, description="Leave empty to use the kind as the title.")
    description: Text = Field("", max_length=5000)
    starts_at: Moment
    ends_at: Moment
    features: list[Text] = Field([], max_length=20, description="What the phase opens, e.g. `comments`.")


class PhasesIn(Schema):
    model_config = ConfigDict(extra="forbid")

    phases: list[PhaseIn] = Field(description=f"All phases of the process (at most {MAX_PHASES}); they replace "
                                              "the current ones and must not overlap.")


class NewsIn(Schema):
    model_config = ConfigDict(extra="forbid")

    title: Text = Field(max_length=200, examples=["Die Ergebnisse liegen vor"])
    text: Text = Field(max_length=20_000, description="Markdown.")


def _may_manage(request: HttpRequest, municipality: Municipality) -> bool:
    return request.user.has_perm(PERMISSION, municipality)


def _process(request: HttpRequest, municipality: Municipality, slug: str) -> Process:
    """The process of this municipality; an unpublished one only for those who may manage processes."""
    process = get_for_tenant(selectors.process_for_page(municipality, slug), municipality, slug=slug)
    if not process.is_published and not _may_manage(request, municipality):
        raise Http404
    return process


def _managed(request: HttpRequest, municipality_slug: str) -> Municipality:
    """The municipality whose processes the token's owner manages (as the management pages require)."""
    municipality = municipality_or_404(municipality_slug)
    if not _may_manage(request, municipality):
        raise PermissionDenied
    return municipality


def _unknown(field: str, message: str) -> ApiError:
    return ApiError(422, "invalid", message, fields={field: [message]})


def _relations(municipality: Municipality, fields: dict) -> dict:
    """Replace the topic's and the organisation's addresses by the objects of this municipality."""
    if fields.get("topic"):
        fields["topic"] = Topic.objects.filter(municipality=municipality, slug=fields["topic"]).first()
        if fields["topic"] is None:
            raise _unknown("topic", _("There is no topic with this address. The list of topics: process-topics."))
    if fields.get("organisation"):
        fields["organisation"] = Organisation.objects.filter(municipality=municipality,
                                                             slug=fields["organisation"]).first()
        if fields["organisation"] is None:
            raise _unknown("organisation", _("There is no organisation of this municipality with this address."))
    return fields


# --- Reading --------------------------------------------------------------------------------------------------


@router.get("/municipalities/{municipality_slug}/process-topics",
            response=responses({200: list[TopicOut]}, *READ), auth=auth.READ, openapi_extra=auth.OPTIONAL_TOKEN,
            summary="List the topics of processes")
def list_process_topics(request: HttpRequest, municipality_slug: MunicipalitySlug):
    return list(selectors.topics_of(municipality_or_404(municipality_slug))[:MAX_TOPICS])


@router.get(BASE, response=responses({200: ProcessPage}, *PAGE, 403), auth=auth.READ,
            openapi_extra=auth.OPTIONAL_TOKEN, summary="List participation processes")
def list_processes(request: HttpRequest, municipality_slug: MunicipalitySlug, state: StateFilter = None,
                   topic: SlugFilter = None, published: PublishedFilter = True, cursor: Cursor = None,
                   limit: Limit = DEFAULT_LIMIT):
    """The published processes, the latest start first; filter by time state and topic (its slug)."""
    municipality = municipality_or_404(municipality_slug)
    check_cursor(cursor)
    if published:
        queryset, field = selectors.published_processes(municipality), "starts_at"
    else:
        if not _may_manage(request, municipality):
            raise PermissionDenied
        queryset, field = Process.objects.filter(municipality=municipality, is_published=False), "created_at"
    queryset = queryset.select_related("municipality", "organisation", "topic").prefetch_related("phases")
    if state:
        queryset = queryset.filter(state_filter(PhaseState(state), timezone.now()))
    if topic is not None:
        queryset = queryset.filter(topic__slug=topic)
    return page(queryset, cursor, limit=limit, descending=True, field=field)


@router.get(BASE + "/{process_slug}", response=responses({200: ProcessOut}, *READ), auth=auth.READ,
            openapi_extra=auth.OPTIONAL_TOKEN, summary="Get a participation process")
def get_process(request: HttpRequest, municipality_slug: MunicipalitySlug, process_slug: ProcessSlug):
    """One process with its phases. An unpublished one only for staff of the municipality."""
    return _process(request, municipality_or_404(municipality_slug), process_slug)


@router.get(BASE + "/{process_slug}/news", response=responses({200: NewsPage}, *PAGE), auth=auth.READ,
            openapi_extra=auth.OPTIONAL_TOKEN, summary="List the news of a process")
def list_process_news(request: HttpRequest, municipality_slug: MunicipalitySlug, process_slug: ProcessSlug,
                      cursor: Cursor = None, limit: Limit = DEFAULT_LIMIT):
    """News items, newest first."""
    process = _process(request, municipality_or_404(municipality_slug), process_slug)
    news = page(ProcessNews.objects.filter(process=process), cursor, limit=limit, descending=True,
                field="published_at")
    for item in news["items"]:
        item.process = process  # for the links, without a query per item
    return news


# --- Writing (staff) ------------------------------------------------------------------------------------------


@router.post(BASE, response=responses({201: ProcessOut}, *WRITE), auth=auth.WRITE,
             summary="Create a participation process (staff)")
def create_process(request: AuthenticatedHttpRequest, municipality_slug: MunicipalitySlug, payload: ProcessIn):
    """A new, unpublished process. Add its phases, then publish it."""
    municipality = _managed(request, municipality_slug)
    fields = _relations(municipality, payload.dict())
    process = services.do_create_process(municipality=municipality, actor=request.user, **fields)
    return Status(201, _process(request, municipality, process.slug))


@router.patch(BASE + "/{process_slug}", response=responses({200: ProcessOut}, *WRITE), auth=auth.WRITE,
              summary="Change a participation process (staff)")
def update_process(request: AuthenticatedHttpRequest, municipality_slug: MunicipalitySlug, process_slug: ProcessSlug,
                   payload: PatchDict[ProcessIn]):
    """Changes the fields sent; a new `slug` changes the process's address."""
    municipality = _managed(request, municipality_slug)
    process = _process(request, municipality, process_slug)
    fields = _relations(municipality, dict(payload))
    services.do_update_process(process=process, actor=request.user, **fields)
    return _process(request, municipality, process.slug)


@router.put(BASE + "/{process_slug}/phases", response=responses({200: ProcessOut}, *WRITE), auth=auth.WRITE,
            summary="Set the phases of a participation process (staff)")
def set_process_phases(request: AuthenticatedHttpRequest, municipality_slug: MunicipalitySlug,
                       process_slug: ProcessSlug,
                       payload: PhasesIn):
    """Replaces all phases; the process's start and end follow from them. A published process keeps at least
    one phase."""
    municipality = _managed(request, municipality_slug)
    process = _process(request, municipality, process_slug)
    phases = [PhaseInput(kind=phase.kind, starts_at=phase.starts_at, ends_at=phase.ends_at, title=phase.title,
                         description=phase.description, features=tuple(phase.features))
              for phase in payload.phases]
    services.do_set_phases(process=process, actor=request.user, phases=phases)
    return _process(request, municipality, process.slug)


@router.post(BASE + "/{process_slug}/publish", response=responses({200: ProcessOut}, *WRITE), auth=auth.WRITE,
             summary="Publish a participation process (staff)")
def publish_process(request: AuthenticatedHttpRequest, municipality_slug: MunicipalitySlug, process_slug: ProcessSlug):
    """Everybody can see it from now on. It needs at least one phase; publishing it again changes nothing."""
    municipality = _managed(request, municipality_slug)
    process = _process(request, municipality, process_slug)
    services.do_publish_process(process=process, actor=request.user)
    return _process(request, municipality, process.slug)


@router.post(BASE + "/{process_slug}/unpublish", response=responses({200: ProcessOut}, *WRITE), auth=auth.WRITE,
             summary="Withdraw the publication of a participation process (staff)")
def unpublish_process(request: AuthenticatedHttpRequest, municipality_slug: MunicipalitySlug,
                      process_slug: ProcessSlug):
    """Only staff can see it afterwards; its comments stay."""
    municipality = _managed(request, municipality_slug)
    process = _process(request, municipality, process_slug)
    services.do_unpublish_process(process=process, actor=request.user)
    return _process(request, municipality, process.slug)


@router.post(BASE + "/{process_slug}/news", response=responses({201: NewsOut}, *WRITE), auth=auth.WRITE,
             summary="Post news of a participation process (staff)")
def post_process_news(request: AuthenticatedHttpRequest, municipality_slug: MunicipalitySlug, process_slug: ProcessSlug,
                      payload: NewsIn):
    """A news item; on an unpublished process it becomes visible with the publication."""
    municipality = _managed(request, municipality_slug)
    process = _process(request, municipality, process_slug)
    news = services.do_publish_news(process=process, actor=request.user, title=payload.title, text=payload.text)
    return Status(201, news)
