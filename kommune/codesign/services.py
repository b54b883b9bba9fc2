"""Writes of the co-design: describing a service and its steps, rating steps (online and assisted), grouping the
feedback into themes and publishing changes. Every write checks its permission, runs in one transaction and
publishes its event."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from kommune.codesign.events import ChangePublished, ServicePublished, ServiceSaved, StepRated
from kommune.codesign.models import Change, Channel, Rating, Service, Step, Theme, leika_key_validator
from kommune.core.cleaning import clean_text
from kommune.core.events import publish
from kommune.core.models import AuditLogEntry, Municipality
from kommune.core.processes.features import is_feature_open
from kommune.core.processes.models import Process
from kommune.core.services import log_action
from kommune.core.types import User

FEATURE = "codesign"
MANAGE_PERMISSION = "codesign.manage"
MAX_STEPS = 30
# The audit action for ratings staff entered for a resident. The core has no action of its own for them yet
# (CODESIGN_RATING_ENTERED_ASSISTED is missing); the closest is the one for entering a paper questionnaire.
ASSISTED_RATING_ACTION = AuditLogEntry.Action.CODESIGN_RATING_ENTERED_ASSISTED
CHANGE_ACTION = AuditLogEntry.Action.CODESIGN_CHANGE_PUBLISHED


def _check_manage(actor: User, municipality: Municipality) -> None:
    if not actor.has_perm(MANAGE_PERMISSION, municipality):
        raise PermissionDenied


# --- Services and steps -----------------------------------------------------------------------------------------


def clean_leika_key(value: str) -> str:
    value = "".join((value or "").split())
    if value:
        leika_key_validator(value)
    return value


@dataclass(frozen=True)
class ServiceInput:
    title: str
    leika_key: str = ""
    department: str = ""
    description: str = ""
    accepts_ratings: bool = True
    process: Process | None = None


def _clean_service(municipality: Municipality, values: ServiceInput) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    checks = {
        "title": lambda: clean_text(values.title, max_length=200, required=_("Please name the service.")),
        "leika_key": lambda: clean_leika_key(values.leika_key),
        "department": lambda: clean_text(values.department, max_length=200),
        "description": lambda: clean_text(values.description, max_length=5000),
    }
    for name, check in checks.items():
        try:
            cleaned[name] = check()
        except ValidationError as error:
            errors[name] = error.messages
    if values.process is not None and values.process.municipality_id != municipality.pk:
        errors["process"] = [_("The process belongs to another municipality.")]
    if errors:
        raise ValidationError(errors)
    return {**cleaned, "accepts_ratings": values.accepts_ratings, "process": values.process}


def do_create_service(*, municipality: Municipality, actor: User, values: ServiceInput) -> Service:
    _check_manage(actor, municipality)
    cleaned = _clean_service(municipality, values)
    with transaction.atomic():
        service = Service.objects.create(municipality=municipality, **cleaned)
        publish(ServiceSaved(municipality, service, actor=actor, scope=service.process, data={"what": "created"}))
    return service


def do_update_service(*, service: Service, actor: User, values: ServiceInput) -> Service:
    _check_manage(actor, service.municipality)
    cleaned = _clean_service(service.municipality, values)
    with transaction.atomic():
        for name, value in cleaned.items():
            setattr(service, name, value)
        service.save()
        publish(ServiceSaved(service.municipality, service, actor=actor, scope=service.process,
                             data={"what": "updated"}))
    return service


def do_publish_service(*, service: Service, actor: User) -> Service:
    _check_manage(actor, service.municipality)
    if not service.steps.exists():
        raise ValidationError(_("Please describe at least one step before publishing the service."))
    with transaction.atomic():
        updated = Service.objects.filter(pk=service.pk, is_published=False).update(
            is_published=True, published_at=timezone.now())
        if not updated:
            raise ValidationError(_("The service is already published."))
        service.refresh_from_db()
        publish(ServicePublished(service.municipality, service, actor=actor, scope=service.process))
    return service


@dataclass(frozen=True)
class StepInput:
    title: str
    description: str = ""
    channel: str = Channel.ONLINE
    position: int | None = None  # None: at the end


def _clean_step(values: StepInput) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    try:
        cleaned["title"] = clean_text(values.title, max_length=200, required=_("Please give the step a title."))
    except ValidationError as error:
        errors["title"] = error.messages
    try:
        cleaned["description"] = clean_text(values.description, max_length=3000)
    except ValidationError as error:
        errors["description"] = error.messages
    if values.channel not in Channel.values:
        errors["channel"] = [_("Please choose how the step is done: online, at the counter, by letter or by "
                               "phone.")]
    if values.position is not None and not 1 <= values.position <= MAX_STEPS:
        errors["position"] = [_("The position lies between 1 and %(max)d.") % {"max": MAX_STEPS}]
    if errors:
        raise ValidationError(errors)
    return {**cleaned, "channel": values.channel}


def _renumber(service: Service, moved: Step | None = None, position: int | None = None) -> None:
    """Positions 1, 2, 3 … in order; ``moved`` goes to ``position``."""
    steps = [step for step in service.steps.order_by("position", "id") if moved is None or step.pk != moved.pk]
    if moved is not None:
        index = len(steps) if position is None else max(0, min(position - 1, len(steps)))
        steps.insert(index, moved)
    for number, step in enumerate(steps, start=1):
        if step.position != number:
            Step.objects.filter(pk=step.pk).update(position=number)
            step.position = number


def do_add_step(*, service: Service, actor: User, values: StepInput) -> Step:
    _check_manage(actor, service.municipality)
    cleaned = _clean_step(values)
    with transaction.atomic():
        locked = Service.objects.select_for_update().get(pk=service.pk)
        if locked.steps.count() >= MAX_STEPS:
            raise ValidationError(_("A service has at most %(max)d steps.") % {"max": MAX_STEPS})
        step = Step.objects.create(municipality=service.municipality, service=locked, position=MAX_STEPS + 1,
                                   **cleaned)
        _renumber(locked, step, values.position)
        step.refresh_from_db()
        publish(ServiceSaved(service.municipality, service, actor=actor, scope=service.process,
                             data={"what": "step_added", "step": step.pk}))
    return step


def do_update_step(*, step: Step, actor: User, values: StepInput) -> Step:
    _check_manage(actor, step.municipality)
    cleaned = _clean_step(values)
    with transaction.atomic():
        for name, value in cleaned.items():
            setattr(step, name, value)
        step.save()
        _renumber(step.service, step, values.position or step.position)
        step.refresh_from_db()
        publish(ServiceSaved(step.municipality, step.service, actor=actor, scope=step.service.process,
                             data={"what": "step_updated", "step": step.pk}))
    return step


def do_remove_step(*, step: Step, actor: User) -> None:
    """Removes the step with its ratings; refused once the service is published and the step was rated."""
    _check_manage(actor, step.municipality)
    service = step.service
    if service.is_published and step.ratings.exists():
        raise ValidationError(_("This step has ratings. Change its description instead of removing it, so the "
                                "history stays complete."))
    with transaction.atomic():
        step.delete()
        _renumber(service)
        publish(ServiceSaved(service.municipality, service, actor=actor, scope=service.process,
                             data={"what": "step_removed"}))


# --- Ratings ----------------------------------------------------------------------------------------------------


def is_open_for_ratings(service: Service, now: datetime | None = None) -> bool:
    """Published, and: inside a process, a running phase opens the feature "codesign"; otherwise the service's own
    switch."""
    if not service.is_published:
        return False
    if service.process_id is not None:
        return is_feature_open(service.process, FEATURE, now)
    return service.accepts_ratings


def rating_refusal(service: Service, user: Any, *, now: datetime | None = None) -> str | None:
    """Why ``user`` cannot rate ``service`` now, as a code; None: they can. Codes: closed, login, unconfirmed."""
    if not is_open_for_ratings(service, now):
        return "closed"
    if not getattr(user, "is_authenticated", False):
        return "login"
    if not user.email_confirmed_at or not user.is_active:
        return "unconfirmed"
    return None


def refusal_message(code: str) -> str:
    return {
        "closed": _("Ratings of this service are closed at the moment."),
        "login": _("Please log in to rate the steps."),
        "unconfirmed": _("Please confirm your e-mail address first; then you can rate the steps."),
    }.get(code, _("You cannot rate this service."))


@dataclass(frozen=True)
class StepRating:
    step: Step
    effort: Any
    clarity: Any
    problem: str = ""
    idea: str = ""


def _scale_value(value: Any, label: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, str)) or str(value).strip() not in {"1", "2", "3", "4",
                                                                                                   "5"}:
        raise ValidationError(_("Please choose a value from 1 to 5 for “%(label)s”.") % {"label": label})
    return int(value)


def _clean_rating(service: Service, entry: StepRating, used_on: date) -> dict[str, Any]:
    errors: list[str] = []
    cleaned: dict[str, Any] = {}
    if entry.step.service_id != service.pk:
        raise ValidationError(_("The step belongs to another service."))
    for name, label in (("effort", _("effort")), ("clarity", _("clarity"))):
        try:
            cleaned[name] = _scale_value(getattr(entry, name), label)
        except ValidationError as error:
            errors.extend(error.messages)
    for name in ("problem", "idea"):
        try:
            cleaned[name] = clean_text(getattr(entry, name), max_length=2000)
        except ValidationError as error:
            errors.extend(error.messages)
    if errors:
        raise ValidationError({f"step-{entry.step.pk}": errors})
    return {**cleaned, "used_on": used_on}


def _clean_used_on(used_on: date | None) -> date:
    today = timezone.localdate()
    used_on = used_on or today
    if used_on > today:
        raise ValidationError({"used_on": [_("The date lies in the future.")]})
    if (today - used_on).days > 5 * 366:
        raise ValidationError({"used_on": [_("Please rate a use of the last five years.")]})
    return used_on


def do_rate_steps(*, service: Service, actor: User, ratings: Sequence[StepRating],
                  used_on: date | None = None) -> list[Rating]:
    """The person rates one or more steps of ``service``; a second rating of the same step replaces the first
    (one rating per person and step)."""
    code = rating_refusal(service, actor)
    if code == "login":
        raise PermissionDenied(refusal_message(code))
    if code is not None:
        raise ValidationError(refusal_message(code), code=code)
    if not ratings:
        raise ValidationError(_("Please rate at least one step."))
    day = _clean_used_on(used_on)
    cleaned = [(entry.step, _clean_rating(service, entry, day)) for entry in ratings]
    stored = []
    try:
        with transaction.atomic():
            for step, values in cleaned:
                rating, created = Rating.objects.update_or_create(
                    step=step, person=actor,
                    defaults={**values, "municipality": service.municipality, "service": service,
                              "channel": Rating.EntryChannel.ONLINE, "entered_by": None})
                if created:
                    Service.objects.filter(pk=service.pk).update(rating_count=F("rating_count") + 1)
                stored.append(rating)
            publish(StepRated(service.municipality, service, actor=actor, scope=service.process,
                              data={"steps": [step.pk for step, _values in cleaned], "channel": "online"}))
    except IntegrityError:  # the same person twice at once: the other request stored it
        raise ValidationError(_("Your rating was just saved in another window. Please reload the page.")) from None
    return stored


def do_enter_assisted_ratings(*, service: Service, actor: User, ratings: Sequence[StepRating], channel: str,
                              reference: str = "", used_on: date | None = None) -> list[Rating]:
    """Staff enter what a resident told them by phone, at the counter or by letter: stored without an account,
    marked with the channel and the staff member, and written to the audit log."""
    _check_manage(actor, service.municipality)
    if not service.is_published:
        raise ValidationError(_("Please publish the service before entering ratings."))
    if channel not in Rating.EntryChannel.values or channel == Rating.EntryChannel.ONLINE:
        raise ValidationError({"channel": [_("Please choose how the rating reached you.")]})
    if not ratings:
        raise ValidationError(_("Please rate at least one step."))
    reference = clean_text(reference, max_length=100)
    day = _clean_used_on(used_on)
    cleaned = [(entry.step, _clean_rating(service, entry, day)) for entry in ratings]
    with transaction.atomic():
        stored = [Rating.objects.create(municipality=service.municipality, service=service, step=step, person=None,
                                        entered_by=actor, channel=channel, reference=reference, **values)
                  for step, values in cleaned]
        Service.objects.filter(pk=service.pk).update(rating_count=F("rating_count") + len(stored))
        log_action(tenant=service.municipality, actor=actor, action=ASSISTED_RATING_ACTION,
                   codesign_service=service.title, ratings=len(stored), channel=channel, reference=reference)
        publish(StepRated(service.municipality, service, actor=actor, scope=service.process,
                          data={"steps": [step.pk for step, _values in cleaned], "channel": channel}))
    return stored


# --- Themes and changes -----------------------------------------------------------------------------------------


def do_create_theme(*, service: Service, actor: User, title: str, description: str = "") -> Theme:
    _check_manage(actor, service.municipality)
    title = clean_text(title, max_length=200, required=_("Please name the theme."))
    description = clean_text(description, max_length=2000)
    if service.themes.filter(title__iexact=title).exists():
        raise ValidationError({"title": [_("This service already has a theme of that name.")]})
    with transaction.atomic():
        return Theme.objects.create(municipality=service.municipality, service=service, title=title,
                                    description=description)


def do_assign_theme(*, rating: Rating, actor: User, theme: Theme | None) -> Rating:
    """Groups a rating's problem and idea under ``theme`` (None: takes it out of its theme)."""
    _check_manage(actor, rating.municipality)
    if theme is not None and theme.service_id != rating.service_id:
        raise ValidationError(_("The theme belongs to another service."))
    with transaction.atomic():
        Rating.objects.filter(pk=rating.pk).update(theme=theme)
        rating.theme = theme
    return rating


