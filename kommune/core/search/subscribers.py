"""Keeps the index current from the events the services publish (inside their transaction)."""

from kommune.core.events import Event
from kommune.core.search import services
from kommune.core.search.registry import searchable_for


def on_event(event: Event) -> None:
    target = event.target
    searchable = searchable_for(type(target)) or searchable_for(target._meta.concrete_model)
    if searchable is None:
        return
    if event.verb in searchable.remove_on:
        services.do_remove_from_index(obj=target)
    elif event.verb in searchable.index_on:
        services.do_update_index(obj=target)
