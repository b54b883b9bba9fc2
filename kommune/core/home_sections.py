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
