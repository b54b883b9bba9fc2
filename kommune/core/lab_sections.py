"""Sections of a lab's page contributed by other features (the impact models of the lab, …).

The lab's page belongs to the lab workspace (kommune/labs); a feature that has something to show about a lab
registers a section in AppConfig.ready() with ``register_lab_section``, and the workspace renders the registered
sections in ``order`` without importing the feature (nor the feature the workspace).

``context(page)`` returns the template's context, or None to leave the section out (nothing to show). It must run
a constant number of queries, whatever the data size. ``page`` says who is reading: ``member`` is True for a
member of the lab (who also sees what is internal to the lab), and ``subproject_ids`` are the sub-projects the
reader may see (with the model they are rows of, for a generic link to one), so a section can show what belongs
to them without knowing the workspace's visibility rule.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Model

from kommune.core.home_sections import RenderedSection
from kommune.core.models import Lab


@dataclass(frozen=True)
class LabSubProject:
    """A sub-project of the lab as a section may name it."""

    pk: int
    title: str
    url: str


@dataclass(frozen=True)
class LabPage:
    lab: Lab
    member: bool  # the reader is a member of the lab
    subprojects: Sequence[LabSubProject] = ()  # the sub-projects the reader may see
    subproject_model: type[Model] | None = None  # the model whose rows they are (for generic links to one)

    def subproject(self, pk: int | None) -> LabSubProject | None:
        return next((item for item in self.subprojects if item.pk == pk), None)


@dataclass(frozen=True)
class LabSection:
    key: str
    # A Jinja2 template rendering one <section> with an h2; it reads its context as ``section.context``.
    template: str
    context: Callable[[LabPage], dict[str, Any] | None]
    order: int = 100
    # The section's name and the id of its h2 (for a table of contents).
    title: Any = None
    anchor: str = ""


_sections: dict[str, LabSection] = {}


def register_lab_section(section: LabSection) -> None:
    """Add (or, on a reload, replace) the section ``section.key`` of every lab's page."""
    _sections[section.key] = section


def lab_sections() -> list[LabSection]:
    return sorted(_sections.values(), key=lambda s: (s.order, s.key))


def sections_for_lab(page: LabPage) -> list[RenderedSection]:
    rendered = []
    for section in lab_sections():
        context = section.context(page)
        if context is not None:
            rendered.append(RenderedSection(section.template, context, section.title, section.anchor))
    return rendered
