"""The record set "proposals": every published citizen proposal of a municipality as open data, without any
personal data (no author, no supporters; counts only)."""

from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kommune.core.comments.events import CommentHidden, CommentPosted, CommentUnhidden
from kommune.core.comments.models import Thread
from kommune.core.models import Municipality
from kommune.core.records import Column, register_record_set
from kommune.proposals.events import (
    ProposalAnswered,
    ProposalExpired,
    ProposalHidden,
    ProposalPublished,
    ProposalSignaturesAdded,
    ProposalSupported,
    ProposalSupportWithdrawn,
    ProposalThresholdReached,
    ProposalUnhidden,
    ProposalUpdateAdded,
    ProposalUpdated,
    ProposalWithdrawn,
)
from kommune.proposals.models import Proposal

COLUMNS = (
    Column("id", "integer", _("Number of the proposal on this platform."), required=True),
    Column("title", "string", _("Title."), required=True),
    Column("text", "string", _("Text of the proposal (Markdown)."), required=True),
    Column("category", "string", _("Category, if any.")),
    Column("area", "string", _("Part of the municipality concerned, if given.")),
    Column("latitude", "number", _("Latitude of the place concerned (WGS 84), if given.")),
    Column("longitude", "number", _("Longitude of the place concerned (WGS 84), if given.")),
    Column("state", "string", _("State: collecting, threshold_reached, answered, expired or withdrawn."),
           required=True),
    Column("published_at", "datetime", _("When the proposal was published."), required=True),
    Column("collection_ends_at", "datetime", _("When the collection of supports ends or ended."), required=True),
    Column("required_supports", "integer", _("Supports needed to oblige the municipality to answer."),
           required=True),
    Column("online_supports", "integer", _("Supports given online."), required=True),
    Column("paper_supports", "integer", _("Valid signatures on paper lists."), required=True),
    Column("total_supports", "integer", _("Online supports and paper signatures together."), required=True),
    Column("threshold_reached_at", "datetime", _("When the threshold was reached, if it was.")),
    Column("answer_due_at", "datetime", _("Deadline of the official answer, if the threshold was reached.")),
    Column("answered_at", "datetime", _("When the municipality answered, if it did.")),
    Column("outcome", "string", _("Outcome: accepted, rejected, council or implemented, if answered.")),
    Column("answer", "string", _("The official answer (Markdown), if answered.")),
    Column("answer_department", "string", _("The responsible department, if answered.")),
    Column("comment_count", "integer", _("Visible comments."), required=True),
    Column("url", "string", _("Address of the proposal on this platform."), required=True),
)

CHANGED_BY = (ProposalPublished, ProposalUpdated, ProposalSupported, ProposalSupportWithdrawn, ProposalSignaturesAdded,
              ProposalThresholdReached, ProposalAnswered, ProposalExpired, ProposalWithdrawn, ProposalHidden,
              ProposalUnhidden,
              # The comment counts.
              CommentPosted, CommentHidden, CommentUnhidden)


def rows(municipality: Municipality) -> Iterator[dict[str, Any]]:
    """One query, streamed, oldest first; datetimes as aware datetime objects, coordinates as floats."""
    comment_count = Thread.objects.filter(content_type=ContentType.objects.get_for_model(Proposal),
                                          object_id=OuterRef("pk")).values("comment_count")[:1]
    proposals = (Proposal.objects.filter(Proposal.public_q(), municipality=municipality)
                 .annotate(comment_count=Subquery(comment_count))
                 .values("id", "title", "text", "category__name", "area", "latitude", "longitude", "state",
                         "published_at", "collection_ends_at", "required_supports", "online_supports",
                         "paper_supports", "total_supports", "threshold_reached_at", "answer_due_at", "answered_at",
                         "outcome", "answer", "answer_department", "comment_count")
                 .order_by("published_at", "id"))
    site = settings.SITE_URL.rstrip("/")
    for row in proposals.iterator(chunk_size=2000):
        yield {
            "id": row["id"], "title": row["title"], "text": row["text"], "category": row["category__name"] or "",
            "area": row["area"],
            "latitude": float(row["latitude"]) if row["latitude"] is not None else None,
            "longitude": float(row["longitude"]) if row["longitude"] is not None else None,
            "state": row["state"], "published_at": row["published_at"],
            "collection_ends_at": row["collection_ends_at"], "required_supports": row["required_supports"],
            "online_supports": row["online_supports"], "paper_supports": row["paper_supports"],
            "total_supports": row["total_supports"], "threshold_reached_at": row["threshold_reached_at"],
            "answer_due_at": row["answer_due_at"], "answered_at": row["answered_at"],
            "outcome": row["outcome"], "answer": row["answer"], "answer_department": row["answer_department"],
            "comment_count": row["comment_count"] or 0,
            "url": site + reverse("proposals:detail", kwargs={"municipality_slug": municipality.slug,
                                                              "proposal_id": row["id"]}),
        }


def register() -> None:
    register_record_set(
        key="proposals", title=_("Citizen proposals"),
        description=_("The citizen proposals of the municipality with their supports, deadlines and official "
                      "answers. Without personal data: no authors, no supporters."),
        columns=COLUMNS, rows=rows, changed_by=CHANGED_BY, themes=("GOVE",),
        keywords=("Bürgerbeteiligung", "Bürgervorschlag", "Einwohnerantrag", "Offene Themensetzung"),
    )


UPDATE_COLUMNS = (
    Column("id", "integer", _("Number of the update on this platform."), required=True),
    Column("proposal_id", "integer", _("Number of the citizen proposal (the id in the record set “proposals”)."),
           required=True),
    Column("happened_on", "date", _("The day it happened."), required=True),
    Column("kind", "string", _("Kind: decision, implementation_started, implementation_done, delay or news."),
           required=True),
    Column("title", "string", _("Title."), required=True),
    Column("text", "string", _("Text (Markdown), if any.")),
    Column("url", "string", _("Address of the update on the proposal's page."), required=True),
)


def update_rows(municipality: Municipality) -> Iterator[dict[str, Any]]:
    """The updates of the public proposals, one query, streamed, oldest first; without the staff author."""
    from kommune.proposals.models import ProposalUpdate

    updates = (ProposalUpdate.objects.filter(municipality=municipality, proposal__hidden_at__isnull=True)
               .exclude(proposal__state=Proposal.State.DRAFT)
               .values("id", "proposal_id", "happened_on", "kind", "title", "text").order_by("happened_on", "id"))
    site = settings.SITE_URL.rstrip("/")
    for row in updates.iterator(chunk_size=2000):
        page = reverse("proposals:detail", kwargs={"municipality_slug": municipality.slug,
                                                   "proposal_id": row["proposal_id"]})
        yield {**row, "url": f"{site}{page}#update-{row['id']}"}


def register_updates() -> None:
    register_record_set(
        key="proposal_updates", title=_("Updates of citizen proposals"),
        description=_("What happened after the official answer to a citizen proposal: the council's decision, "
                      "the start and the end of the implementation, as dated entries. Without personal data."),
        columns=UPDATE_COLUMNS, rows=update_rows, changed_by=(ProposalUpdateAdded, ProposalHidden, ProposalUnhidden),
        themes=("GOVE",), keywords=("Bürgerbeteiligung", "Bürgervorschlag", "Rechenschaft", "Umsetzung"),
    )
