"""REST API of citizen proposals: list, read (with the trail), write a draft, publish, support and withdraw the
support, and the staff's answer, the updates under it and paper signature lists. Registered in
ProposalsConfig.ready() (kommune.core.api.registry).

Every write calls kommune/proposals/services.py, which checks the same rules as the web pages: who may write
and support (the municipality's settings, residency, age), the states and periods, staff rights.
"""

from datetime import date, datetime
from typing import Literal

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, P, PatchDict, QueryEx, Router, Schema, Status
from pydantic import ConfigDict

from kommune.core.access import get_for_tenant
from kommune.core.api import auth
from kommune.core.api.common import MunicipalitySlug, ObjectId, SlugFilter, Text, absolute, municipality_or_404
from kommune.core.api.errors import PAGE, READ, WRITE, ApiError, responses
from kommune.core.api.pagination import DEFAULT_LIMIT, Cursor, Limit, page_schema
from kommune.core.comments.registry import target_key
from kommune.core.trail import TrailEntry, trail_for
from kommune.core.types import AuthenticatedHttpRequest
from kommune.proposals import selectors, services
from kommune.proposals.models import Proposal, ProposalUpdate, SignatureList

router = Router(tags=["Citizen proposals"])

MAX_CATEGORIES = 500
BASE = "/municipalities/{municipality_slug}/proposals"

StateFilter = QueryEx[Literal["collecting", "threshold_reached", "answered", "expired", "withdrawn"] | None,
                    P(description="Only proposals in this state.")]
SortOrder = QueryEx[Literal["supports", "newest", "answered", "deadline"],
                  P(description="`supports`: most first; `newest`: latest published first; `answered`: latest "
                                "answer first (answered ones only); `deadline`: nearest end of the collection "
                                "first (collecting ones; with state `threshold_reached`: nearest answer deadline).")]
AreaFilter = QueryEx[Text | None, P(max_length=200, description="Only proposals for this area (exact name).")]


class CategoryOut(Schema):
    slug: str
    name: str


class ProposalOut(Schema):
    id: int
    title: str
    text: str
    text_html: str
    category: CategoryOut | None
    area: str
    latitude: float | None
    longitude: float | None
    author: str | None = Field(description="Public name; null for a deleted account.")
    state: Literal["draft", "collecting", "threshold_reached", "answered", "expired", "withdrawn"]
    required_supports: int
    online_supports: int
    paper_supports: int
    total_supports: int
    supported_by_me: bool
    created_at: datetime
    published_at: datetime | None
    collection_ends_at: datetime | None
    threshold_reached_at: datetime | None
    answer_due_at: datetime | None
    answered_at: datetime | None
    outcome: Literal["accepted", "rejected", "council", "implemented"] | None
    answer_html: str | None
    answer_department: str | None
    url: str
    comments_url: str

    @staticmethod
    def resolve_author(obj: Proposal) -> str | None:
        return None if obj.author is None or obj.author.is_deleted else obj.author.display_name

    @staticmethod
    def resolve_supported_by_me(obj: Proposal) -> bool:
        return bool(getattr(obj, "user_supports", False))

    @staticmethod
    def resolve_latitude(obj: Proposal) -> float | None:
        return None if obj.latitude is None else float(obj.latitude)

    @staticmethod
    def resolve_longitude(obj: Proposal) -> float | None:
        return None if obj.longitude is None else float(obj.longitude)

    @staticmethod
    def resolve_outcome(obj: Proposal) -> str | None:
        return obj.outcome or None

    @staticmethod
    def resolve_answer_html(obj: Proposal) -> str | None:
        return obj.answer_html or None

    @staticmethod
    def resolve_answer_department(obj: Proposal) -> str | None:
        return obj.answer_department or None

    @staticmethod
    def resolve_url(obj: Proposal, context) -> str:
        return absolute(context["request"], obj.get_absolute_url())

    @staticmethod
    def resolve_comments_url(obj: Proposal, context) -> str:
        return absolute(context["request"], reverse("api_v1:list_comments", kwargs={
            "municipality_slug": obj.municipality.slug, "target_type": target_key(obj), "target_id": obj.pk}))


