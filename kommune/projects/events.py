"""The events the projects app publishes (kommune.core.events)."""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import cast

from kommune.core.events import Event
from kommune.core.pagecache import register_page_tags
from kommune.projects.models import Project


def project_page_tags(project: Project) -> tuple[str, ...]:
    """The cached pages that show a project: its own page, the list (with the map) and the home page's section."""
    return (f"project:{project.pk}", "projects", "home")


register_page_tags(Project, project_page_tags)


@dataclass(frozen=True)
class ProjectEvent(Event):
    """target: the project."""

    def page_tags(self) -> Iterable[str] | None:
        return project_page_tags(cast(Project, self.target))


@dataclass(frozen=True)
class ProjectCreated(ProjectEvent):
    name = "project.created"
    requires = ("notifications", "search", "opendata_records", "pagecache")


@dataclass(frozen=True)
class ProjectUpdated(ProjectEvent):
    """Its text, costs, funding, milestones or links changed; data: what ("details", "milestone", "funding",
    "link")."""

    name = "project.updated"
    requires = ("search", "opendata_records", "pagecache")


@dataclass(frozen=True)
class ProjectStatusChanged(ProjectEvent):
    """A new step of the status history; data: status, changed_on (ISO date), note. Notifies the followers."""

    name = "project.status_changed"
    requires = ("notifications", "search", "opendata_records", "pagecache")

    def page_tags(self) -> Iterable[str] | None:
        # Shown in many places: the project, the list, the pages of the linked matters (their accountability
        # trail). A status change is rare: every page of the municipality.
        return None
