"""Reads of citizen proposals shared by the pages, the feeds, the open data and (later) the API.

Every list runs a constant number of queries, whatever the number of proposals: the related rows come with
select_related, whether the person supports a proposal comes as an annotation.
"""

import base64
import binascii
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db.models import (
    BooleanField,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Value,
)
from django.utils import timezone

from kommune.core import cursor as cursor_module
from kommune.core.access import for_tenant
from kommune.core.comments.models import Thread
from kommune.core.cursor import InvalidCursor, KeysetPage
from kommune.core.models import Municipality
from kommune.core.personal import PersonalCache
from kommune.core.search import backends
from kommune.core.search.german import ParsedQuery, Term, words
from kommune.core.search.models import SearchDocument
from kommune.core.statements import Lookup
from kommune.proposals.models import Attachment, Category, Proposal, ProposalUpdate, SignatureList, Support

State = Proposal.State
PAGE_SIZE = 20
FEED_SIZE = 50
MAP_LIMIT = 500
SORTS = ("supports", "newest", "answered", "deadline")
# At most this many words of a title (and of the text, when the title has few) make the similarity query.
SIMILAR_TITLE_WORDS = 12
SIMILAR_TEXT_WORDS = 8


# --- Sets of proposals ------------------------------------------------------------------------------------------


def published_proposals(municipality: Municipality) -> QuerySet[Proposal]:
    """What everyone sees: published and not hidden by the moderation (lists, map, feeds, search, API)."""
    return Proposal.objects.filter(Proposal.public_q(), municipality=municipality)


def hidden_proposal(municipality: Municipality, proposal_id: int) -> Proposal | None:
    """A published proposal hidden by the moderation, for the page that says so."""
    return (Proposal.objects.filter(municipality=municipality, pk=proposal_id, hidden_at__isnull=False)
            .exclude(state=State.DRAFT).select_related("municipality").first())


def visible_proposals(municipality: Municipality, user) -> QuerySet[Proposal]:
    """The public proposals and the person's own (drafts, and their own proposal when it is hidden)."""
    visible = Proposal.public_q()
    if getattr(user, "is_authenticated", False):
        visible |= Q(author=user)
    return (Proposal.objects.filter(visible, municipality=municipality)
            .select_related("municipality", "category", "author"))


# Compiled once per process (kommune.core.statements): building and compiling this lookup was a quarter of a
# support. Without the texts and related rows: a third of a support's time once went into reading them.
_TO_ACT_ON = Lookup(Proposal, lambda municipality, user, proposal_id: for_tenant(
    visible_proposals(municipality, user).select_related(None).defer("text", "text_html"),
    municipality, pk=proposal_id))


def proposal_to_act_on(municipality: Municipality, user, proposal_id: int) -> Proposal | None:
    """A proposal of ``visible_proposals`` to support or withdraw from: its own row only, with the municipality
    given (None: not visible to the person, or not there)."""
    proposal = _TO_ACT_ON.first(municipality=municipality, user=user, proposal_id=proposal_id)
    if proposal is not None:
        proposal.municipality = municipality
    return proposal


def with_user_support(queryset: QuerySet[Proposal], user) -> QuerySet[Proposal]:
    """Annotate ``user_supports`` (does the person support it?) without a query per row."""
    if not getattr(user, "is_authenticated", False):
        return queryset.annotate(user_supports=Value(False, output_field=BooleanField()))
    return queryset.annotate(user_supports=Exists(Support.objects.filter(proposal=OuterRef("pk"), user=user)))


def supported_among(user, proposal_ids: list[int]) -> set[int]:
    """Which of these proposals the person supports (no query once kept; none for an anonymous visitor)."""
    if not getattr(user, "is_authenticated", False) or not proposal_ids:
        return set()
    return set(SUPPORTED.get(user.pk).intersection(proposal_ids))


def public_proposal(municipality: Municipality, proposal_id: int) -> Proposal | None:
    """A proposal as everyone sees it, with the rows its page shows (None: a draft, hidden or missing). Without
    its municipality, which the caller has: the page keeps it as a shared object."""
    return (published_proposals(municipality).filter(pk=proposal_id)
            .select_related("category", "author", "answered_by").first())


def proposal_for_page(municipality: Municipality, user) -> QuerySet[Proposal]:
    """For get_for_tenant(..., pk=proposal_id) on the detail page: visible proposals with what the page shows."""
    return with_user_support(visible_proposals(municipality, user), user).select_related("answered_by")


def _proposals_supported_by(user_id: int) -> frozenset[int]:
    return frozenset(Support.objects.filter(user_id=user_id).values_list("proposal_id", flat=True))


