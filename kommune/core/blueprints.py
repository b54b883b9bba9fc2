"""Blueprints: what of a municipality can be published as a template and copied into another municipality.

A participation process (core processes), a survey or a municipality's proposal settings each know best how to
write themselves down and how to be built again elsewhere; the methods library (a feature app) offers the
templates and the copies without importing those apps. An app registers its kind in AppConfig.ready() with
``register_blueprint``:

- ``sources(municipality)``: the objects of a municipality that may be published as a template;
- ``export(obj)``: a JSON-serialisable dict (texts, questions, settings; dates only *relative to the start*, as
  days after it and a local time of day), with no personal data and nothing tenant-specific (no topic, no ids);
- ``create(municipality=…, data=…, start=…, actor=…)``: builds a new object from such a dict in ``municipality``,
  its dates shifted to the ``start`` day, through the app's own services (which check the actor's permission
  in that municipality), and returns it; the new object is never published by the copy;
- ``describe(data)``: a few lines of plain text that show a person what a template holds before copying it.

A kind may have *parts* that other apps own: a participation process carries its surveys (the surveys app). The
owner registers ``register_part(kind, key, export=…, create=…)``; the kind's own ``export`` and ``create`` call
``export_parts`` and ``create_parts``, so a process template holds the questions of its surveys without core
knowing the surveys app.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Model, QuerySet
from django.utils.functional import Promise

from kommune.core.models import Municipality
from kommune.core.types import User

Creator = Callable[..., Model]  # create(*, municipality: Municipality, data: dict, start: date, actor: User)


@dataclass(frozen=True)
class Blueprint:
    kind: str
    label: str | Promise
    model: type[Model]
    sources: Callable[[Municipality], QuerySet]
    export: Callable[[Any], dict]
    create: Creator
    describe: Callable[[dict], list[str]]
    dated: bool = True  # False for settings without dates: the copy asks no start day


_blueprints: dict[str, Blueprint] = {}


def register_blueprint(kind: str, *, label: str | Promise, model: type[Model],
                       sources: Callable[[Municipality], QuerySet], export: Callable[[Any], dict],
                       create: Creator, describe: Callable[[dict], list[str]] | None = None,
                       dated: bool = True) -> None:
    if kind in _blueprints and _blueprints[kind].model is not model:
        raise ValueError(f"The blueprint kind {kind!r} is taken by {_blueprints[kind].model._meta.label}.")
    _blueprints[kind] = Blueprint(kind, label, model, sources, export, create, describe or (lambda data: []), dated)


def blueprint(kind: str) -> Blueprint | None:
    return _blueprints.get(kind)


def blueprint_for(model: type[Model]) -> Blueprint | None:
    return next((b for b in _blueprints.values() if b.model is model), None)


def blueprints() -> list[Blueprint]:
    return list(_blueprints.values())  # in the order of registration


def create_from(kind: str, *, municipality: Municipality, data: dict, start: date, actor: User) -> Model:
    """Build a ``kind`` from ``data`` in ``municipality`` (the caller holds the transaction)."""
    found = _blueprints.get(kind)
    if found is None:
        raise LookupError(f"No blueprint of kind {kind!r} is registered.")
    return found.create(municipality=municipality, data=data, start=start, actor=actor)


@dataclass(frozen=True)
class Part:
    key: str
    label: str | Promise
    export: Callable[[Any], list]  # the parts of one object, JSON-serialisable
    create: Callable[..., None]  # create(*, obj, items, actor): rebuild them on the copied object
    describe: Callable[[list], list[str]]


_parts: dict[str, dict[str, Part]] = {}


def register_part(kind: str, key: str, *, label: str | Promise, export: Callable[[Any], list],
                  create: Callable[..., None], describe: Callable[[list], list[str]] | None = None) -> None:
    _parts.setdefault(kind, {})[key] = Part(key, label, export, create, describe or (lambda items: []))


def export_parts(kind: str, obj: Any) -> dict[str, list]:
    """Each registered part of ``obj`` that has something to carry."""
    exported = {key: part.export(obj) for key, part in _parts.get(kind, {}).items()}
    return {key: items for key, items in exported.items() if items}


def create_parts(kind: str, obj: Any, parts: Any, actor: User) -> None:
    """Rebuild the parts a template carries on the copied ``obj``; a part this installation lacks is skipped."""
    if not isinstance(parts, dict):
        return
    for key, items in parts.items():
        part = _parts.get(kind, {}).get(key)
        if part is not None and isinstance(items, list) and items:
            part.create(obj=obj, items=items, actor=actor)


def describe_parts(kind: str, parts: Any) -> list[str]:
    if not isinstance(parts, dict):
        return []
    lines: list[str] = []
    for key, items in parts.items():
        part = _parts.get(kind, {}).get(key)
        if part is not None and isinstance(items, list):
            lines.extend(part.describe(items))
    return lines
