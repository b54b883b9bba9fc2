"""Writes of the participation-records job: marking record sets as changed and publishing them."""

import logging
import tempfile
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models import DateTimeField, Value
from django.db.models.functions import Coalesce
from django.utils import timezone, translation

from kommune.core.models import Municipality
from kommune.core.records import RecordSet, record_set, record_sets
from kommune.opendata.models import Dataset
from kommune.opendata.records import builder
from kommune.opendata.records.models import RecordSetState

logger = logging.getLogger(__name__)

# "At most daily", less an hour of slack so that a daily cron job never skips a day because yesterday's build
# finished a few minutes after today's run started.
REBUILD_INTERVAL = timedelta(hours=23)
# The datasets are written in the platform's default language, whatever the language of the caller.
DATASET_LANGUAGE = "de"


def generated_key(record_set: RecordSet) -> str:
    return f"participation:{record_set.key}"


@dataclass(frozen=True)
class Outcome:
    municipality: Municipality
    key: str
    row_count: int | None = None  # None when the build failed
    published: bool = False  # False for a set without rows that was never published
    error: str = ""


def do_mark_changed(*, municipality: Municipality, keys: list[str], now: datetime | None = None) -> None:
    """Record that the data of these record sets changed. Runs after every support and comment, so it writes only
    when a set is not marked yet: a row that is already marked is not touched (and not locked), so parallel
    supports do not queue behind one state row."""
    now = now or timezone.now()
    keys = sorted(set(keys))
    known = set(RecordSetState.objects.filter(municipality=municipality, key__in=keys).values_list("key", flat=True))
    if missing := [key for key in keys if key not in known]:
        RecordSetState.objects.bulk_create([RecordSetState(municipality=municipality, key=key, changed_at=now)
                                            for key in missing], ignore_conflicts=True)
    RecordSetState.objects.filter(municipality=municipality, key__in=known, changed_at__isnull=True).update(
        changed_at=now)


def due_keys(municipality: Municipality, *, now: datetime, force: bool = False) -> list[str]:
    """The record sets to build now: never built, or changed and last built at least REBUILD_INTERVAL ago."""
    keys = [registered.key for registered in record_sets()]
    if force:
        return keys
    states = {state.key: state for state in RecordSetState.objects.filter(municipality=municipality, key__in=keys)}
    return [key for key in keys if _is_due(states.get(key), now)]


def _is_due(state: RecordSetState | None, now: datetime) -> bool:
    if state is None or state.built_at is None:
        return True
    return state.changed_at is not None and state.built_at <= now - REBUILD_INTERVAL


def _put_dataset(*, municipality: Municipality, registered: RecordSet, tables: builder.BuiltTables,
                 directory: Path, now: datetime) -> Dataset:
    from kommune.opendata.services import do_put_generated_dataset

    title, description = builder.dataset_title(registered), builder.dataset_description(registered)
    descriptor = builder.datapackage(record_set=registered, municipality=municipality, tables=tables, title=title,
                                     description=description, created=now)
    package = builder.write_datapackage(descriptor,
                                        directory / f"{municipality.slug}-{registered.key}-datapackage.json")
    schema = builder.table_schema(registered)
    # Paths, not contents: the service streams the files (two million comments make about 2 GB).
    files: list[tuple[str, Path, str, dict[str, Any] | None]] = [
        (built.filename, built.path, built.format, schema) for built in tables.files]
    files.append((package.filename, package.path, package.format, None))
    return do_put_generated_dataset(municipality=municipality, generated_key=generated_key(registered), title=title,
                                    description=description, keywords=list(registered.keywords),
                                    themes=list(registered.themes), files=files,
                                    license=settings.OPENDATA_RECORDS_LICENSE)


def do_publish_record_set(*, municipality: Municipality, key: str, now: datetime | None = None) -> Outcome:
    """Build the files of one record set and put them into the catalogue. A set without rows is put there only
    if it was published before (then its records are gone and the old files must not stay). Not one transaction:
    reading millions of rows takes minutes; the catalogue write is one transaction, the state update another.
    A failure is logged and kept in the state's ``error``; the set stays due."""
    registered = record_set(key)
    if registered is None:
        raise ValueError(f"No record set {key!r} is registered.")
    now = now or timezone.now()
    state, _created = RecordSetState.objects.get_or_create(municipality=municipality, key=key)
    changed_before = state.changed_at
    # Cleared before reading, so that a change reported while the files are written marks the set again.
    RecordSetState.objects.filter(pk=state.pk).update(changed_at=None)
    try:
        with translation.override(DATASET_LANGUAGE), tempfile.TemporaryDirectory(prefix="records-") as directory:
            tables = builder.write_tables(registered, municipality, Path(directory), f"{municipality.slug}-{key}")
            exists = Dataset.objects.filter(municipality=municipality, generated_key=generated_key(registered)).exists()
            published = bool(tables.row_count) or exists
            if published:
                _put_dataset(municipality=municipality, registered=registered, tables=tables,
                             directory=Path(directory), now=now)
    except Exception as error:
        logger.exception("Building the record set %s of %s failed.", key, municipality.slug)
        unchanged = Value(changed_before, output_field=DateTimeField())
        RecordSetState.objects.filter(pk=state.pk).update(error=f"{type(error).__name__}: {error}"[:2000],
                                                           changed_at=Coalesce("changed_at", unchanged))
        return Outcome(municipality, key, error=str(error))
    RecordSetState.objects.filter(pk=state.pk).update(built_at=now, row_count=tables.row_count, error="")
    return Outcome(municipality, key, tables.row_count, published)


def do_publish_due_record_sets(*, municipalities: list[Municipality] | None = None, force: bool = False,
                               now: datetime | None = None) -> list[Outcome]:
    """The daily job: every due record set (all with ``force``) of these municipalities (default: all)."""
    now = now or timezone.now()
    if municipalities is None:
        municipalities = list(Municipality.objects.order_by("slug"))
    outcomes = []
    for municipality in municipalities:
        for key in due_keys(municipality, now=now, force=force):
            outcomes.append(do_publish_record_set(municipality=municipality, key=key, now=now))
    return outcomes