# The proposals a person supports, kept like their roles (a support's save or delete counts the person's version
# on; ProposalsConfig.ready() watches them): "you support this" on the list and the detail page's support box ask
# the database nothing.
SUPPORTED = PersonalCache("supported", _proposals_supported_by, 600)


def user_supports(proposal: Proposal, user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return proposal.pk in SUPPORTED.get(user.pk)


def attachments_of(proposal: Proposal) -> list[Attachment]:
    return list(Attachment.objects.filter(proposal=proposal).order_by("id"))


def signature_lists_of(proposal: Proposal) -> list[SignatureList]:
    return list(SignatureList.objects.filter(proposal=proposal).select_related("entered_by")
                .order_by("received_on", "id"))


def updates_of(proposal: Proposal, *, with_author: bool = False) -> list[ProposalUpdate]:
    """The updates under a proposal's answer, oldest first (at most services.MAX_UPDATES); the staff author only
    for the management page."""
    updates = ProposalUpdate.objects.filter(proposal=proposal).order_by("happened_on", "id")
    return list(updates.select_related("author") if with_author else updates.defer("author"))


def categories_of(municipality: Municipality) -> QuerySet[Category]:
    return Category.objects.filter(municipality=municipality).order_by("name", "id")


def category_by_slug(municipality: Municipality, slug: str) -> Category | None:
    return Category.objects.filter(municipality=municipality, slug=slug).first() if slug else None


def areas_of(municipality: Municipality) -> list[str]:
    """The areas named by published proposals, for the list's filter."""
    return list(published_proposals(municipality).exclude(area="").order_by("area").values_list("area", flat=True)
                .distinct()[:200])


def state_counts(municipality: Municipality) -> dict[str, int]:
    """How many published proposals are in each state, in one query."""
    counts = published_proposals(municipality).aggregate(
        **{state: Count("pk", filter=Q(state=state)) for state in State.values if state != State.DRAFT})
    return counts


def _municipalities_with_drafts_by(user_id: int) -> frozenset[int]:
    return frozenset(Proposal.objects.filter(author_id=user_id, state=State.DRAFT).order_by()
                     .values_list("municipality_id", flat=True).distinct())


# Where a person has drafts, asked by every proposal list ("your drafts"); a proposal's save or delete counts its
# author's version on. A draft published by an update that sends no signal leaves the municipality here a while:
# that costs a query that finds nothing, never a draft left out (drafts are made by saving).
DRAFTING = PersonalCache("drafting", _municipalities_with_drafts_by, 600)


def drafts_of(municipality: Municipality, user) -> QuerySet[Proposal]:
    if not getattr(user, "is_authenticated", False) or municipality.pk not in DRAFTING.get(user.pk):
        return Proposal.objects.none()
    return Proposal.objects.filter(municipality=municipality, author=user, state=State.DRAFT).order_by("-created_at")


def awaiting_answer(municipality: Municipality) -> QuerySet[Proposal]:
    """For staff: proposals that reached the threshold and wait for the answer, the most urgent first."""
    return (Proposal.objects.filter(municipality=municipality, state=State.THRESHOLD_REACHED)
            .select_related("municipality", "category").order_by("answer_due_at", "id"))


def manage_proposals(municipality: Municipality) -> QuerySet[Proposal]:
    """For staff: every published proposal (drafts are their authors' business), newest first."""
    return published_proposals(municipality).select_related("municipality", "category").order_by(
        "-published_at", "-id")


def feed_proposals(municipality: Municipality) -> list[Proposal]:
    return list(published_proposals(municipality).select_related("municipality", "category")
                .order_by("-published_at", "-id")[:FEED_SIZE])


def mapped_proposals(municipality: Municipality, *, limit: int = MAP_LIMIT) -> list[Proposal]:
    """Published proposals with a point, the most supported first (the map shows at most ``limit``)."""
    return list(published_proposals(municipality).filter(latitude__isnull=False)
                .select_related("municipality", "category").order_by("-total_supports", "-id")[:limit])


# --- The list page ----------------------------------------------------------------------------------------------


def _encode(value: int | datetime, pk: int, direction: str) -> str:
    if isinstance(value, datetime):
        return cursor_module.encode(value, pk, direction)
    return base64.urlsafe_b64encode(f"{direction}|n{value}|{pk}".encode()).decode().rstrip("=")


def _decode_count(cursor: str) -> tuple[str, int, int]:
    if not cursor or len(cursor) > 120:
        raise InvalidCursor(cursor)
    try:
        direction, value, pk = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode().split("|")
        if not value.startswith("n"):
            raise ValueError(value)
        position = direction, int(value[1:]), int(pk)
    except (binascii.Error, UnicodeDecodeError, ValueError) as error:
        raise InvalidCursor(cursor) from error
    if direction not in ("next", "prev") or position[1] < 0 or not 0 < position[2] < 2**63:
        raise InvalidCursor(cursor)
    return position


def _decode(cursor: str, *, counts: bool) -> tuple[str, int | datetime, int]:
    if counts:
        return _decode_count(cursor)
    position = cursor_module.decode(cursor)
    return position.direction, position.stamp, position.pk


def _keyset(queryset: QuerySet[Proposal], field: str, cursor: str | None, *, descending: bool,
            counts: bool = False, size: int = PAGE_SIZE) -> KeysetPage:
    """kommune.core.cursor's keyset pages, in either order and also over a count (``counts``) instead of a
    datetime: the same next/prev cursors and the same KeysetPage, one query per page."""

    def beyond(value, pk: int, *, forward: bool) -> Q:
        after = forward != descending  # forward in a descending list goes to smaller values
        op, strict = ("gte", "gt") if after else ("lte", "lt")
        return Q(**{f"{field}__{op}": value}) & (Q(**{f"{field}__{strict}": value}) | Q(**{f"id__{strict}": pk}))

    forward_order = (f"-{field}", "-id") if descending else (field, "id")
    backward_order = (field, "id") if descending else (f"-{field}", "-id")
    if not cursor:
        rows = list(queryset.order_by(*forward_order)[: size + 1])
        has_after, has_before = len(rows) > size, False
        rows = rows[:size]
    else:
        direction, value, pk = _decode(cursor, counts=counts)
        if direction == "next":
            rows = list(queryset.filter(beyond(value, pk, forward=True)).order_by(*forward_order)[: size + 1])
            has_after, has_before = len(rows) > size, True
            rows = rows[:size]
        else:
            rows = list(queryset.filter(beyond(value, pk, forward=False)).order_by(*backward_order)[: size + 1])
            has_before = len(rows) > size
            rows = rows[:size][::-1]
            has_after = True
    next_cursor = _encode(getattr(rows[-1], field), rows[-1].pk, "next") if rows and has_after else None
    prev_cursor = _encode(getattr(rows[0], field), rows[0].pk, "prev") if rows and has_before else None
    return KeysetPage(rows, next_cursor, prev_cursor)


def _listed(municipality: Municipality, *, state: str | None, category: Category | str | None, area: str,
            sort: str) -> QuerySet[Proposal] | None:
    """The published proposals the list shows over all its pages (the sorts "answered" and "deadline" narrow the
    set to the proposals that have the date they sort by); None when a filter cannot match anything."""
    queryset = published_proposals(municipality)
    if state:
        if state not in State.values or state == State.DRAFT:
            return None
        queryset = queryset.filter(state=state)
    if isinstance(category, str):
        category = category_by_slug(municipality, category) if category else None
        if category is None:
            return None
    if category is not None:
        queryset = queryset.filter(category=category)
    if area:
        queryset = queryset.filter(area=area)
    if sort == "answered":
        return queryset.filter(answered_at__isnull=False)
    if sort == "deadline":
        if state == State.THRESHOLD_REACHED:
            return queryset.filter(answer_due_at__isnull=False)
        return queryset.filter(state=State.COLLECTING)
    return queryset


def proposal_page(municipality: Municipality, user, *, state: str | None = None,
                  category: Category | str | None = None, area: str = "", sort: str = "supports",
                  cursor: str | None = None, size: int = PAGE_SIZE) -> KeysetPage:
    """One page (``size`` proposals) of the public list. Raises kommune.core.cursor.InvalidCursor for a bad cursor.

    sort: "supports" (most first), "newest" (published), "answered" (recently answered; only answered ones),
    "deadline" (the nearest end of the collection first among collecting proposals; for state
    "threshold_reached" the nearest answer deadline). ``category`` is a Category or its slug.
    """
    queryset = _listed(municipality, state=state, category=category, area=area, sort=sort)
    if queryset is None:
        return KeysetPage([], None, None)
    queryset = with_user_support(queryset.select_related("municipality", "category", "author"), user)
    if sort == "newest":
        return _keyset(queryset, "published_at", cursor, descending=True, size=size)
    if sort == "answered":
        return _keyset(queryset, "answered_at", cursor, descending=True, size=size)
    if sort == "deadline":
        if state == State.THRESHOLD_REACHED:
            return _keyset(queryset, "answer_due_at", cursor, descending=False, size=size)
        return _keyset(queryset, "collection_ends_at", cursor, descending=False, size=size)
    return _keyset(queryset, "total_supports", cursor, descending=True, counts=True, size=size)


def proposal_count(municipality: Municipality, *, state: str | None = None, category: Category | str | None = None,
                   area: str = "", sort: str = "supports") -> int:
    """How many proposals proposal_page() lists over all its pages with the same filters (one query)."""
    queryset = _listed(municipality, state=state, category=category, area=area, sort=sort)
    return 0 if queryset is None else queryset.count()


# --- Similar proposals ------------------------------------------------------------------------------------------


def _similarity_query(title: str, text: str) -> ParsedQuery:
    """Any of the words of the title (and a few of the text), as alternatives: the search ranks proposals that
    share more and rarer words higher. German stemming makes "Spielplätze" find "Spielplatz"."""
    chosen = list(dict.fromkeys(words(title)))[:SIMILAR_TITLE_WORDS]
    if text:
        longest = sorted(dict.fromkeys(words(text)), key=len, reverse=True)[:SIMILAR_TEXT_WORDS]
        chosen += [word for word in longest if word not in chosen]
    return ParsedQuery(tuple((Term((word,)),) for word in chosen if len(word) > 2))


def similar_proposals(municipality: Municipality, *, title: str, text: str = "", limit: int = 5,
                      exclude: Proposal | None = None) -> list[Proposal]:
    """Published proposals of the municipality that resemble the title (and text), best first. Uses the search
    index (kind "proposal"), so it works alike on PostgreSQL and SQLite; three queries."""
    query = _similarity_query(title or "", text or "")
    if not query:
        return []
    hits = backends.search(query, municipality=municipality, kinds=["proposal"], limit=limit + 1)
    ids = list(SearchDocument.objects.filter(pk__in=[doc_id for doc_id, _rank in hits.ranked])
               .values_list("pk", "object_id"))
    object_ids = dict(ids)
    ranked_ids = [object_ids[doc_id] for doc_id, _rank in hits.ranked if doc_id in object_ids]
    if exclude is not None:
        ranked_ids = [pk for pk in ranked_ids if pk != exclude.pk]
    found = published_proposals(municipality).select_related("municipality", "category").in_bulk(ranked_ids)
    return [found[pk] for pk in ranked_ids if pk in found][:limit]


# --- Response times ---------------------------------------------------------------------------------------------


def _median_answer_days(reached: QuerySet[Proposal], answered: int) -> float | None:
    """The median of the days from threshold to answer, reading only the middle one or two rows."""
    if not answered:
        return None
    durations = (reached.filter(answered_at__isnull=False)
                 .annotate(duration=ExpressionWrapper(F("answered_at") - F("threshold_reached_at"),
                                                      output_field=DurationField()))
                 .order_by("duration", "pk").values_list("duration", flat=True))
    middle = list(durations[(answered - 1) // 2: answered // 2 + 1])
    return round(sum(duration.total_seconds() for duration in middle) / len(middle) / 86400, 1)


def answer_statistics(municipality: Municipality, *, now: datetime | None = None) -> dict:
    """How the municipality keeps its answer deadlines, over every proposal that reached its threshold.

    answered: answered at all; answered_in_time: by the deadline; answered_late; overdue: waiting past the
    deadline now; waiting: waiting within the deadline; median_days: days from reaching the threshold to the
    answer (None without answers); in_time_percent: share answered in time (None without answers)."""
    now = now or timezone.now()
    reached = Proposal.objects.filter(municipality=municipality, threshold_reached_at__isnull=False)
    counts = reached.aggregate(
        answered=Count("pk", filter=Q(answered_at__isnull=False)),
        answered_in_time=Count("pk", filter=Proposal.answered_in_time_q()),
        overdue=Count("pk", filter=Proposal.answer_overdue_q(now)),
        waiting=Count("pk", filter=Q(answered_at__isnull=True, state=State.THRESHOLD_REACHED,
                                     answer_due_at__gte=now)),
    )
    counts["answered_late"] = counts["answered"] - counts["answered_in_time"]
    counts["median_days"] = _median_answer_days(reached, counts["answered"])
    counts["in_time_percent"] = (round(100 * counts["answered_in_time"] / counts["answered"])
                                 if counts["answered"] else None)
    return counts


# --- Comments ---------------------------------------------------------------------------------------------------


def comment_counts(proposals: list[Proposal]) -> dict[int, int]:
    """Visible comments per proposal, one query (for lists)."""
    if not proposals:
        return {}
    content_type = ContentType.objects.get_for_model(Proposal)
    return dict(Thread.objects.filter(content_type=content_type, object_id__in=[p.pk for p in proposals])
                .values_list("object_id", "comment_count"))
