"""Writes of participation processes: keyword-only, typed, one transaction each, permission checked here.

Every refusal is a ValidationError with a message for the person who acted, and leaves the database as it was.
Events: process.published, process.updated (only while the process is published), process.unpublished,
process.news (only for a published process).
"""

import itertools
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_slug
from django.db import IntegrityError, transaction
from django.db.models import Max, Min
from django.utils import timezone
from django.utils.translation import gettext as _

from kommune.core.cleaning import FieldCleaner, clean_text, control_character_message
from kommune.core.events import publish
from kommune.core.models import Municipality, Organisation
from kommune.core.processes import features
from kommune.core.processes.events import ProcessNewsPosted, ProcessPublished, ProcessUnpublished, ProcessUpdated
from kommune.core.processes.models import Phase, Process, ProcessNews, Topic
from kommune.core.richtext import render_markdown
from kommune.core.slugs import german_slug
from kommune.core.types import User

PERMISSION = "processes.manage"
MAX_PHASES = 20


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


UNSET: Any = _Unset()


@dataclass(frozen=True)
class PhaseInput:
    kind: str
    starts_at: datetime | None  # None only in input that _clean_phases refuses
    ends_at: datetime | None
    title: str = ""
    description: str = ""
    features: Sequence[str] = field(default_factory=tuple)


def _check_permission(actor: User, municipality: Municipality) -> None:
    if not actor.has_perm(PERMISSION, municipality):
        raise PermissionDenied


def _slug(value: str) -> str:
    value = value.strip().lower()
    try:
        validate_slug(value)
    except ValidationError:
        raise ValidationError(_("An address may contain only lower-case letters, digits, hyphens and "
                                "underscores."), code="invalid") from None
    return value


def _slug_taken(slug: str, municipality: Municipality) -> ValidationError:
    return ValidationError(_("The address “%(slug)s” is already used by another process of %(name)s. Please "
                             "choose another one.") % {"slug": slug, "name": municipality.name}, code="unique")


# --- Processes ------------------------------------------------------------------------------------------------


def _clean_process(municipality: Municipality, data: dict, *, instance: Process | None) -> dict:
    """Validate the given fields of a process; a ValidationError keyed by field names lists all problems."""
    fields = FieldCleaner(data)
    check, cleaned, errors = fields.check, fields.cleaned, fields.errors

    check("title", lambda v: clean_text(v, max_length=200, required=_("Please enter a title.")))
    check("summary", lambda v: clean_text(v, max_length=500, required=_("Please enter a summary.")))
    check("description", lambda v: clean_text(v, max_length=50_000))
    check("area", lambda v: clean_text(v, max_length=200))

    def clean_slug(value: str) -> str:
        slug = _slug(clean_text(value, max_length=80, required=_("Please enter an address.")))
        taken = Process.objects.filter(municipality=municipality, slug=slug)
        if instance is not None:
            taken = taken.exclude(pk=instance.pk)
        if taken.exists():
            raise _slug_taken(slug, municipality)
        return slug

    check("slug", clean_slug)

    def clean_organisation(value: Organisation | None) -> Organisation | None:
        if value is not None and value.municipality_id != municipality.pk:
            raise ValidationError(_("Please choose an organisation of %(name)s.") % {"name": municipality.name},
                                  code="foreign")
        return value

    def clean_topic(value: Topic | None) -> Topic | None:
        if value is not None and value.municipality_id != municipality.pk:
            raise ValidationError(_("Please choose a topic of %(name)s.") % {"name": municipality.name},
                                  code="foreign")
        return value

    check("organisation", clean_organisation)
    check("topic", clean_topic)
    if errors:
        raise ValidationError(errors)
    if "description" in cleaned:
        cleaned["description_html"] = render_markdown(cleaned["description"])
    return cleaned


@contextmanager
def _slug_taken_is_an_error(municipality: Municipality, slug: str) -> Iterator[None]:
    """A concurrent write took the address between the check and the save: the same message as the check."""
    try:
        with transaction.atomic():
            yield
    except IntegrityError:
        raise ValidationError({"slug": _slug_taken(slug, municipality).messages}) from None


def _free_slug(municipality: Municipality, title: str) -> str:
    base = german_slug(title, max_length=70, fallback="verfahren")
    taken = set(Process.objects.filter(municipality=municipality, slug__startswith=base)
                .values_list("slug", flat=True))
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    return slug


