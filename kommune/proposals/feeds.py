"""Atom feed of a municipality's newly published citizen proposals (drafts never appear, whoever asks).

Like kommune/core/processes/feeds.py: the feed class is wrapped in a function view that declares its access;
titles are plain text, the summary is the proposal's sanitised HTML (kommune.core.feeds).
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from kommune.core.access import municipality_view
from kommune.core.feeds import AtomFeed
from kommune.core.models import Municipality
from kommune.proposals import selectors
from kommune.proposals.models import Proposal


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
