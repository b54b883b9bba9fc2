"""What happened, told by the services to whoever listens (activity, notifications, search).

A service calls ``publish(Event(...))`` explicitly, inside its transaction, after its write; subscribers
register in their AppConfig.ready(). So a feature never imports the apps that react to it, and nothing
happens behind a model's save() or a Django signal.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Model

from kommune.core.models import Municipality


@dataclass(frozen=True)
class Event:
    verb: str  # e.g. "process.published", "comment.posted", "comment.hidden"
    municipality: Municipality
    target: Model
    actor: Any = None  # the user who acted, or None for the system
    scope: Model | None = None  # the process (or other container) the target belongs to
    data: dict = field(default_factory=dict)


Subscriber = Callable[[Event], None]
_subscribers: dict[str, Subscriber] = {}


def subscribe(name: str, subscriber: Subscriber) -> None:
    _subscribers[name] = subscriber


def publish(event: Event) -> None:
    for subscriber in _subscribers.values():
        subscriber(event)
