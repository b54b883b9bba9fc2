"""A participation process as a blueprint (kommune/core/blueprints.py): its texts and its phases with dates
relative to the start, copied into another municipality with the dates shifted to a chosen start day.

A phase's start and end are written as days after the first phase's start day and a local time of day
(Europe/Berlin), so a phase that starts at 18:00 starts at 18:00 in the copy too, across a change of summer time.
"""

from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kommune.core.blueprints import create_parts, describe_parts, export_parts
from kommune.core.models import Municipality
from kommune.core.processes import services
from kommune.core.processes.models import Phase, Process
from kommune.core.types import User

MAX_DAYS = 3660  # ten years: a phase of a template lies within them


def sources(municipality: Municipality):
    """Processes with phases: a process without phases is no setup to reuse."""
    return (Process.objects.filter(municipality=municipality, phases__isnull=False).distinct()
            .order_by("-starts_at", "-id"))


def _day_and_time(moment: datetime, first_day: date) -> tuple[int, str]:
    local = timezone.localtime(moment)
    return (local.date() - first_day).days, local.strftime("%H:%M")


def export(process: Process) -> dict[str, Any]:
    phases = list(process.phases.all().order_by("starts_at", "id"))
    first_day = timezone.localtime(phases[0].starts_at).date() if phases else timezone.localdate()
    written = []
    for phase in phases:
        start_day, start_time = _day_and_time(phase.starts_at, first_day)
        end_day, end_time = _day_and_time(phase.ends_at, first_day)
        written.append({"kind": phase.kind, "title": phase.title, "description": phase.description,
                        "features": list(phase.features or []), "start_day": start_day, "start_time": start_time,
                        "end_day": end_day, "end_time": end_time})
    return {"title": process.title, "summary": process.summary, "description": process.description,
            "area": process.area, "phases": written, "parts": export_parts("process", process)}


def _moment(start: date, day: Any, at: Any) -> datetime:
    if not isinstance(day, int) or isinstance(day, bool) or not 0 <= day <= MAX_DAYS:
        raise ValidationError(_("The template holds a phase with an invalid day."), code="invalid_template")
    try:
        clock = time.fromisoformat(str(at))
    except ValueError:
        raise ValidationError(_("The template holds a phase with an invalid time."), code="invalid_template") from None
    return timezone.make_aware(datetime.combine(start + timedelta(days=day), clock))


def phase_inputs(data: dict, start: date) -> list[services.PhaseInput]:
    phases = data.get("phases") or []
    if not isinstance(phases, list):
        raise ValidationError(_("The template's phases cannot be read."), code="invalid_template")
    return [services.PhaseInput(kind=str(p.get("kind", "")), title=str(p.get("title") or ""),
                                description=str(p.get("description") or ""),
                                features=tuple(str(f) for f in p.get("features") or ()),
                                starts_at=_moment(start, p.get("start_day"), p.get("start_time", "00:00")),
                                ends_at=_moment(start, p.get("end_day"), p.get("end_time", "00:00")))
            for p in phases if isinstance(p, dict)]


def create(*, municipality: Municipality, data: dict, start: date, actor: User) -> Process:
    """A new, unpublished process of ``municipality`` with the template's texts and its phases from ``start``."""
    with transaction.atomic():
        process = services.do_create_process(
            municipality=municipality, actor=actor, title=str(data.get("title") or ""),
            summary=str(data.get("summary") or ""), description=str(data.get("description") or ""),
            area=str(data.get("area") or ""))
        services.do_set_phases(process=process, actor=actor, phases=phase_inputs(data, start))
        create_parts("process", process, data.get("parts"), actor)
    return process


def describe(data: dict) -> list[str]:
    lines = describe_parts("process", data.get("parts"))
    for phase in data.get("phases") or []:
        kind = phase.get("kind")
        name = phase.get("title") or (Phase.Kind(kind).label if kind in Phase.Kind.values else kind)
        lines.append(_("%(name)s: day %(start)s to day %(end)s") % {
            "name": name, "start": int(phase.get("start_day", 0)) + 1, "end": int(phase.get("end_day", 0)) + 1})
    return lines


def register() -> None:
    from django.utils.translation import gettext_lazy

    from kommune.core.blueprints import register_blueprint

    register_blueprint("process", label=gettext_lazy("Participation process"), model=Process, sources=sources,
                       export=export, create=create, describe=describe)
