"""The participation records that every feature publishes as open data, one record set per kind of record.

A feature registers its record sets in AppConfig.ready() with ``register_record_set``; the open-data app
publishes each of them per municipality as CSV and JSON with a Frictionless ``datapackage.json`` and lists
them in the catalogue as datasets. A record set never contains personal data: no e-mail addresses, no real
names, no user ids; at most the public display name where the person chose to publish under it.

``rows(municipality)`` yields one dict per record with exactly the keys of ``columns``, in a stable order
(oldest first), and must stream: iterate with ``.iterator()`` and ``select_related``/``values()`` so that the
number of queries does not grow with the data.

``changed_by`` names the event types (``kommune.core.events``) after which the set is out of date, or a
``Visibility`` for every event that changes it (a process withdrawn hides its comments); the open-data app
marks the set stale then (a durable consumer) and rebuilds it at most once a day.
"""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

from django.utils.functional import Promise

from kommune.core.events import Event, Visibility
from kommune.core.models import Municipality

# The Frictionless Table Schema field types that record sets use.
FieldType = Literal["string", "integer", "number", "boolean", "date", "datetime"]


@dataclass(frozen=True)
class Column:
    name: str  # snake_case, English, stable: it is an API for the people who reuse the data
    type: FieldType
    description: str | Promise
    required: bool = False  # a value is present in every row (Table Schema constraints.required)


@dataclass(frozen=True)
class RecordSet:
    key: str  # e.g. "proposals"; names the files and the dataset
    title: str | Promise  # e.g. _("Citizen proposals")
    description: str | Promise
    columns: tuple[Column, ...]
    rows: Callable[[Municipality], Iterator[dict[str, Any]]]
    changed_by: frozenset[type[Event] | Visibility] = field(default_factory=frozenset)
    primary_key: str = "id"
    themes: tuple[str, ...] = ("GOVE",)  # EU data themes (kommune.opendata.models.Theme values)
    keywords: tuple[str, ...] = ()  # German keywords for the catalogue, e.g. ("Bürgerbeteiligung",)

    def is_changed_by(self, event_type: type[Event]) -> bool:
        return event_type in self.changed_by or (event_type.visibility is not None
                                                 and event_type.visibility in self.changed_by)


_record_sets: dict[str, RecordSet] = {}


def register_record_set(*, key: str, title: str | Promise, description: str | Promise, columns: Iterable[Column],
                        rows: Callable[[Municipality], Iterator[dict[str, Any]]],
                        changed_by: Iterable[type[Event] | Visibility] = (),
                        primary_key: str = "id", themes: Iterable[str] = ("GOVE",),
                        keywords: Iterable[str] = ()) -> None:
    columns = tuple(columns)
    if primary_key not in {column.name for column in columns}:
        raise ValueError(f"The record set {key!r} has no column {primary_key!r} for its primary key.")
    _record_sets[key] = RecordSet(key, title, description, columns, rows, frozenset(changed_by), primary_key,
                                  tuple(themes), tuple(keywords))


def record_sets() -> list[RecordSet]:
    return list(_record_sets.values())


def record_set(key: str) -> RecordSet | None:
    return _record_sets.get(key)
