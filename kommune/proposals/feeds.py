"""Atom feeds of citizen proposals: a municipality's newly published proposals (drafts never appear, whoever asks),
and one proposal's trail after its answer (the answer and the updates under it).

Like kommune/core/processes/feeds.py: the feed class is wrapped in a function view that declares its access;
titles are plain text, the summary is the proposal's sanitised HTML (kommune.core.feeds).
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from kommune.core.access import get_for_tenant, municipality_view
from kommune.core.feeds import AtomFeed
from kommune.core.models import Municipality
from kommune.proposals import selectors
from kommune.proposals.models import Proposal, ProposalUpdate


def _tag(pk: int, when) -> str:
    """A stable Atom id (RFC 4151 tag URI) that survives a change of the page address."""
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"tag:{host},{when:%Y-%m-%d}:proposal/{pk}"


class ProposalsFeed(AtomFeed):
    description_is_html = True  # text_html: Markdown rendered and sanitised when the proposal was written

    def get_object(self, request: HttpRequest, municipality: Municipality) -> Municipality:
        return municipality

    def title(self, municipality: Municipality) -> str:
        return _("Citizen proposals in %(name)s") % {"name": municipality.name}

    def subtitle(self, municipality: Municipality) -> str:
        return _("Newly published citizen proposals in %(name)s.") % {"name": municipality.name}

    def link(self, municipality: Municipality) -> str:
        return reverse("proposals:list", kwargs={"municipality_slug": municipality.slug})

    def author_name(self, municipality: Municipality) -> str:
        return municipality.name

    def items(self, municipality: Municipality) -> list[Proposal]:
        return selectors.feed_proposals(municipality)

    def item_title(self, proposal: Proposal) -> str:
        return proposal.title

    def item_description(self, proposal: Proposal) -> str:
        return proposal.text_html

    def item_pubdate(self, proposal: Proposal):
        return proposal.published_at

    def item_updateddate(self, proposal: Proposal):
        return proposal.updated_at

    def item_categories(self, proposal: Proposal) -> list[str]:
        return [proposal.category.name] if proposal.category else []

    def item_guid(self, proposal: Proposal) -> str:
        return _tag(proposal.pk, proposal.published_at or proposal.created_at)


@municipality_view()
def proposals_feed(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    return ProposalsFeed()(request, municipality=municipality)


class ProposalUpdatesFeed(AtomFeed):
    """The answer and the updates under it, newest first: what happened to one proposal after its answer."""

    description_is_html = True  # the answer's and the updates' Markdown, rendered and sanitised when written

    def get_object(self, request: HttpRequest, proposal: Proposal) -> Proposal:
        return proposal

    def title(self, proposal: Proposal) -> str:
        return _("News about the citizen proposal “%(title)s”") % {"title": proposal.title}

    def subtitle(self, proposal: Proposal) -> str:
        return _("The official answer of %(name)s and the updates under it.") % {"name": proposal.municipality.name}

    def link(self, proposal: Proposal) -> str:
        return proposal.get_absolute_url()

    def author_name(self, proposal: Proposal) -> str:
        return proposal.municipality.name

    def items(self, proposal: Proposal) -> list[Proposal | ProposalUpdate]:
        updates: list[Proposal | ProposalUpdate] = list(reversed(selectors.updates_of(proposal)))
        return [*updates, proposal] if proposal.answered_at else updates

    def item_title(self, item: Proposal | ProposalUpdate) -> str:
        if isinstance(item, ProposalUpdate):
            return item.title
        return _("Official answer: %(outcome)s") % {"outcome": item.get_outcome_display()}

    def item_description(self, item: Proposal | ProposalUpdate) -> str:
        return item.text_html if isinstance(item, ProposalUpdate) else item.answer_html

    def item_link(self, item: Proposal | ProposalUpdate) -> str:
        return item.get_absolute_url() + ("" if isinstance(item, ProposalUpdate) else "#answer-heading")

    def item_pubdate(self, item: Proposal | ProposalUpdate):
        return item.created_at if isinstance(item, ProposalUpdate) else item.answered_at

    def item_updateddate(self, item: Proposal | ProposalUpdate):
        return self.item_pubdate(item)

    def item_guid(self, item: Proposal | ProposalUpdate) -> str:
        if isinstance(item, ProposalUpdate):
            host = urlsplit(settings.SITE_URL).hostname or "localhost"
            return f"tag:{host},{item.created_at:%Y-%m-%d}:proposal-update/{item.pk}"
        return _tag(item.pk, item.answered_at) + "/answer"


@municipality_view()
def updates_feed(request: HttpRequest, municipality: Municipality, proposal_id: int) -> HttpResponse:
    """Public proposals only: a draft or a hidden proposal has no feed."""
    proposal = get_for_tenant(selectors.published_proposals(municipality).select_related("municipality"),
                              municipality, pk=proposal_id)
    return ProposalUpdatesFeed()(request, proposal=proposal)
