"""Keeps the index current from the events the searchables name in ``index_on`` and ``remove_on`` (a durable
consumer of the outbox: delivered after the commit, so an indexing error never rolls back the write)."""

from collections.abc import Mapping

from kommune.core.events import Consumer, Event, Handler
from kommune.core.search import services
from kommune.core.search.registry import registered


def index(event: Event) -> None:
    services.do_update_index(obj=event.target)


def remove(event: Event) -> None:
    services.do_remove_from_index(obj=event.target)


def handles() -> Mapping[type[Event], Handler]:
    handlers: dict[type[Event], Handler] = {}
    for searchable in registered():
        handlers.update(dict.fromkeys(searchable.index_on, index))
        handlers.update(dict.fromkeys(searchable.remove_on, remove))
    return handlers


CONSUMER = Consumer("search", handles, durable=True,
                    description="indexes the target, or removes it from the index (the searchables' index_on, "
                                "remove_on)")