ProposalPage = page_schema("ProposalPage", ProposalOut)


class ProposalUpdateOut(Schema):
    id: int
    kind: Literal["decision", "implementation_started", "implementation_done", "delay", "news"]
    happened_on: date
    title: str
    text: str = Field(description="Markdown.")
    text_html: str
    url: str

    @staticmethod
    def resolve_url(obj: ProposalUpdate, context) -> str:
        return absolute(context["request"], obj.get_absolute_url())


class TrailEntryOut(Schema):
    when: date | datetime
    source: str = Field(description="The feature that reports the step, e.g. `council` or `projects`.")
    title: str
    text: str
    url: str
    status: str = Field(description="A short machine-readable state, e.g. `decided`; may be empty.")

    @staticmethod
    def resolve_title(obj: TrailEntry) -> str:
        return str(obj.title)

    @staticmethod
    def resolve_url(obj: TrailEntry, context) -> str:
        return absolute(context["request"], obj.url) if obj.url.startswith("/") else obj.url


class ProposalDetailOut(ProposalOut):
    updates: list[ProposalUpdateOut] = Field(description="The updates under the official answer, oldest first: the "
                                                         "council's decision, the start and end of the "
                                                         "implementation.")
    trail: list[TrailEntryOut] = Field(description="What other features report about the proposal after it left "
                                                   "them, oldest first: the council paper, its consultations and "
                                                   "decision, the project's status.")

    @staticmethod
    def resolve_updates(obj: Proposal) -> list[ProposalUpdate]:
        return selectors.updates_of(obj) if obj.answered_at else []

    @staticmethod
    def resolve_trail(obj: Proposal) -> list[TrailEntry]:
        return trail_for(obj) if obj.is_public else []


class ProposalUpdateIn(Schema):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["decision", "implementation_started", "implementation_done", "delay", "news"]
    happened_on: date = Field(description="The day it happened: not before the answer, not in the future.")
    title: Text = Field(max_length=150, examples=["Der Rat hat zugestimmt"])
    text: Text = Field("", max_length=5_000, description="Markdown.")


class ProposalIn(Schema):
    model_config = ConfigDict(extra="forbid")

    title: Text = Field(max_length=150, examples=["Mehr Bänke am Marktplatz"])
    text: Text = Field(max_length=10_000, description="Markdown.",
                       examples=["Ältere Menschen brauchen Pausen beim Einkaufen."])
    category: str | None = Field(None, pattern=r"^[-a-zA-Z0-9_]+$", max_length=60,
                                 description="The slug of one of the municipality's categories.")
    area: Text = Field("", max_length=200, description="The part of the municipality concerned.")
    latitude: float | None = Field(None, ge=-90, le=90)
    longitude: float | None = Field(None, ge=-180, le=180)


class AnswerIn(Schema):
    model_config = ConfigDict(extra="forbid")

    outcome: Literal["accepted", "rejected", "council", "implemented"]
    answer: Text = Field(max_length=20_000, description="Markdown: the answer and its reasons.")
    department: Text = Field(max_length=200, description="The responsible department.")


class SignatureListIn(Schema):
    model_config = ConfigDict(extra="forbid")

    count: int = Field(ge=1, le=10_000_000, description="Number of valid signatures.")
    received_on: date = Field(description="The day the lists were received.")
    note: Text = Field("", max_length=300)


class SignatureListOut(Schema):
    id: int
    count: int
    received_on: date
    note: str
    total_supports: int

    @staticmethod
    def resolve_total_supports(obj: SignatureList) -> int:
        return obj.proposal.total_supports


