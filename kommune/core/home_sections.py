"""Sections of a municipality's home page contributed by the features (current proposals, open datasets, …).

A feature registers a section in AppConfig.ready(); core renders the registered sections in ``order`` without
importing the feature. ``context(municipality)`` returns the template's context, or None to leave the section
out (nothing to show). It must run a constant number of queries. The section does not depend on who is
looking, so the home page stays cacheable for anonymous visitors.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from kommune.core.models import Municipality


@dataclass(frozen=True)
class HomeSection:
    key: str
    # A Jinja2 template rendering one <section> with an h2; it reads its context as ``section.context``.
    template: str
    context: Callable[[Municipality], dict[str, Any] | None]
    order: int = 100
    # The section's entry in the page's section navigation: its name and the id of its h2 (no entry without).
    title: Any = None
    anchor: str = ""


@dataclass(frozen=True)
class RenderedSection:
    template: str
    context: dict[str, Any]
    title: Any = None
    anchor: str = ""


_sections: dict[str, HomeSection] = {}


def register_home_section(section: HomeSection) -> None:
    _sections[section.key] = section


def sections_for(municipality: Municipality) -> list[RenderedSection]:
    rendered = []
    for section in sorted(_sections.values(), key=lambda s: (s.order, s.key)):
        context = section.context(municipality)
        if context is not None:
            rendered.append(RenderedSection(section.template, context, section.title, section.anchor))
    return rendered


# --- Links to the features ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HomeLink:
    """One feature offered on the home page's "Take part" section: a title, a sentence and its page."""

    key: str
    title: Any
    description: Any
    url_name: str  # reversed with municipality_slug only
    order: int = 100


_links: dict[str, HomeLink] = {}


def register_home_link(link: HomeLink) -> None:
    """Features without a section of their own (or with one that names only a few items) are listed with a link."""
    _links[link.key] = link


def home_links() -> list[HomeLink]:
    return sorted(_links.values(), key=lambda link: (link.order, link.key))


def _links_context(municipality: Municipality) -> dict[str, Any] | None:
    links = home_links()
    return {"municipality": municipality, "links": links} if links else None


def register_links_section() -> None:
    from django.utils.translation import gettext_lazy as _

    register_home_section(HomeSection("take_part", "home/take_part_section.html", _links_context, order=15,
                                      title=_("Take part"), anchor="home-take-part-heading"))