def do_create_process(*, municipality: Municipality, actor: User, title: str, summary: str, slug: str = "",
                      description: str = "", organisation: Organisation | None = None, topic: Topic | None = None,
                      area: str = "") -> Process:
    """A new, unpublished process. Without ``slug`` the address is made from the title."""
    _check_permission(actor, municipality)
    data = {"title": title, "summary": summary, "description": description, "organisation": organisation,
            "topic": topic, "area": area}
    if slug.strip():
        data["slug"] = slug
    with transaction.atomic():
        cleaned = _clean_process(municipality, data, instance=None)
        if "slug" not in cleaned:
            cleaned["slug"] = _free_slug(municipality, cleaned["title"])
        with _slug_taken_is_an_error(municipality, cleaned["slug"]):
            return Process.objects.create(municipality=municipality, created_by=actor, **cleaned)


def do_update_process(*, process: Process, actor: User, title: str = UNSET, slug: str = UNSET, summary: str = UNSET,
                      description: str = UNSET, organisation: Organisation | None = UNSET,
                      topic: Topic | None = UNSET, area: str = UNSET) -> Process:
    """Change the given fields (the others stay as they are)."""
    municipality = process.municipality
    _check_permission(actor, municipality)
    given = {"title": title, "slug": slug, "summary": summary, "description": description,
             "organisation": organisation, "topic": topic, "area": area}
    data = {name: value for name, value in given.items() if value is not UNSET}
    with transaction.atomic():
        cleaned = _clean_process(municipality, data, instance=process)
        changed = [name for name, value in cleaned.items()
                   if name != "description_html" and getattr(process, name) != value]
        for name, value in cleaned.items():
            setattr(process, name, value)
        with _slug_taken_is_an_error(municipality, process.slug):
            process.save()
        if process.is_published and changed:
            publish(ProcessUpdated(municipality, process, actor=actor, scope=process,
                                   data={"changed": changed}))
    return process


def _phase_input(value: PhaseInput | Mapping) -> PhaseInput:
    if isinstance(value, PhaseInput):
        return value
    return PhaseInput(kind=value.get("kind", ""), starts_at=value.get("starts_at"), ends_at=value.get("ends_at"),
                      title=value.get("title") or "", description=value.get("description") or "",
                      features=tuple(value.get("features") or ()))


def _phase_name(number: int, phase: PhaseInput) -> str:
    name = phase.title.strip() or (Phase.Kind(phase.kind).label if phase.kind in Phase.Kind.values else "")
    if not name:
        return _("phase %(number)d") % {"number": number}
    return _("phase %(number)d (“%(name)s”)") % {"number": number, "name": name}


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _clean_phases(phases: Sequence[PhaseInput]) -> list[str]:
    """Every problem of the list of phases, each named by its position in the list."""
    problems: list[str] = []
    if len(phases) > MAX_PHASES:
        return [_("A process may have at most %(max)d phases; you gave %(count)d.")
                % {"max": MAX_PHASES, "count": len(phases)}]
    registered = {feature.key for feature in features.registered_features()}
    dated = []
    for number, phase in enumerate(phases, start=1):
        name = _phase_name(number, phase)
        if phase.kind not in Phase.Kind.values:
            problems.append(_("Please choose the kind of %(phase)s.") % {"phase": name})
        if len(phase.title.strip()) > 200:
            problems.append(_("The title of %(phase)s may have at most 200 characters.") % {"phase": name})
        if len(phase.description.strip()) > 5000:
            problems.append(_("The description of %(phase)s may have at most 5000 characters.") % {"phase": name})
        control = control_character_message(phase.title) or control_character_message(phase.description)
        if control:
            problems.append(f"{_sentence(name)}: {control}")
        unknown = [key for key in phase.features if key not in registered]
        if unknown:
            problems.append(_("%(phase)s opens a feature this platform does not know: %(keys)s.")
                            % {"phase": _sentence(name), "keys": ", ".join(map(str, unknown))})
        if not isinstance(phase.starts_at, datetime) or not isinstance(phase.ends_at, datetime):
            problems.append(_("Please enter when %(phase)s starts and ends.") % {"phase": name})
            continue
        if timezone.is_naive(phase.starts_at) or timezone.is_naive(phase.ends_at):
            problems.append(_("The dates of %(phase)s lack a time zone.") % {"phase": name})
            continue
        if phase.ends_at <= phase.starts_at:
            problems.append(_("%(phase)s must end after it starts.") % {"phase": _sentence(name)})
            continue
        dated.append((phase.starts_at, phase.ends_at, name))
    dated.sort()
    for (_start, end, name), (next_start, _end, next_name) in itertools.pairwise(dated):
        if next_start < end:
            problems.append(_("%(first)s and %(second)s overlap. A phase may start when the one before it ends, "
                              "not earlier.") % {"first": _sentence(name), "second": next_name})
    return problems


def _start(phase: PhaseInput) -> datetime:
    assert phase.starts_at is not None  # _clean_phases refused phases without dates
    return phase.starts_at


