"""Writes of the methods library: keyword-only, typed, one transaction each, permission checked here.

Every refusal is a ValidationError with a message for the person who acted, and leaves the database as it was.
Events: methods.saved, methods.uses_changed, methods.template_copied.
"""

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kommune.core import blueprints
from kommune.core.cleaning import FieldCleaner, clean_text
from kommune.core.events import publish
from kommune.core.models import AuditLogEntry, Lab, Municipality
from kommune.core.pagecache import invalidate_tags
from kommune.core.perspectives import Perspective
from kommune.core.processes.models import Process
from kommune.core.richtext import render_markdown
from kommune.core.services import log_action
from kommune.core.slugs import german_slug
from kommune.core.types import User
from kommune.methods.events import LIBRARY_PAGE_TAG, MethodSaved, MethodUsesChanged, TemplateCopied
from kommune.methods.models import CONTENT_FIELDS, Method, MethodUse, MethodVersion, Template, TemplateCopy

MAX_GROUP_SIZE = 100_000
MAX_METHODS_PER_PROCESS = 20
MAX_START_YEARS = 10  # a copy starts at most this many years before or after today
RENDERED = ("purpose", "steps", "materials", "pitfalls")

Author = Municipality | Lab


def _check(actor: User, permission: str, tenant: Author) -> None:
    if not actor.has_perm(permission, tenant):
        raise PermissionDenied


def home_municipality(method: Method) -> Municipality | None:
    """The municipality a method's events and search document belong to (for a lab: its first member)."""
    if method.municipality_id:
        return method.municipality
    lab = method.lab
    return lab.municipalities.order_by("pk").first() if lab is not None else None


# --- Methods --------------------------------------------------------------------------------------------------


def _clean_perspectives(value: Sequence[str]) -> str:
    keys = [key for key in Perspective.values if key in set(value or ())]
    unknown = set(value or ()) - set(Perspective.values)
    if unknown:
        raise ValidationError(_("Please choose perspectives of openness from the list."), code="invalid")
    if not keys:
        raise ValidationError(_("Please choose at least one perspective of openness."), code="required")
    return "," + ",".join(keys) + ","


def _clean_group_size(value: Any) -> int | None:
    if value in (None, ""):
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_GROUP_SIZE:
        raise ValidationError(_("Please enter a number of people between 1 and %(max)d.") % {"max": MAX_GROUP_SIZE},
                              code="invalid")
    return value


def _clean_method(data: dict) -> dict:
    fields = FieldCleaner(data)
    check, cleaned, errors = fields.check, fields.cleaned, fields.errors
    check("title", lambda v: clean_text(v, max_length=200, required=_("Please enter the name of the method.")))
    check("summary", lambda v: clean_text(v, max_length=500, required=_("Please enter a summary.")))
    check("purpose", lambda v: clean_text(v, max_length=10_000, required=_("Please describe what it is for.")))
    check("duration", lambda v: clean_text(v, max_length=200, required=_("Please say how long it takes.")))
    check("steps", lambda v: clean_text(v, max_length=20_000, required=_("Please describe the steps.")))
    check("materials", lambda v: clean_text(v, max_length=10_000))
    check("pitfalls", lambda v: clean_text(v, max_length=10_000))
    check("perspectives", _clean_perspectives)
    check("group_size_min", _clean_group_size)
    check("group_size_max", _clean_group_size)

    def choice(choices: Any, message: str) -> Any:
        def clean(value: str) -> str:
            if value not in choices.values:
                raise ValidationError(message, code="invalid")
            return value
        return clean

    check("kind", choice(Method.Kind, _("Please choose whether it is a method, an instrument or a tool.")))
    check("effort", choice(Method.Effort, _("Please choose the effort.")))
    low, high = cleaned.get("group_size_min"), cleaned.get("group_size_max")
    if low is not None and high is not None and low > high:
        errors["group_size_max"] = [_("The largest group cannot be smaller than the smallest.")]
    if errors:
        raise ValidationError(errors)
    for name in RENDERED:
        if name in cleaned:
            cleaned[f"{name}_html"] = render_markdown(cleaned[name])
    return cleaned


