"""The council section of a municipality's home page: the next meetings and a link to the council information."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kommune.core.home_sections import HomeSection, register_home_section
from kommune.core.models import Municipality
from kommune.council import selectors


def _context(municipality: Municipality) -> dict | None:
    meetings = selectors.upcoming_meetings(municipality=municipality, now=timezone.now(), limit=3)
    if not meetings:
        return None
    return {"municipality": municipality, "meetings": meetings}


def register() -> None:
    register_home_section(HomeSection("council", "council/home_section.html", _context, order=70,
                                      title=_("Council meetings"), anchor="council-heading"))
