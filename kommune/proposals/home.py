"""The citizen-proposal section of a municipality's home page (see kommune.core.home_sections)."""

from django.utils.translation import gettext_lazy as _

from kommune.core.home_sections import HomeSection, register_home_section
from kommune.core.models import Municipality
from kommune.proposals import selectors, services
from kommune.proposals.models import Proposal

HOME_LIMIT = 3


def home_context(municipality: Municipality) -> dict | None:
    """The most supported proposals collecting now and the answer record; four queries, whatever the data."""
    if not services.get_settings(municipality).is_enabled:
        return None
    proposals = list(selectors.published_proposals(municipality).select_related("municipality")
                     .filter(state=Proposal.State.COLLECTING)
                     .order_by("-total_supports", "-id")[:HOME_LIMIT])
    return {"municipality": municipality, "proposals": proposals,
            "statistics": selectors.answer_statistics(municipality)}


def register() -> None:
    register_home_section(HomeSection("proposals", "proposals/home_section.html", home_context, order=20,
                                      title=_("Citizen proposals"), anchor="home-proposals-heading"))