def _free_slug(title: str) -> str:
    base = german_slug(title, max_length=70, fallback="methode")
    taken = set(Method.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    return slug


def _content(method: Method) -> dict:
    return {name: getattr(method, name) for name in CONTENT_FIELDS}


def _keep_version(method: Method, actor: User, note: str) -> MethodVersion:
    return MethodVersion.objects.create(method=method, municipality_id=method.municipality_id,
                                        lab_id=method.lab_id, number=method.version, content=_content(method),
                                        note=note, edited_by=actor, edited_at=timezone.now())


def do_create_method(*, author: Author, actor: User, title: str, summary: str, purpose: str,
                     perspectives: Sequence[str], effort: str, duration: str, steps: str,
                     kind: str = Method.Kind.METHOD, group_size_min: int | None = None,
                     group_size_max: int | None = None, materials: str = "", pitfalls: str = "") -> Method:
    """A method written in the name of ``author`` (a municipality or a lab); its first version is kept."""
    _check(actor, "methods.write", author)
    cleaned = _clean_method({"title": title, "kind": kind, "summary": summary, "purpose": purpose,
                             "perspectives": perspectives, "effort": effort, "group_size_min": group_size_min,
                             "group_size_max": group_size_max, "duration": duration, "steps": steps,
                             "materials": materials, "pitfalls": pitfalls})
    tenant = {"municipality": author} if isinstance(author, Municipality) else {"lab": author}
    for _attempt in range(3):
        try:
            with transaction.atomic():
                method = Method.objects.create(**tenant, slug=_free_slug(cleaned["title"]), created_by=actor,
                                               **cleaned)
                _keep_version(method, actor, _("First version"))
                _publish_saved(method, actor)
            return method
        except IntegrityError:  # a concurrent write took the address: try the next free one
            continue
    raise ValidationError(_("The method could not be saved. Please try again."), code="conflict")


def do_update_method(*, method: Method, actor: User, note: str = "", **changes: Any) -> Method:
    """Change the given fields; the method's version number goes up and the new state is kept as a version, so
    every earlier state stays readable on the history page. Nothing changed: no new version."""
    _check(actor, "methods.write", method.author)
    unknown = set(changes) - set(CONTENT_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    cleaned = _clean_method(changes)
    note = clean_text(note, max_length=300)
    with transaction.atomic():
        locked = Method.objects.select_for_update().get(pk=method.pk)
        changed = [name for name in CONTENT_FIELDS if name in cleaned and getattr(locked, name) != cleaned[name]]
        if not changed:
            return locked
        for name, value in cleaned.items():
            setattr(locked, name, value)
        locked.version += 1
        locked.save()
        _keep_version(locked, actor, note)
        _publish_saved(locked, actor)
    return locked


def _publish_saved(method: Method, actor: User) -> None:
    if (home := home_municipality(method)) is not None:
        publish(MethodSaved(home, method, actor=actor, data={"version": method.version}))
    else:  # a lab without municipalities publishes no event, and the library's cached pages show the method too
        transaction.on_commit(lambda: invalidate_tags(None, [LIBRARY_PAGE_TAG]))


def may_edit(user: Any, method: Method) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.has_perm("methods.write", method.author)


# --- Uses -----------------------------------------------------------------------------------------------------


def do_set_process_methods(*, process: Process, actor: User, methods: Sequence[Method]) -> list[MethodUse]:
    """Name the methods ``process`` used (replacing the earlier choice)."""
    _check(actor, "methods.write", process.municipality)
    chosen = {method.pk: method for method in methods}
    if len(chosen) > MAX_METHODS_PER_PROCESS:
        raise ValidationError(_("Please choose at most %(max)d methods.") % {"max": MAX_METHODS_PER_PROCESS})
    with transaction.atomic():
        existing = set(MethodUse.objects.filter(process=process).values_list("method_id", flat=True))
        MethodUse.objects.filter(process=process).exclude(method_id__in=chosen).delete()
        MethodUse.objects.bulk_create([
            MethodUse(municipality_id=process.municipality_id, process=process, method=method, created_by=actor)
            for pk, method in chosen.items() if pk not in existing])
        if existing != set(chosen):
            publish(MethodUsesChanged(process.municipality, process, actor=actor, data={"methods": sorted(chosen)}))
    return list(MethodUse.objects.filter(process=process).select_related("method"))


# --- Templates ------------------------------------------------------------------------------------------------


def do_publish_template(*, municipality: Municipality, actor: User, kind: str, source_id: int, title: str = "",
                        summary: str = "", method: Method | None = None) -> Template:
    """Publish a setup of ``municipality`` (the ``kind`` object ``source_id``) as a template for others."""
    _check(actor, "methods.reuse", municipality)
    blueprint = blueprints.blueprint(kind)
    if blueprint is None:
        raise ValidationError(_("This kind of setup cannot be published as a template."), code="kind")
    source = blueprint.sources(municipality).filter(pk=source_id).first()
    if source is None:
        raise ValidationError(_("Please choose a setup of %(name)s.") % {"name": municipality.name}, code="source")
    errors: dict[str, list[str]] = {}
    try:
        title = clean_text(title, max_length=200) or str(source)[:200]
    except ValidationError as error:
        errors["title"] = error.messages
    try:
        summary = clean_text(summary, max_length=500)
    except ValidationError as error:
        errors["summary"] = error.messages
    if errors:
        raise ValidationError(errors)
    get_url = getattr(source, "get_absolute_url", None)
    with transaction.atomic():
        template = Template.objects.create(municipality=municipality, kind=kind, title=title, summary=summary,
                                           data=blueprint.export(source), source_id=source.pk,
                                           source_url=get_url() if get_url else "", method=method,
                                           created_by=actor)
    return template


def do_copy_template(*, template: Template, municipality: Municipality, actor: User,
                     start: date | None) -> TemplateCopy:
    """Build the template's setup anew in ``municipality`` (unpublished), its dates shifted to ``start``; the
    copy keeps a link to its template, a process copy is tagged with the template's method, and the act goes
    into the municipality's audit log."""
    _check(actor, "methods.reuse", municipality)
    blueprint = blueprints.blueprint(template.kind)
    if blueprint is None:
        raise ValidationError(_("This template cannot be copied on this platform."), code="kind")
    if blueprint.dated and start is None:
        raise ValidationError({"start": [_("Please enter the day the copy starts.")]})
    today = timezone.localdate()
    if start is not None and not today.replace(year=today.year - MAX_START_YEARS) <= start <= today.replace(
            year=today.year + MAX_START_YEARS, month=1, day=1):
        raise ValidationError({"start": [_("Please choose a start within %(years)d years from today.")
                                         % {"years": MAX_START_YEARS}]})
    start_day = start or timezone.localdate()
    with transaction.atomic():
        obj = blueprint.create(municipality=municipality, data=template.data, start=start_day, actor=actor)
        get_url = getattr(obj, "get_absolute_url", None)
        copy = TemplateCopy.objects.create(
            municipality=municipality, template=template, object_id=obj.pk, object_url=get_url() if get_url else "",
            title=str(obj)[:200], starts_on=start if blueprint.dated else None, copied_by=actor,
            copied_at=timezone.now())
        if isinstance(obj, Process) and template.method_id:
            MethodUse.objects.get_or_create(method_id=template.method_id, process=obj,
                                            defaults={"municipality": municipality, "created_by": actor})
        log_action(tenant=municipality, actor=actor, action=AuditLogEntry.Action.TEMPLATE_COPIED,
                   template=template.title, origin=template.municipality.name, kind=template.kind,
                   start=start.isoformat() if start else "")
        publish(TemplateCopied(municipality, copy, actor=actor, data={"template": template.pk,
                                                                      "origin": template.municipality_id}))
    return copy
