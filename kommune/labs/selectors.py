"""Reads of the lab workspace that the pages, the feed, the REST API, the search and the open data share.

Every read takes ``member``: whether the reader is a member of the lab (``labs.view_internal``). Non-members get
the public items only (``public_q`` of each model); a lab-internal item, or any item of an internal sub-project,
is to them as if it did not exist (404 on its page).
"""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone

from kommune.core.linkables import linkable_for
from kommune.core.models import Lab, Membership, Municipality, Role
from kommune.core.types import User
from kommune.labs.models import Document, LabEvent, MeetingNote, News, Responsible, SubProject, SubProjectLink, Task

LAB_MEMBER_ROLES = (Role.ADMIN, Role.STAFF, Role.MODERATOR, Role.PARTNER)
TIMELINE_LENGTH = 30
NEWS_ON_HOME = 5


def is_member(user, lab: Lab) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.has_perm("labs.view_internal", lab)


def _visible[M: Model](queryset: QuerySet[M], member: bool) -> QuerySet[M]:
    return queryset if member else queryset.filter(queryset.model.public_q())  # type: ignore[attr-defined]


def subprojects(lab: Lab, *, member: bool) -> QuerySet[SubProject]:
    # The lab comes along: each sub-project's address names it.
    return _visible(SubProject.objects.filter(lab=lab), member).select_related("lab").prefetch_related(
        Prefetch("municipalities", queryset=Municipality.objects.order_by("name")))


def subproject_or_404(lab: Lab, subproject_id: int, *, member: bool) -> SubProject:
    found = subprojects(lab, member=member).filter(pk=subproject_id).first()
    if found is None:
        raise Http404
    return found


def tasks(subproject: SubProject, *, member: bool) -> QuerySet[Task]:
    return _visible(Task.objects.filter(lab=subproject.lab_id, subproject=subproject), member).select_related("owner")


def notes(subproject: SubProject, *, member: bool) -> QuerySet[MeetingNote]:
    return _visible(MeetingNote.objects.filter(lab=subproject.lab_id, subproject=subproject), member).select_related(
        "lab")


def documents(subproject: SubProject, *, member: bool) -> QuerySet[Document]:
    return _visible(Document.objects.filter(lab=subproject.lab_id, subproject=subproject), member).select_related(
        "lab")


def item_or_404[M: Model](queryset: QuerySet[M], subproject: SubProject, item_id: int) -> M:
    found = queryset.filter(subproject=subproject, pk=item_id).first()
    if found is None:
        raise Http404
    return found


def news(lab: Lab, *, member: bool) -> QuerySet[News]:
    return _visible(News.objects.filter(lab=lab), member).select_related("lab", "subproject")


def public_news(lab: Lab) -> QuerySet[News]:
    """What the feed shows: public news, for everyone alike."""
    return news(lab, member=False)


def news_or_404(lab: Lab, news_id: int, *, member: bool) -> News:
    found = news(lab, member=member).filter(pk=news_id).first()
    if found is None:
        raise Http404
    return found


def lab_events(lab: Lab, *, member: bool) -> QuerySet[LabEvent]:
    return _visible(LabEvent.objects.filter(lab=lab), member).select_related("subproject")


def upcoming_events(lab: Lab, *, member: bool) -> QuerySet[LabEvent]:
    return lab_events(lab, member=member).filter(starts_at__gte=timezone.now())


@dataclass(frozen=True)
class ResponsiblePerson:
    name: str
    organisation: str
    task: str


def responsible_people(subproject: SubProject) -> list[ResponsiblePerson]:
    """The responsible people with the organisation of their lab role (or their role). Two queries."""
    rows = list(Responsible.objects.filter(lab=subproject.lab_id, subproject=subproject).select_related("user")
                .order_by("user__display_name", "pk"))
    memberships: dict[int, Membership] = {}
    for membership in Membership.objects.filter(lab=subproject.lab_id, user__in=[r.user_id for r in rows]) \
            .select_related("organisation").order_by("pk"):
        if membership.organisation_id or membership.user_id not in memberships:
            memberships[membership.user_id] = membership
    people = []
    for row in rows:
        role = memberships.get(row.user_id)
        organisation = ""
        if role is not None:
            organisation = role.organisation.name if role.organisation else str(role.get_role_display())
        people.append(ResponsiblePerson(row.user.display_name, organisation, row.task))
    return people


