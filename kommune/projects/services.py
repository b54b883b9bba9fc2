"""Writes of the Vorhabenliste. Every function checks the staff permission itself, runs in one transaction and
publishes an event (kommune/projects/events.py); a refused call changes nothing."""

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from kommune.core.cleaning import clean_text
from kommune.core.events import publish
from kommune.core.linkables import linkable_by_kind, linkable_for
from kommune.core.models import Municipality
from kommune.core.richtext import render_markdown
from kommune.core.types import User
from kommune.projects.events import ProjectCreated, ProjectStatusChanged, ProjectUpdated
from kommune.projects.models import MAX_AMOUNT, Funding, Milestone, Project, ProjectLink, Status, StatusChange

MANAGE_PERMISSION = "projects.manage"
# The fields of a project that staff write with do_create_project and do_update_project.
TEXT_FIELDS = {"title": 200, "summary": 300, "description": 20_000, "department": 200, "area": 200,
               "location_name": 200}
AMOUNT_FIELDS = ("estimated_costs", "actual_costs")
PROJECT_FIELDS = (*TEXT_FIELDS, "latitude", "longitude", *AMOUNT_FIELDS)


def _check_manage(actor: Any, municipality: Municipality) -> None:
    if not actor.has_perm(MANAGE_PERMISSION, municipality):
        raise PermissionDenied


