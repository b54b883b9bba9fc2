"""Writes of the lab workspace. Every function is keyword-only, checks the permission itself, runs in one
transaction and publishes its events after the write.

A change of an item's visibility is written to the lab's audit log (LAB_ITEM_VISIBILITY_CHANGED), whichever way
it is made (the item's form when it is created or edited, the visibility switch, the REST API); so is every deletion
of a task, a note, a document or news (LAB_ITEM_DELETED), with what it was called.

Members edit and delete tasks, meeting notes and documents (``labs.contribute``); the lab's admins and staff edit
and delete its news (``labs.manage``), as they publish it.
"""

from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.translation import gettext as _

from kommune.core.cleaning import clean_text
from kommune.core.events import publish
from kommune.core.linkables import linkable_by_kind
from kommune.core.models import AuditLogEntry, Lab, Municipality
from kommune.core.richtext import render_markdown
from kommune.core.services import log_action
from kommune.core.types import User
from kommune.labs import selectors
from kommune.labs.events import LabNewsChanged, LabNewsDeleted, LabNewsPublished, SubProjectChanged
from kommune.labs.models import (
    Document,
    LabEvent,
    MeetingNote,
    News,
    Responsible,
    SubProject,
    SubProjectLink,
    Task,
    Visibility,
)

MAX_DOCUMENT_SIZE = 20 * 1024 * 1024  # bytes
# The kinds of item whose visibility is chosen one by one (the URL's and the API's names).
ITEM_MODELS: dict[str, type[Model]] = {"subproject": SubProject, "task": Task, "note": MeetingNote,
                                       "document": Document, "news": News, "event": LabEvent}


def _check(actor: Any, permission: str, lab: Lab) -> None:
    if not getattr(actor, "is_authenticated", False) or not actor.has_perm(permission, lab):
        raise PermissionDenied


def _visibility(value: str) -> str:
    if value not in Visibility.values:
        raise ValidationError({"visibility": [_("Please choose whether the item is public or internal to the lab.")]},
                              code="visibility")
    return value


def _text(errors: dict[str, list[str]], name: str, value: Any, *, max_length: int, required: str | None = None) -> str:
    try:
        return clean_text(value, max_length=max_length, required=required)
    except ValidationError as error:
        errors[name] = error.messages
        return ""


