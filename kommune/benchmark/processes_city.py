"""Participation processes of the generated city, for the features that a phase opens (consultations, surveys)
and for the uses of the methods library. Few rows per city, so they go in with bulk_create."""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import connection, models

from kommune.core.models import Municipality
from kommune.core.processes.models import Phase, Process
from kommune.core.search.registry import searchable_for

# (kind, starts, ends, features)
PhasePlan = tuple[str, datetime, datetime, Sequence[str]]


def json_value(value: Any) -> Any:
    """A value for a JSON column as the bulk loader takes it: COPY on PostgreSQL needs it wrapped."""
    if connection.vendor == "postgresql":
        from psycopg.types.json import Jsonb

        return Jsonb(value)
    return value


def index_documents(generator: Any, objects: Sequence[models.Model]) -> None:
    """The search documents that the registered searchables make of ``objects`` (in memory where they can)."""
    for obj in objects:
        searchable = searchable_for(type(obj))
        if searchable is not None:
            generator._document(searchable, ContentType.objects.get_for_model(obj), obj)


def published_processes(municipality: Municipality, plans: Sequence[tuple[str, str, str, Sequence[PhasePlan]]]
                        ) -> list[Process]:
    """Published processes (slug, title, summary, phases) of ``municipality``, with their phases; the dates of a
    process are those of its phases, as the services denormalise them."""
    processes = Process.objects.bulk_create([
        Process(municipality=municipality, slug=slug, title=title, summary=summary, area="Stadtgebiet",
                is_published=True, published_at=min(p[1] for p in phases), starts_at=min(p[1] for p in phases),
                ends_at=max(p[2] for p in phases))
        for slug, title, summary, phases in plans])
    Phase.objects.bulk_create([
        Phase(municipality=municipality, process=process, kind=kind, starts_at=starts, ends_at=ends,
              features=list(features))
        for process, (_slug, _title, _summary, phases) in zip(processes, plans, strict=True)
        for kind, starts, ends, features in phases])
    return processes
