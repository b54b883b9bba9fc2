"""The notifications app's subscription to the event hub (kommune.core.events)."""

from kommune.core.events import Event, subscribe


def on_event(event: Event) -> None:
    from kommune.core.notifications.services import record_event

    record_event(event)


def register() -> None:
    subscribe("notifications", on_event)