def clean_amount(value: Any, *, required: bool = False) -> Decimal | None:
    """An amount in euro with at most two decimals, from 0 to MAX_AMOUNT; None for an empty optional one."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise ValidationError(_("Please enter the amount in euro."), code="required")
        return None
    try:
        amount = Decimal(str(value).strip().replace(" ", ""))
    except (InvalidOperation, ValueError) as error:
        raise ValidationError(_("Please enter the amount in euro as a number, for example 125000.50."),
                              code="invalid") from error
    if not amount.is_finite() or amount < 0 or amount > MAX_AMOUNT:
        raise ValidationError(_("Please enter an amount from 0 to %(max)s euro.") % {"max": f"{MAX_AMOUNT:,}"},
                              code="range")
    if amount != amount.quantize(Decimal("0.01")):
        raise ValidationError(_("Please enter the amount in euro with at most two decimals."), code="decimals")
    return amount.quantize(Decimal("0.01"))


def _clean_coordinate(value: Any, limit: int) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError) as error:
        raise ValidationError(_("Please enter the coordinate as a number."), code="invalid") from error
    if not number.is_finite() or abs(number) > limit:
        raise ValidationError(_("Please enter a coordinate from -%(limit)d to %(limit)d.") % {"limit": limit},
                              code="range")
    return number.quantize(Decimal("0.000001"))


def _clean_date(value: Any, *, required: str | None = None, not_after_today: bool = False) -> date | None:
    if value in (None, ""):
        if required:
            raise ValidationError(required, code="required")
        return None
    if not isinstance(value, date):
        try:
            value = date.fromisoformat(str(value))
        except ValueError as error:
            raise ValidationError(_("Please enter the date as DD.MM.YYYY."), code="invalid") from error
    if not 1900 <= value.year <= 2200:
        raise ValidationError(_("Please enter a date between 1900 and 2200."), code="range")
    if not_after_today and value > timezone.localdate():
        raise ValidationError(_("This date lies in the future. Please enter the day it happened."), code="future")
    return value


def _clean_fields(data: dict[str, Any], *, creating: bool) -> dict[str, Any]:
    """The project fields present in ``data``, cleaned; every problem at once as a ValidationError by field."""
    cleaned: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    unknown = set(data) - set(PROJECT_FIELDS)
    if unknown:
        raise TypeError(f"Unknown project fields: {sorted(unknown)}")
    for name, value in data.items():
        try:
            if name in TEXT_FIELDS:
                cleaned[name] = clean_text(value, max_length=TEXT_FIELDS[name],
                                           required=_("Please give the project a title.") if name == "title"
                                           else None)
            elif name in AMOUNT_FIELDS:
                cleaned[name] = clean_amount(value)
            elif name == "latitude":
                cleaned[name] = _clean_coordinate(value, 90)
            elif name == "longitude":
                cleaned[name] = _clean_coordinate(value, 180)
        except ValidationError as error:
            errors[name] = error.messages
    if creating and "title" not in data:
        errors["title"] = [_("Please give the project a title.")]
    if not errors and ("latitude" in cleaned) != ("longitude" in cleaned):
        errors["latitude"] = [_("Please give both latitude and longitude, or neither.")]
    if not errors and "latitude" in cleaned and (cleaned["latitude"] is None) != (cleaned["longitude"] is None):
        errors["latitude"] = [_("Please give both latitude and longitude, or neither.")]
    if errors:
        raise ValidationError(errors)
    return cleaned


# --- Projects ---------------------------------------------------------------------------------------------------


def do_create_project(*, municipality: Municipality, actor: User, status: str = Status.IDEA,
                      status_changed_on: date | None = None, status_note: str = "", **fields: Any) -> Project:
    """A new project with the first step of its status history (``status`` since ``status_changed_on``)."""
    _check_manage(actor, municipality)
    cleaned = _clean_fields(fields, creating=True)
    errors: dict[str, list[str]] = {}
    if status not in Status.values:
        errors["status"] = [_("Please choose a status.")]
    try:
        changed_on = _clean_date(status_changed_on, not_after_today=True) or timezone.localdate()
    except ValidationError as error:
        errors["status_changed_on"] = error.messages
    try:
        note = clean_text(status_note, max_length=2000)
    except ValidationError as error:
        errors["status_note"] = error.messages
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        project = Project.objects.create(
            municipality=municipality, created_by=actor, status=status, status_changed_on=changed_on,
            description_html=render_markdown(cleaned.get("description", "")), **cleaned)
        StatusChange.objects.create(municipality=municipality, project=project, status=status, changed_on=changed_on,
                                    note=note, created_by=actor)
        publish(ProjectCreated(municipality, project, actor=actor))
    return project


def do_update_project(*, project: Project, actor: User, **fields: Any) -> Project:
    """Change the fields given (not the status: do_change_status keeps its history)."""
    municipality = project.municipality
    _check_manage(actor, municipality)
    cleaned = _clean_fields(fields, creating=False)
    if "latitude" in cleaned and "longitude" not in cleaned:
        raise ValidationError({"longitude": [_("Please give both latitude and longitude, or neither.")]})
    if not cleaned:
        return project
    with transaction.atomic():
        for name, value in cleaned.items():
            setattr(project, name, value)
        update = [*cleaned, "updated_at"]
        if "description" in cleaned:
            project.description_html = render_markdown(cleaned["description"])
            update.append("description_html")
        project.save(update_fields=update)
        publish(ProjectUpdated(municipality, project, actor=actor, data={"what": "details"}))
    return project


def do_change_status(*, project: Project, actor: User, status: str, changed_on: date | None = None,
                     note: str = "") -> StatusChange:
    """A new step of the status history, dated ``changed_on`` (today by default; not in the future and not before
    the current step), with a public note. The project's followers are notified."""
    municipality = project.municipality
    _check_manage(actor, municipality)
    errors: dict[str, list[str]] = {}
    if status not in Status.values:
        errors["status"] = [_("Please choose a status.")]
    try:
        day = _clean_date(changed_on, not_after_today=True) or timezone.localdate()
    except ValidationError as error:
        errors["changed_on"] = error.messages
    try:
        note = clean_text(note, max_length=2000)
    except ValidationError as error:
        errors["note"] = error.messages
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = Project.objects.select_for_update().get(pk=project.pk)
        if locked.status == status:
            raise ValidationError({"status": [_("The project already has this status. Please choose another.")]},
                                  code="same")
        if day < locked.status_changed_on:
            raise ValidationError({"changed_on": [
                _("The current status holds since %(date)s. A new status cannot be dated earlier.")
                % {"date": locked.status_changed_on.strftime("%d.%m.%Y")}]}, code="earlier")
        change = StatusChange.objects.create(municipality=municipality, project=locked, status=status,
                                             changed_on=day, note=note, created_by=actor)
        locked.status, locked.status_changed_on = status, day
        locked.save(update_fields=["status", "status_changed_on", "updated_at"])
        project.status, project.status_changed_on = status, day
        publish(ProjectStatusChanged(municipality, locked, actor=actor,
                                     data={"status": status, "changed_on": day.isoformat(), "note": note,
                                           "status_change": change.pk}))
    return change


# --- Milestones and funding -------------------------------------------------------------------------------------