def do_publish_change(*, service: Service, actor: User, title: str, changed_on: date, description: str = "",
                      step: Step | None = None, theme: Theme | None = None) -> Change:
    """Publishes what the municipality changed and from when; the service's followers are notified and the
    ratings before and after the day are compared on the service's page."""
    _check_manage(actor, service.municipality)
    errors: dict[str, list[str]] = {}
    try:
        title = clean_text(title, max_length=200, required=_("Please say what changed."))
    except ValidationError as error:
        errors["title"] = error.messages
    try:
        description = clean_text(description, max_length=5000)
    except ValidationError as error:
        errors["description"] = error.messages
    if changed_on > timezone.localdate() + timedelta(days=366):
        errors["changed_on"] = [_("Please give a day within the next year.")]
    if step is not None and step.service_id != service.pk:
        errors["step"] = [_("The step belongs to another service.")]
    if theme is not None and theme.service_id != service.pk:
        errors["theme"] = [_("The theme belongs to another service.")]
    if not service.is_published:
        errors.setdefault("title", []).append(_("Please publish the service first."))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        change = Change.objects.create(municipality=service.municipality, service=service, step=step, theme=theme,
                                       title=title, description=description, changed_on=changed_on,
                                       published_at=timezone.now())
        log_action(tenant=service.municipality, actor=actor, action=CHANGE_ACTION,
                   codesign_service=service.title, change=title, changed_on=changed_on.isoformat())
        publish(ChangePublished(service.municipality, service, actor=actor, scope=service.process,
                                data={"title": title, "changed_on": changed_on.isoformat(), "change": change.pk}))
    return change


# --- Privacy ----------------------------------------------------------------------------------------------------


def anonymise_ratings(user: User) -> None:
    """Account deletion: the ratings stay counted without the person; their free texts go, as they may name
    the person."""
    Rating.objects.filter(person=user).update(person=None, problem="", idea="")