def lab_members(lab: Lab) -> QuerySet[User]:
    """The people with a role in the lab: who may be responsible for a sub-project or own a task."""
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(memberships__lab=lab, memberships__role__in=LAB_MEMBER_ROLES,
                                           is_active=True).distinct().order_by("display_name", "pk")


@dataclass(frozen=True)
class ShownLink:
    pk: int
    kind_label: str
    title: str
    url: str
    municipality: str


def links(subproject: SubProject) -> list[ShownLink]:
    """The links whose target is still public in its municipality; one query per kind of target."""
    rows = list(SubProjectLink.objects.filter(lab=subproject.lab_id, subproject=subproject)
                .select_related("municipality").order_by("pk"))
    by_type: dict[int, list[SubProjectLink]] = {}
    for row in rows:
        by_type.setdefault(row.content_type_id, []).append(row)
    shown = []
    for content_type_id, group in by_type.items():
        model = ContentType.objects.get_for_id(content_type_id).model_class()
        linkable = linkable_for(model) if model is not None else None
        if linkable is None:
            continue
        targets: dict[int, Any] = {}
        for municipality in {row.municipality for row in group}:
            ids = [row.object_id for row in group if row.municipality_id == municipality.pk]
            targets |= {obj.pk: obj for obj in linkable.queryset(municipality).filter(pk__in=ids)}
        for row in group:
            target = targets.get(row.object_id)
            if target is not None:
                shown.append(ShownLink(row.pk, str(linkable.label), linkable.title(target), linkable.url(target),
                                       row.municipality.name))
    return sorted(shown, key=lambda link: link.pk)


@dataclass(frozen=True)
class TimelineEntry:
    day: date
    kind: str  # "start", "end", "news", "event", "note"
    title: str
    url: str
    is_public: bool


def _day(moment: datetime) -> date:
    return timezone.localdate(moment)


def timeline(lab: Lab, *, member: bool) -> list[TimelineEntry]:
    """What happened and happens in the lab, newest first: sub-projects started and ended, news, dates and (for
    members) meeting notes. A constant number of queries."""
    entries: list[TimelineEntry] = []
    for sp in subprojects(lab, member=member).order_by():
        url = sp.get_absolute_url()
        if sp.starts_on:
            entries.append(TimelineEntry(sp.starts_on, "start", sp.title, url, sp.is_public))
        if sp.ends_on and sp.state == SubProject.State.COMPLETED:
            entries.append(TimelineEntry(sp.ends_on, "end", sp.title, url, sp.is_public))
    for item in news(lab, member=member).order_by("-published_at")[:TIMELINE_LENGTH]:
        entries.append(TimelineEntry(_day(item.published_at), "news", item.title, item.get_absolute_url(),
                                     item.is_public))
    for event in lab_events(lab, member=member).order_by("-starts_at")[:TIMELINE_LENGTH]:
        entries.append(TimelineEntry(_day(event.starts_at), "event", event.title, "", event.is_public))
    for note in _visible(MeetingNote.objects.filter(lab=lab), member).select_related("subproject", "lab") \
            .order_by("-met_on")[:TIMELINE_LENGTH]:
        entries.append(TimelineEntry(note.met_on, "note", note.title, note.get_absolute_url(), note.is_public))
    entries.sort(key=lambda entry: entry.day, reverse=True)
    return entries[:TIMELINE_LENGTH]


def home_municipality(lab: Lab, subproject: SubProject | None = None) -> Municipality | None:
    """Where a lab's item is indexed and its events are told: the first municipality (by name) that runs the
    sub-project, else the lab's first."""
    if subproject is not None and subproject.pk:
        first = subproject.municipalities.order_by("name", "pk").first()
        if first is not None:
            return first
    return lab.municipalities.order_by("name", "pk").first()


def public_subprojects_of(municipality: Municipality) -> QuerySet[SubProject]:
    """The public sub-projects a municipality runs (with others), for the open data and the links."""
    return SubProject.objects.filter(SubProject.public_q(), municipalities=municipality).select_related("lab")