def _new_phase(process: Process, phase: PhaseInput) -> Phase:
    assert phase.starts_at is not None and phase.ends_at is not None  # _clean_phases refused them otherwise
    return Phase(municipality_id=process.municipality_id, process=process, kind=phase.kind, title=phase.title.strip(),
                 description=phase.description.strip(), starts_at=phase.starts_at, ends_at=phase.ends_at,
                 features=sorted(set(phase.features)))


def do_set_phases(*, process: Process, actor: User, phases: Sequence[PhaseInput | Mapping]) -> list[Phase]:
    """Replace all phases of ``process`` and recompute its start and end from them."""
    _check_permission(actor, process.municipality)
    inputs = [_phase_input(phase) for phase in phases]
    problems = _clean_phases(inputs)
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        locked = Process.objects.select_for_update().get(pk=process.pk)
        if locked.is_published and not inputs:
            raise ValidationError(_("A published process needs at least one phase. Withdraw the publication "
                                    "first if you want to remove all phases."), code="no_phases")
        Phase.objects.filter(process=locked).delete()
        created = Phase.objects.bulk_create([_new_phase(locked, phase) for phase in sorted(inputs, key=_start)])
        span = Phase.objects.filter(process=locked).aggregate(starts_at=Min("starts_at"), ends_at=Max("ends_at"))
        Process.objects.filter(pk=locked.pk).update(starts_at=span["starts_at"], ends_at=span["ends_at"],
                                                    updated_at=timezone.now())
        process.starts_at, process.ends_at = span["starts_at"], span["ends_at"]
        if locked.is_published:
            publish(ProcessUpdated(process.municipality, process, actor=actor, scope=process,
                                   data={"changed": ["phases"]}))
    # The caller's instance may carry prefetched phases; they are stale now.
    getattr(process, "_prefetched_objects_cache", {}).pop("phases", None)
    return created


def do_publish_process(*, process: Process, actor: User) -> Process:
    _check_permission(actor, process.municipality)
    with transaction.atomic():
        locked = Process.objects.select_for_update().get(pk=process.pk)
        if locked.is_published:
            return process
        if not Phase.objects.filter(process=locked).exists():
            raise ValidationError(_("A process needs at least one phase before it can be published. Please add "
                                    "its phases first."), code="no_phases")
        now = timezone.now()
        locked.is_published = True
        locked.published_at = locked.published_at or now
        locked.save(update_fields=["is_published", "published_at", "updated_at"])
        process.is_published, process.published_at = True, locked.published_at
        publish(ProcessPublished(process.municipality, process, actor=actor, scope=process))
    return process


def do_unpublish_process(*, process: Process, actor: User) -> Process:
    _check_permission(actor, process.municipality)
    with transaction.atomic():
        locked = Process.objects.select_for_update().get(pk=process.pk)
        if not locked.is_published:
            return process
        locked.is_published = False
        locked.save(update_fields=["is_published", "updated_at"])
        process.is_published = False
        publish(ProcessUnpublished(process.municipality, process, actor=actor, scope=process))
    return process


# --- Topics and news ------------------------------------------------------------------------------------------


def do_create_topic(*, municipality: Municipality, actor: User, name: str, slug: str = "") -> Topic:
    _check_permission(actor, municipality)
    errors: dict[str, list] = {}
    try:
        name = clean_text(name, max_length=100, required=_("Please enter the name of the topic."))
    except ValidationError as error:
        errors["name"] = error.messages
    try:
        slug = _slug(clean_text(slug, max_length=60) or german_slug(name, max_length=60, fallback="thema"))
    except ValidationError as error:
        errors["slug"] = error.messages
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        if Topic.objects.filter(municipality=municipality, slug=slug).exists():
            raise ValidationError({"slug": [_("The address “%(slug)s” is already used by another topic. Please "
                                              "choose another one.") % {"slug": slug}]})
        return Topic.objects.create(municipality=municipality, name=name, slug=slug)


def do_publish_news(*, process: Process, actor: User, title: str, text: str) -> ProcessNews:
    _check_permission(actor, process.municipality)
    errors: dict[str, list] = {}
    try:
        title = clean_text(title, max_length=200, required=_("Please enter a title."))
    except ValidationError as error:
        errors["title"] = error.messages
    try:
        text = clean_text(text, max_length=20_000, required=_("Please enter the text of the news item."))
    except ValidationError as error:
        errors["text"] = error.messages
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        news = ProcessNews.objects.create(municipality_id=process.municipality_id, process=process, title=title,
                                          text=text, text_html=render_markdown(text), published_at=timezone.now(),
                                          author=actor)
        if process.is_published:
            publish(ProcessNewsPosted(process.municipality, news, actor=actor, scope=process))
    return news