def do_save_milestone(*, project: Project, actor: User, title: str, planned_on: date | None = None,
                      reached_on: date | None = None, note: str = "", milestone: Milestone | None = None) -> Milestone:
    """Add a milestone to the timeline, or change ``milestone``; it needs a planned date or the day it was
    reached (not in the future)."""
    municipality = project.municipality
    _check_manage(actor, municipality)
    if milestone is not None and milestone.project_id != project.pk:
        raise PermissionDenied
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    for name, clean in (("title", lambda: clean_text(title, max_length=200,
                                                     required=_("Please name the milestone."))),
                        ("note", lambda: clean_text(note, max_length=500)),
                        ("planned_on", lambda: _clean_date(planned_on)),
                        ("reached_on", lambda: _clean_date(reached_on, not_after_today=True))):
        try:
            cleaned[name] = clean()
        except ValidationError as error:
            errors[name] = error.messages
    if not errors and cleaned["planned_on"] is None and cleaned["reached_on"] is None:
        errors["planned_on"] = [_("Please enter the planned date, or the day the milestone was reached.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        if milestone is None:
            milestone = Milestone.objects.create(municipality=municipality, project=project, **cleaned)
        else:
            for name, value in cleaned.items():
                setattr(milestone, name, value)
            milestone.save(update_fields=list(cleaned))
        Project.objects.filter(pk=project.pk).update(updated_at=timezone.now())
        publish(ProjectUpdated(municipality, project, actor=actor, data={"what": "milestone"}))
    return milestone


def do_delete_milestone(*, milestone: Milestone, actor: User) -> None:
    project = milestone.project
    _check_manage(actor, project.municipality)
    with transaction.atomic():
        milestone.delete()
        publish(ProjectUpdated(project.municipality, project, actor=actor, data={"what": "milestone"}))


def do_add_funding(*, project: Project, actor: User, source: str, amount: Any, note: str = "") -> Funding:
    municipality = project.municipality
    _check_manage(actor, municipality)
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    for name, clean in (("source", lambda: clean_text(source, max_length=200,
                                                      required=_("Please name the funding source."))),
                        ("amount", lambda: clean_amount(amount, required=True)),
                        ("note", lambda: clean_text(note, max_length=300))):
        try:
            cleaned[name] = clean()
        except ValidationError as error:
            errors[name] = error.messages
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        funding = Funding.objects.create(municipality=municipality, project=project, **cleaned)
        publish(ProjectUpdated(municipality, project, actor=actor, data={"what": "funding"}))
    return funding


def do_remove_funding(*, funding: Funding, actor: User) -> None:
    project = funding.project
    _check_manage(actor, project.municipality)
    with transaction.atomic():
        funding.delete()
        publish(ProjectUpdated(project.municipality, project, actor=actor, data={"what": "funding"}))


# --- Links to processes, proposals and council papers ------------------------------------------------------------


def link_target(project: Project, kind: str, object_id: Any) -> Model:
    """The object of kind ``kind`` (kommune.core.linkables) with this id that the project may link to: public and
    of the project's municipality; a ValidationError otherwise."""
    linkable = linkable_by_kind(kind or "")
    if linkable is None:
        raise ValidationError({"kind": [_("Please choose what to link: a participation process, a citizen "
                                          "proposal or a council paper.")]}, code="kind")
    text = str(object_id or "").strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 18:
        raise ValidationError({"object_id": [_("Please choose the object to link.")]}, code="object")
    target = linkable.queryset(project.municipality).filter(pk=int(text)).first()
    if target is None:
        raise ValidationError({"object_id": [_("There is no such object in this municipality that can be linked. "
                                               "Only published objects of the same municipality can be linked.")]},
                              code="object")
    return target


def do_link(*, project: Project, actor: User, kind: str, object_id: Any) -> ProjectLink:
    """Link the project to a process, proposal or council paper of its municipality (once)."""
    municipality = project.municipality
    _check_manage(actor, municipality)
    target = link_target(project, kind, object_id)
    linkable = linkable_for(target)
    assert linkable is not None
    try:
        with transaction.atomic():
            link = ProjectLink.objects.create(municipality=municipality, project=project,
                                              content_type=linkable.content_type(), object_id=target.pk,
                                              created_by=actor)
            publish(ProjectUpdated(municipality, project, actor=actor, data={"what": "link"}))
    except IntegrityError as error:
        raise ValidationError(_("The project is already linked to “%(title)s”.") % {"title": linkable.title(target)},
                              code="duplicate") from error
    return link


def do_unlink(*, link: ProjectLink, actor: User) -> None:
    project = link.project
    _check_manage(actor, project.municipality)
    with transaction.atomic():
        link.delete()
        publish(ProjectUpdated(project.municipality, project, actor=actor, data={"what": "link"}))
