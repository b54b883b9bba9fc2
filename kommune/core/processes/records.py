"""The participation processes and their phases as open-data record sets (kommune.core.records).

Only published processes appear. Organisers are organisations or the municipality, never persons, so the
records hold no personal data; who created a process is left out.
"""

from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kommune.core.comments.events import CommentHidden, CommentPosted, CommentUnhidden
from kommune.core.comments.models import Thread
from kommune.core.models import Municipality
from kommune.core.processes.events import ProcessPublished, ProcessUnpublished, ProcessUpdated
from kommune.core.processes.models import Phase, Process
from kommune.core.processes.selectors import published_processes
from kommune.core.records import Column, register_record_set

# Publishing, changing (also its phases) or withdrawing a process; comments move its comment count.
PROCESS_EVENTS = (ProcessPublished, ProcessUpdated, ProcessUnpublished)
COMMENT_EVENTS = (CommentPosted, CommentHidden, CommentUnhidden)  # the comment counts

PROCESS_COLUMNS = (
    Column("id", "integer", _("Number of the process on the platform."), required=True),
    Column("title", "string", _("Title of the process."), required=True),
    Column("summary", "string", _("Short summary of the process."), required=True),
    Column("description", "string", _("Description of the process in Markdown.")),
    Column("url", "string", _("Address of the process's page."), required=True),
    Column("organiser", "string", _("The municipality or organisation that runs the process."), required=True),
    Column("topic", "string", _("Topic of the process.")),
    Column("area", "string", _("The part of the municipality concerned, for example a district.")),
    Column("starts_at", "datetime", _("Start of the first phase (UTC).")),
    Column("ends_at", "datetime", _("End of the last phase (UTC).")),
    Column("published_at", "datetime", _("When the process was first published (UTC).")),
    Column("comment_count", "integer", _("Number of visible comments and replies on the process."), required=True),
)

PHASE_COLUMNS = (
    Column("id", "integer", _("Number of the phase on the platform."), required=True),
    Column("process_id", "integer", _("Number of the process (column id of the processes)."), required=True),
    Column("kind", "string",
           _("Kind of the phase: information, dialogue, evaluation, implementation or other."), required=True),
    Column("title", "string", _("Title of the phase (the kind when the phase has no own title)."), required=True),
    Column("description", "string", _("Description of the phase.")),
    Column("starts_at", "datetime", _("Start of the phase (UTC)."), required=True),
    Column("ends_at", "datetime", _("End of the phase (UTC)."), required=True),
    Column("features", "string",
           _("What people can do during the phase, comma-separated (for example comments)."))
)


def _absolute(path: str) -> str:
    return settings.SITE_URL + path


def process_rows(municipality: Municipality) -> Iterator[dict[str, Any]]:
    comment_count = Subquery(Thread.objects.filter(
        content_type=ContentType.objects.get_for_model(Process), object_id=OuterRef("pk")).values("comment_count")[:1])
    processes = (published_processes(municipality)
                 .annotate(comments=Coalesce(comment_count, Value(0), output_field=IntegerField()))
                 .order_by("id")
                 .values("id", "title", "slug", "summary", "description", "organisation__name", "topic__name", "area",
                         "starts_at", "ends_at", "published_at", "comments"))
    for process in processes.iterator(chunk_size=2000):
        yield {
            "id": process["id"],
            "title": process["title"],
            "summary": process["summary"],
            "description": process["description"] or None,
            "url": _absolute(reverse("processes:detail", kwargs={"municipality_slug": municipality.slug,
                                                                  "process_slug": process["slug"]})),
            "organiser": process["organisation__name"] or municipality.name,
            "topic": process["topic__name"],
            "area": process["area"] or None,
            "starts_at": process["starts_at"],
            "ends_at": process["ends_at"],
            "published_at": process["published_at"],
            "comment_count": process["comments"],
        }


def phase_rows(municipality: Municipality) -> Iterator[dict[str, Any]]:
    phases = (Phase.objects.filter(process__in=published_processes(municipality).values("pk"))
              .order_by("process_id", "starts_at", "id")
              .values("id", "process_id", "kind", "title", "description", "starts_at", "ends_at", "features"))
    kinds = dict(Phase.Kind.choices)
    for phase in phases.iterator(chunk_size=2000):
        yield {
            "id": phase["id"],
            "process_id": phase["process_id"],
            "kind": phase["kind"],
            "title": phase["title"] or str(kinds.get(phase["kind"], phase["kind"])),
            "description": phase["description"] or None,
            "starts_at": phase["starts_at"],
            "ends_at": phase["ends_at"],
            "features": ",".join(phase["features"] or []) or None,
        }


def register() -> None:
    register_record_set(
        key="processes", title=_("Participation processes"),
        description=_("The published participation processes of the municipality with their organiser, topic, "
                      "time span and number of comments."),
        columns=PROCESS_COLUMNS, rows=process_rows, changed_by=PROCESS_EVENTS + COMMENT_EVENTS,
        themes=("GOVE",), keywords=("Bürgerbeteiligung", "Beteiligungsverfahren", "Open Government"))
    register_record_set(
        key="process_phases", title=_("Phases of the participation processes"),
        description=_("The dated phases of the published participation processes: information, dialogue, "
                      "evaluation, implementation. Column process_id refers to the record set of the processes."),
        columns=PHASE_COLUMNS, rows=phase_rows, changed_by=PROCESS_EVENTS,
        themes=("GOVE",), keywords=("Bürgerbeteiligung", "Beteiligungsverfahren", "Phasen"))