def _raise(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationError(errors)


def _lab_municipalities(lab: Lab, municipalities: list[Municipality]) -> list[Municipality]:
    allowed = set(lab.municipalities.values_list("pk", flat=True))
    if not municipalities:
        raise ValidationError({"municipalities": [_("Please choose at least one municipality of the lab.")]})
    if any(m.pk not in allowed for m in municipalities):
        raise ValidationError({"municipalities": [_("Only municipalities of the lab can run its sub-projects.")]})
    return municipalities


def _member(lab: Lab, user: User | None, field: str) -> User | None:
    if user is not None and not selectors.lab_members(lab).filter(pk=user.pk).exists():
        raise ValidationError({field: [_("Only members of the lab can be chosen.")]})
    return user


def _subproject_changed(subproject: SubProject, actor: User) -> None:
    municipality = selectors.home_municipality(subproject.lab, subproject)
    if municipality is not None:  # a lab without municipalities has nowhere to be found or told
        publish(SubProjectChanged(municipality, subproject, actor=actor, scope=subproject.lab))


def _log_deletion(*, lab: Lab, actor: User, kind: str, item: Model) -> None:
    log_action(tenant=lab, actor=actor, action=AuditLogEntry.Action.LAB_ITEM_DELETED, kind=kind, item=item.pk,
               title=str(item))


def _log_visibility(*, lab: Lab, actor: User, kind: str, item: Model, before: str, after: str) -> None:
    if before != after:
        log_action(tenant=lab, actor=actor, action=AuditLogEntry.Action.LAB_ITEM_VISIBILITY_CHANGED, kind=kind,
                   item=item.pk, title=str(item), before=before, after=after)


# --- Sub-projects ------------------------------------------------------------------------------------------------

def _subproject_fields(fields: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    if "title" in fields:
        cleaned["title"] = _text(errors, "title", fields["title"], max_length=200,
                                 required=_("Please give the sub-project a title."))
    if "goal" in fields:
        cleaned["goal"] = _text(errors, "goal", fields["goal"], max_length=2000,
                                required=_("Please describe the goal of the sub-project."))
    if "description" in fields:
        cleaned["description"] = _text(errors, "description", fields["description"], max_length=10000)
    if "state" in fields:
        if fields["state"] not in SubProject.State.values:
            errors["state"] = [_("Please choose the state of the sub-project.")]
        cleaned["state"] = fields["state"]
    if "visibility" in fields:
        try:
            cleaned["visibility"] = _visibility(fields["visibility"])
        except ValidationError as error:
            errors.update(error.message_dict)
    for name in ("starts_on", "ends_on"):
        if name in fields:
            cleaned[name] = fields[name]
    if cleaned.get("starts_on") and cleaned.get("ends_on") and cleaned["ends_on"] < cleaned["starts_on"]:
        errors["ends_on"] = [_("The end lies before the start.")]
    _raise(errors)
    return cleaned


def do_create_subproject(*, lab: Lab, actor: User, title: str, goal: str, municipalities: list[Municipality],
                         description: str = "", state: str = SubProject.State.PLANNED,
                         visibility: str = Visibility.INTERNAL, starts_on: date | None = None,
                         ends_on: date | None = None) -> SubProject:
    _check(actor, "labs.contribute", lab)
    cleaned = _subproject_fields({"title": title, "goal": goal, "description": description, "state": state,
                                  "visibility": visibility, "starts_on": starts_on, "ends_on": ends_on})
    municipalities = _lab_municipalities(lab, list(municipalities))
    with transaction.atomic():
        subproject = SubProject.objects.create(lab=lab, created_by=actor, **cleaned)
        subproject.municipalities.set(municipalities)
        Responsible.objects.create(lab=lab, subproject=subproject, user=actor)
        _subproject_changed(subproject, actor)
    return subproject


def do_update_subproject(*, subproject: SubProject, actor: User, municipalities: list[Municipality] | None = None,
                         **fields: Any) -> SubProject:
    lab = subproject.lab
    _check(actor, "labs.contribute", lab)
    cleaned = _subproject_fields(fields)
    if municipalities is not None:
        municipalities = _lab_municipalities(lab, list(municipalities))
    before = subproject.visibility
    with transaction.atomic():
        for name, value in cleaned.items():
            setattr(subproject, name, value)
        subproject.save()
        if municipalities is not None:
            subproject.municipalities.set(municipalities)
        _log_visibility(lab=lab, actor=actor, kind="subproject", item=subproject, before=before,
                        after=subproject.visibility)
        _subproject_changed(subproject, actor)
    return subproject


def do_add_responsible(*, subproject: SubProject, actor: User, user: User, task: str = "") -> Responsible:
    lab = subproject.lab
    _check(actor, "labs.contribute", lab)
    errors: dict[str, list[str]] = {}
    task = _text(errors, "task", task, max_length=100)
    _raise(errors)
    _member(lab, user, "user")
    try:
        with transaction.atomic():
            return Responsible.objects.create(lab=lab, subproject=subproject, user=user, task=task)
    except IntegrityError:
        raise ValidationError({"user": [_("This person is already responsible for the sub-project.")]}) from None


def do_remove_responsible(*, responsible: Responsible, actor: User) -> None:
    _check(actor, "labs.contribute", responsible.lab)
    responsible.delete()


# --- Tasks, notes, documents ------------------------------------------------------------------------------------

def _task_fields(lab: Lab, *, title: Any, owner: User | None) -> str:
    errors: dict[str, list[str]] = {}
    title = _text(errors, "title", title, max_length=200, required=_("Please name the task."))
    _raise(errors)
    _member(lab, owner, "owner")
    return title


def do_add_task(*, subproject: SubProject, actor: User, title: str, due_on: date | None = None,
                owner: User | None = None, visibility: str = Visibility.INTERNAL) -> Task:
    lab = subproject.lab
    _check(actor, "labs.contribute", lab)
    title = _task_fields(lab, title=title, owner=owner)
    with transaction.atomic():
        return Task.objects.create(lab=lab, subproject=subproject, title=title, due_on=due_on, owner=owner,
                                   visibility=_visibility(visibility))


def do_update_task(*, task: Task, actor: User, title: str, due_on: date | None = None, owner: User | None = None,
                   visibility: str | None = None) -> Task:
    """Change the task's title, due date, owner (a member of the lab, or nobody) and visibility (audited)."""
    lab = task.lab
    _check(actor, "labs.contribute", lab)
    title = _task_fields(lab, title=title, owner=owner)
    after = _visibility(visibility) if visibility is not None else task.visibility
    before = task.visibility
    with transaction.atomic():
        task.title, task.due_on, task.owner, task.visibility = title, due_on, owner, after
        task.save(update_fields=["title", "due_on", "owner", "visibility"])
        _log_visibility(lab=lab, actor=actor, kind="task", item=task, before=before, after=after)
    return task


def do_set_task_done(*, task: Task, actor: User, done: bool) -> Task:
    """Mark the task as done, or reopen a done one."""
    _check(actor, "labs.contribute", task.lab)
    with transaction.atomic():
        task.done_at = timezone.now() if done else None
        task.save(update_fields=["done_at"])
    return task


def do_delete_task(*, task: Task, actor: User) -> None:
    _check(actor, "labs.contribute", task.lab)
    with transaction.atomic():
        _log_deletion(lab=task.lab, actor=actor, kind="task", item=task)
        task.delete()


def _note_fields(*, title: Any, met_on: date | None, text: Any) -> tuple[str, str]:
    errors: dict[str, list[str]] = {}
    title = _text(errors, "title", title, max_length=200, required=_("Please give the notes a title."))
    text = _text(errors, "text", text, max_length=50000, required=_("Please write the notes."))
    if met_on is None:
        errors["met_on"] = [_("Please enter the date of the meeting.")]
    _raise(errors)
    return title, text


def do_add_note(*, subproject: SubProject, actor: User, title: str, met_on: date, text: str,
                visibility: str = Visibility.INTERNAL) -> MeetingNote:
    lab = subproject.lab
    _check(actor, "labs.contribute", lab)
    title, text = _note_fields(title=title, met_on=met_on, text=text)
    with transaction.atomic():
        return MeetingNote.objects.create(lab=lab, subproject=subproject, title=title, met_on=met_on, text=text,
                                          html=render_markdown(text, nofollow=True), author=actor,
                                          visibility=_visibility(visibility))


def do_update_note(*, note: MeetingNote, actor: User, title: str, met_on: date, text: str,
                   visibility: str | None = None) -> MeetingNote:
    """Change the notes (the Markdown is rendered and sanitised again) and their visibility (audited). The
    author stays the one who wrote them."""
    lab = note.lab
    _check(actor, "labs.contribute", lab)
    title, text = _note_fields(title=title, met_on=met_on, text=text)
    after = _visibility(visibility) if visibility is not None else note.visibility
    before = note.visibility
    with transaction.atomic():
        note.title, note.met_on, note.text, note.visibility = title, met_on, text, after
        note.html = render_markdown(text, nofollow=True)
        note.save(update_fields=["title", "met_on", "text", "html", "visibility"])
        _log_visibility(lab=lab, actor=actor, kind="note", item=note, before=before, after=after)
    return note


def do_delete_note(*, note: MeetingNote, actor: User) -> None:
    _check(actor, "labs.contribute", note.lab)
    with transaction.atomic():
        _log_deletion(lab=note.lab, actor=actor, kind="note", item=note)
        note.delete()


def do_add_document(*, subproject: SubProject, actor: User, title: str, file: File,
                    visibility: str = Visibility.INTERNAL) -> Document:
    lab = subproject.lab
    _check(actor, "labs.contribute", lab)
    errors: dict[str, list[str]] = {}
    title = _text(errors, "title", title, max_length=200, required=_("Please give the document a title."))
    if file is None:
        errors["file"] = [_("Please choose a file.")]
    elif file.size is not None and file.size > MAX_DOCUMENT_SIZE:
        errors["file"] = [_("The file is larger than 20 MB.")]
    _raise(errors)
    with transaction.atomic():
        return Document.objects.create(lab=lab, subproject=subproject, title=title, file=file, size=file.size or 0,
                                       uploaded_by=actor, visibility=_visibility(visibility))


def _delete_file_after_commit(field_file: FieldFile) -> None:
    storage, name = field_file.storage, field_file.name
    if name:
        transaction.on_commit(lambda: storage.delete(name), robust=True)


def do_delete_document(*, document: Document, actor: User) -> None:
    """Delete the document; its file goes from the storage after the commit (a failed delete keeps it)."""
    _check(actor, "labs.contribute", document.lab)
    with transaction.atomic():
        _delete_file_after_commit(document.file)
        _log_deletion(lab=document.lab, actor=actor, kind="document", item=document)
        document.delete()


# --- Links to what a sub-project produced ----------------------------------------------------------------------

def do_link(*, subproject: SubProject, actor: User, kind: str, municipality: Municipality,
            object_id: Any) -> SubProjectLink:
    """Link a public process, proposal, dataset, project … of one of the lab's municipalities
    (kommune.core.linkables)."""
    lab = subproject.lab
    _check(actor, "labs.contribute", lab)
    linkable = linkable_by_kind(kind or "")
    if linkable is None:
        raise ValidationError({"kind": [_("Please choose what to link.")]})
    if not lab.municipalities.filter(pk=municipality.pk).exists():
        raise ValidationError({"municipality": [_("Only municipalities of the lab can be chosen.")]})
    text = str(object_id or "").strip()
    target = linkable.queryset(municipality).filter(pk=int(text)).first() if text.isascii() and text.isdigit() \
        and len(text) <= 18 else None
    if target is None:
        raise ValidationError({"object_id": [_("There is no such public object in this municipality.")]})
    try:
        with transaction.atomic():
            link = SubProjectLink.objects.create(lab=lab, subproject=subproject, municipality=municipality,
                                                 content_type=linkable.content_type(), object_id=target.pk)
            _subproject_changed(subproject, actor)
    except IntegrityError:
        raise ValidationError(_("The sub-project is already linked to “%(title)s”.")
                              % {"title": linkable.title(target)}) from None
    return link


def do_unlink(*, link: SubProjectLink, actor: User) -> None:
    _check(actor, "labs.contribute", link.lab)
    with transaction.atomic():
        link.delete()
        _subproject_changed(link.subproject, actor)


def linkable_kinds() -> list[tuple[str, str]]:
    from kommune.core.linkables import linkables

    return [(linkable.kind, str(linkable.label)) for linkable in linkables() if linkable.model is not SubProject]


# --- News and dates ---------------------------------------------------------------------------------------------

def _check_subproject(lab: Lab, subproject: SubProject | None) -> None:
    if subproject is not None and subproject.lab_id != lab.pk:
        raise ValidationError({"subproject": [_("Please choose a sub-project of this lab.")]})


def _news_fields(lab: Lab, *, title: Any, text: Any, subproject: SubProject | None) -> tuple[str, str]:
    errors: dict[str, list[str]] = {}
    title = _text(errors, "title", title, max_length=200, required=_("Please give the news a title."))
    text = _text(errors, "text", text, max_length=20000, required=_("Please write the news."))
    _raise(errors)
    _check_subproject(lab, subproject)
    return title, text


def do_publish_news(*, lab: Lab, actor: User, title: str, text: str, visibility: str = Visibility.PUBLIC,
                    subproject: SubProject | None = None) -> News:
    """Public news is announced to the lab's followers once; internal news only to nobody."""
    _check(actor, "labs.manage", lab)
    title, text = _news_fields(lab, title=title, text=text, subproject=subproject)
    with transaction.atomic():
        news = News.objects.create(lab=lab, subproject=subproject, title=title, text=text,
                                   html=render_markdown(text), visibility=_visibility(visibility), author=actor)
        _after_news_change(news, actor)
    return news


def do_update_news(*, news: News, actor: User, title: str, text: str, visibility: str | None = None,
                   subproject: SubProject | None = None) -> News:
    """Change the news. Its date stays; a change of visibility is audited, and news that becomes public for the
    first time is announced to the lab's followers then (once, as when it is published)."""
    lab = news.lab
    _check(actor, "labs.manage", lab)
    title, text = _news_fields(lab, title=title, text=text, subproject=subproject)
    after = _visibility(visibility) if visibility is not None else news.visibility
    before = news.visibility
    with transaction.atomic():
        news.title, news.text, news.html = title, text, render_markdown(text)
        news.visibility, news.subproject = after, subproject
        news.save(update_fields=["title", "text", "html", "visibility", "subproject"])
        _log_visibility(lab=lab, actor=actor, kind="news", item=news, before=before, after=after)
        _after_news_change(news, actor)
    return news


def do_delete_news(*, news: News, actor: User) -> None:
    """Delete the news: it leaves the search, and its announcement leaves the activity streams."""
    _check(actor, "labs.manage", news.lab)
    with transaction.atomic():
        municipality = selectors.home_municipality(news.lab, news.subproject)
        if municipality is not None:
            publish(LabNewsDeleted(municipality, news, actor=actor, scope=news.lab))
        _log_deletion(lab=news.lab, actor=actor, kind="news", item=news)
        news.delete()


def _after_news_change(news: News, actor: User) -> None:
    municipality = selectors.home_municipality(news.lab, news.subproject)
    if municipality is None:
        return
    publish(LabNewsChanged(municipality, news, actor=actor, scope=news.lab))
    if news.is_public and news.announced_at is None:
        news.announced_at = timezone.now()
        news.save(update_fields=["announced_at"])
        publish(LabNewsPublished(municipality, news, actor=actor, scope=news.lab))


def do_add_event(*, lab: Lab, actor: User, title: str, starts_at: datetime, place: str = "", description: str = "",
                 visibility: str = Visibility.PUBLIC, subproject: SubProject | None = None) -> LabEvent:
    _check(actor, "labs.manage", lab)
    errors: dict[str, list[str]] = {}
    title = _text(errors, "title", title, max_length=200, required=_("Please give the date a title."))
    place = _text(errors, "place", place, max_length=200)
    description = _text(errors, "description", description, max_length=5000)
    if starts_at is None:
        errors["starts_at"] = [_("Please enter when the date begins.")]
    _raise(errors)
    _check_subproject(lab, subproject)
    with transaction.atomic():
        return LabEvent.objects.create(lab=lab, subproject=subproject, title=title, starts_at=starts_at, place=place,
                                       description=description, visibility=_visibility(visibility))


# --- Visibility, one item at a time ------------------------------------------------------------------------------

def do_set_visibility(*, item: Model, actor: User, visibility: str) -> Model:
    """Make a sub-project, task, note, document, news or date public or internal to the lab (audited)."""
    kind = next((name for name, model in ITEM_MODELS.items() if isinstance(item, model)), None)
    if kind is None:
        raise ValueError(f"{type(item).__name__} has no visibility of its own.")
    lab: Lab = item.lab  # type: ignore[attr-defined]
    _check(actor, "labs.manage" if kind in ("news", "event") else "labs.contribute", lab)
    visibility = _visibility(visibility)
    before = item.visibility  # type: ignore[attr-defined]
    with transaction.atomic():
        item.visibility = visibility  # type: ignore[attr-defined]
        item.save(update_fields=["visibility"])
        _log_visibility(lab=lab, actor=actor, kind=kind, item=item, before=before, after=visibility)
        if isinstance(item, SubProject):
            _subproject_changed(item, actor)
        elif isinstance(item, News):
            _after_news_change(item, actor)
    return item