def _unknown_category() -> ApiError:
    message = _("There is no category with this address. The list of categories: proposal-categories.")
    return ApiError(422, "invalid", message, fields={"category": [message]})


def _proposal(request: HttpRequest, municipality_slug: str, proposal_id: int) -> Proposal:
    """A proposal the person may see (published, or their own draft), with what the answer shows."""
    municipality = municipality_or_404(municipality_slug)
    return get_for_tenant(selectors.proposal_for_page(municipality, request.user), municipality, pk=proposal_id)


def _fresh(request: HttpRequest, proposal: Proposal) -> Proposal:
    return _proposal(request, proposal.municipality.slug, proposal.pk)


@router.get("/municipalities/{municipality_slug}/proposal-categories",
            response=responses({200: list[CategoryOut]}, *READ), auth=auth.READ, openapi_extra=auth.OPTIONAL_TOKEN,
            summary="List the categories of proposals")
def list_proposal_categories(request: HttpRequest, municipality_slug: MunicipalitySlug):
    return list(selectors.categories_of(municipality_or_404(municipality_slug))[:MAX_CATEGORIES])


@router.get(BASE, response=responses({200: ProposalPage}, *PAGE), auth=auth.READ, openapi_extra=auth.OPTIONAL_TOKEN,
            summary="List citizen proposals")
def list_proposals(request: HttpRequest, municipality_slug: MunicipalitySlug, state: StateFilter = None,
                   category: SlugFilter = None, area: AreaFilter = None, sort: SortOrder = "supports",
                   cursor: Cursor = None, limit: Limit = DEFAULT_LIMIT):
    """Published proposals, filtered and sorted like the list on the web, with the same cursors."""
    municipality = municipality_or_404(municipality_slug)
    result = selectors.proposal_page(municipality, request.user, state=state, category=category or None,
                                     area=area or "", sort=sort, cursor=cursor or None, size=limit)
    return {"items": result.items, "next": result.next_cursor}


@router.get(BASE + "/{proposal_id}", response=responses({200: ProposalDetailOut}, *READ), auth=auth.READ,
            openapi_extra=auth.OPTIONAL_TOKEN, summary="Get a citizen proposal")
def get_proposal(request: HttpRequest, municipality_slug: MunicipalitySlug, proposal_id: ObjectId):
    """A published proposal, or one's own draft, with its trail: the updates under the answer and what other
    features (council, projects) report about it."""
    return _proposal(request, municipality_slug, proposal_id)


@router.post(BASE, response=responses({201: ProposalOut}, *WRITE), auth=auth.WRITE, summary="Write a proposal")
def create_proposal(request: AuthenticatedHttpRequest, municipality_slug: MunicipalitySlug, payload: ProposalIn):
    """A new draft, visible only to its author until it is published."""
    municipality = municipality_or_404(municipality_slug)
    category = selectors.category_by_slug(municipality, payload.category) if payload.category else None
    if payload.category and category is None:
        raise _unknown_category()
    proposal = services.do_create_proposal(
        municipality=municipality, author=request.user, title=payload.title, text=payload.text,
        category=category, area=payload.area, latitude=payload.latitude, longitude=payload.longitude)
    return Status(201, _fresh(request, proposal))


@router.patch(BASE + "/{proposal_id}", response=responses({200: ProposalOut}, *WRITE), auth=auth.WRITE,
              summary="Change one's proposal")
def update_proposal(request: AuthenticatedHttpRequest, municipality_slug: MunicipalitySlug, proposal_id: ObjectId,
                    payload: PatchDict[ProposalIn]):
    """The author changes the fields sent, until the first support."""
    proposal = _proposal(request, municipality_slug, proposal_id)
    fields = dict(payload)
    if "category" in fields:
        slug = fields["category"]
        fields["category"] = selectors.category_by_slug(proposal.municipality, slug) if slug else None
        if slug and fields["category"] is None:
            raise _unknown_category()
    services.do_update_proposal(proposal=proposal, actor=request.user, **fields)
    return _fresh(request, proposal)


