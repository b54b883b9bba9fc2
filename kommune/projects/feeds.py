"""Atom feeds of the status changes of a municipality's projects, and of one project.

Like kommune/proposals/feeds.py: the feed class is wrapped in a function view that declares its access; titles
and summaries are plain text (the public note), written by kommune.core.feeds without control characters.
"""

from datetime import datetime, time
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from kommune.core.access import get_for_tenant, municipality_view
from kommune.core.feeds import AtomFeed
from kommune.core.models import Municipality
from kommune.projects import selectors
from kommune.projects.models import Project, StatusChange


def _tag(change: StatusChange) -> str:
    """A stable Atom id (RFC 4151 tag URI) that survives a change of the page address."""
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"tag:{host},{change.created_at:%Y-%m-%d}:project-status/{change.pk}"


class StatusChangesFeed(AtomFeed):
    """The newest status changes of the municipality's projects, or of one project (``project``)."""

    def get_object(self, request: HttpRequest, municipality: Municipality,
                   project: Project | None = None) -> tuple[Municipality, Project | None]:
        return municipality, project

    def title(self, obj: tuple[Municipality, Project | None]) -> str:
        municipality, project = obj
        if project is not None:
            return _("Project “%(title)s”: status changes") % {"title": project.title}
        return _("Municipal projects in %(name)s: status changes") % {"name": municipality.name}

    def subtitle(self, obj: tuple[Municipality, Project | None]) -> str:
        return _("Each change of a project's status, with the municipality's note.")

    def link(self, obj: tuple[Municipality, Project | None]) -> str:
        municipality, project = obj
        if project is not None:
            return project.get_absolute_url()
        return reverse("projects:list", kwargs={"municipality_slug": municipality.slug})

    def author_name(self, obj: tuple[Municipality, Project | None]) -> str:
        return obj[0].name

    def items(self, obj: tuple[Municipality, Project | None]) -> list[StatusChange]:
        municipality, project = obj
        return selectors.feed_changes(municipality, project=project)

    def item_title(self, change: StatusChange) -> str:
        return _("%(project)s: %(status)s") % {"project": change.project.title,
                                               "status": capfirst(change.get_status_display())}

    def item_description(self, change: StatusChange) -> str:
        return change.note or _("Status since %(date)s: %(status)s.") % {
            "date": change.changed_on.strftime("%d.%m.%Y"), "status": change.get_status_display()}

    def item_link(self, change: StatusChange) -> str:
        return change.project.get_absolute_url() + f"#status-{change.pk}"

    def item_pubdate(self, change: StatusChange) -> datetime:
        return timezone.make_aware(datetime.combine(change.changed_on, time(12)))

    def item_updateddate(self, change: StatusChange) -> datetime:
        return change.created_at

    def item_categories(self, change: StatusChange) -> list[str]:
        return [str(capfirst(change.get_status_display()))]

    def item_guid(self, change: StatusChange) -> str:
        return _tag(change)


@municipality_view()
def status_feed(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    return StatusChangesFeed()(request, municipality=municipality)


@municipality_view()
def project_feed(request: HttpRequest, municipality: Municipality, project_id: int) -> HttpResponse:
    project = get_for_tenant(selectors.projects_of(municipality), municipality, pk=project_id)
    return StatusChangesFeed()(request, municipality=municipality, project=project)
