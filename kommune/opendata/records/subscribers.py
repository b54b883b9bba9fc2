"""Marks record sets as changed after the events their ``changed_by`` names (a durable consumer of the outbox).

Delivered after the commit, in a transaction of its own: the event's write is then visible to the next build,
a rolled-back write marks nothing, and the service's transaction holds no lock on the state rows."""

from collections.abc import Mapping

from kommune.core.events import Consumer, Event, Handler, event_types, register_consumer
from kommune.core.records import record_sets


def keys_changed_by(event_type: type[Event]) -> list[str]:
    return [registered.key for registered in record_sets() if registered.is_changed_by(event_type)]


def mark_changed(event: Event) -> None:
    from kommune.opendata.records.services import do_mark_changed

    do_mark_changed(municipality=event.municipality, keys=keys_changed_by(type(event)))


def handles() -> Mapping[type[Event], Handler]:
    # Asked at every publish: what any record set names, gathered once, instead of asking each set for each type.
    named: set = set().union(*(registered.changed_by for registered in record_sets()))
    return {event_type: mark_changed for event_type in event_types().values()
            if event_type in named or (event_type.visibility is not None and event_type.visibility in named)}


CONSUMER = Consumer("opendata_records", handles, durable=True,
                    description="marks the open-data record sets that name the event in changed_by as stale")


def register() -> None:
    register_consumer(CONSUMER)