@router.post(BASE + "/{proposal_id}/publish", response=responses({200: ProposalOut}, *WRITE), auth=auth.WRITE,
             summary="Publish one's draft")
def publish_proposal(request: AuthenticatedHttpRequest, municipality_slug: MunicipalitySlug, proposal_id: ObjectId):
    """The collection of supports starts; its end and the supports needed are fixed now."""
    proposal = _proposal(request, municipality_slug, proposal_id)
    services.do_publish_proposal(proposal=proposal, actor=request.user)
    return _fresh(request, proposal)


@router.post(BASE + "/{proposal_id}/support", response=responses({201: ProposalOut}, *WRITE), auth=auth.WRITE,
             summary="Support a proposal")
def support_proposal(request: AuthenticatedHttpRequest, municipality_slug: MunicipalitySlug, proposal_id: ObjectId):
    """Who may support is the municipality's setting (confirmed account or verified residents, minimum age)."""
    proposal = _proposal(request, municipality_slug, proposal_id)
    services.do_support_proposal(proposal=proposal, user=request.user)
    return Status(201, _fresh(request, proposal))


@router.delete(BASE + "/{proposal_id}/support", response=responses({204: None}, *WRITE), auth=auth.WRITE,
               summary="Withdraw one's support")
def withdraw_support(request: AuthenticatedHttpRequest, municipality_slug: MunicipalitySlug, proposal_id: ObjectId):
    """Possible while the collection runs."""
    proposal = _proposal(request, municipality_slug, proposal_id)
    services.do_withdraw_support(proposal=proposal, user=request.user)
    return Status(204, None)


@router.post(BASE + "/{proposal_id}/answer", response=responses({200: ProposalOut}, *WRITE), auth=auth.WRITE,
             summary="Answer a proposal (staff)")
def answer_proposal(request: AuthenticatedHttpRequest, municipality_slug: MunicipalitySlug, proposal_id: ObjectId,
                    payload: AnswerIn):
    """The official answer to a proposal that reached its threshold. Staff of the municipality only."""
    proposal = _proposal(request, municipality_slug, proposal_id)
    services.do_answer_proposal(proposal=proposal, actor=request.user, outcome=payload.outcome,
                                answer=payload.answer, department=payload.department)
    return _fresh(request, proposal)


@router.post(BASE + "/{proposal_id}/signature-lists", response=responses({201: SignatureListOut}, *WRITE),
             auth=auth.WRITE, summary="Add paper signatures (staff)")
def add_signature_list(request: AuthenticatedHttpRequest, municipality_slug: MunicipalitySlug, proposal_id: ObjectId,
                       payload: SignatureListIn):
    """Signatures collected on paper and counted by staff add to the total. Staff of the municipality only."""
    proposal = _proposal(request, municipality_slug, proposal_id)
    signature_list = services.do_add_signature_list(proposal=proposal, actor=request.user, count=payload.count,
                                                    received_on=payload.received_on, note=payload.note)
    signature_list.proposal.refresh_from_db(fields=["total_supports"])
    return Status(201, signature_list)



@router.post(BASE + "/{proposal_id}/updates", response=responses({201: ProposalUpdateOut}, *WRITE),
             auth=auth.WRITE, summary="Add an update under the answer (staff)")
def add_proposal_update(request: AuthenticatedHttpRequest, municipality_slug: MunicipalitySlug,
                        proposal_id: ObjectId, payload: ProposalUpdateIn):
    """A later step under the official answer (the council's decision, the start or end of the implementation);
    the answer stays as published, the followers are told. Staff of the municipality only."""
    proposal = _proposal(request, municipality_slug, proposal_id)
    update = services.do_add_proposal_update(proposal=proposal, actor=request.user, kind=payload.kind,
                                             happened_on=payload.happened_on, title=payload.title, text=payload.text)
    return Status(201, update)
