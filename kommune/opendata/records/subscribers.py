"""Marks record sets as changed when the events named in their ``changed_by`` are published."""

from functools import partial

from django.db import transaction

from kommune.core.events import Event, subscribe
from kommune.core.records import record_sets


def keys_changed_by(verb: str) -> list[str]:
    return [registered.key for registered in record_sets() if verb in registered.changed_by]


def on_event(event: Event) -> None:
    keys = keys_changed_by(event.verb)
    if keys:
        from kommune.opendata.records.services import do_mark_changed

        # After the commit, in a statement of its own: the event's write is then visible to the next build, a
        # rolled-back write marks nothing, and the service's transaction holds no lock on the state rows.
        transaction.on_commit(partial(do_mark_changed, municipality=event.municipality, keys=keys), robust=True)


def register() -> None:
    subscribe("opendata_records", on_event)
