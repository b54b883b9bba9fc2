"""What happened, told by the services as typed facts; whoever reacts says so by declaring what it handles.

Each app declares the events it publishes in its own ``events.py``: one frozen dataclass per event, a subclass
of ``Event`` with a stable ``name`` (stored in Activity.verb and notification verbs, so it never changes). A
service calls ``publish(SomethingHappened(...))`` inside its transaction, after its write. Consumers register
in their AppConfig.ready() with ``register_consumer`` and say which event types they handle; nothing decides by
a verb string. So a feature never imports the apps that react to it, and nothing happens behind a model's
save() or a Django signal.

Nothing runs inside the service's transaction (or its row locks) but the outbox write:
- a *durable* consumer (activities and notifications, the search index, open-data staleness) must not miss an
  event: ``publish`` writes one ``OutboxEntry`` in the service's transaction, and after the commit the task
  ``deliver_events`` hands it to each durable consumer, at least once. Each consumer applies an entry in a
  transaction of its own that also inserts an ``OutboxDelivery`` row unique per entry and consumer, so an entry
  delivered twice (a retry, the worker and the drain command at once) has its effect once. With the database
  task queue, the writes of one second share one drain task (``DELIVERY_WINDOW_SECONDS``). When the process
  dies between commit and delivery, ``manage.py deliver_events`` (cron) delivers what is pending.
- any other consumer (the page cache) runs after the commit (``transaction.on_commit``, robust: a failure is
  logged and does not turn the committed write into an error page). Its hooks are registered before the one that
  enqueues the delivery, so an entry whose delivery was enqueued has had them. One that says ``replay`` (the page
  cache: its effect is idempotent) is applied again by the drain (``deliver_pending``) to every entry it delivers,
  so a process that dies between the commit and its hooks leaves nothing undone once the drain ran.

A service writes its outbox entries before the statement that takes its hottest lock where it can (a support:
kommune.proposals.services.do_support_proposal), so that nothing but the write itself runs under that lock.

Durable consumers get the event rebuilt from its outbox row: the target, scope and actor as they are at
delivery time (a deleted target as an unsaved instance with its primary key), ``data`` as JSON.
"""

import enum
import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from functools import partial
from typing import Any, ClassVar

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.tasks import task, task_backends
from django.utils import timezone

from kommune.core.models import Municipality, OutboxDelivery, OutboxEntry

logger = logging.getLogger(__name__)
# Delivered outbox entries are kept this long (to look into what happened), then deleted by deliver_pending().
KEEP_DELIVERED = timedelta(days=7)


class Visibility(enum.Enum):
    """What an event does to the visibility of what was said about its target (activities, search)."""

    HIDDEN = "hidden"  # a contribution was hidden by the moderation
    SHOWN = "shown"  # ... and shown again
    WITHDRAWN = "withdrawn"  # a container (process, proposal, dataset) was withdrawn from the public
    PUBLISHED = "published"  # ... or published (again)


_events: dict[str, type["Event"]] = {}


@dataclass(frozen=True)
class Event:
    # The stable name of the event type; declared by every concrete subclass.
    name: ClassVar[str]
    # Names of consumers that must handle this type (checked by tests/test_events.py).
    requires: ClassVar[tuple[str, ...]] = ()
    visibility: ClassVar[Visibility | None] = None

    municipality: Municipality
    target: Model
    actor: Any = None  # the user who acted, or None for the system
    scope: Model | None = None  # the process (or other container) the target belongs to
    data: dict = field(default_factory=dict)  # JSON-serialisable

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        name = cls.__dict__.get("name")
        if name is None:
            return
        known = _events.get(name)
        if known is not None and known.__qualname__ != cls.__qualname__:
            raise ValueError(f"Two event types are named {name!r}: {known.__qualname__} and {cls.__qualname__}.")
        _events[name] = cls

    def page_tags(self) -> Iterable[str] | None:
        """The page-cache tags of the pages that show what happened (kommune.core.pagecache); None: every page of
        the municipality, an empty tuple: no cached page."""
        return None


def event_types() -> dict[str, type[Event]]:
    """Every declared event type by name (the apps' events modules are imported in CoreConfig.ready())."""
    return dict(_events)


# --- Consumers --------------------------------------------------------------------------------------------------


Handler = Callable[[Event], None]


@dataclass(frozen=True)
class Consumer:
    name: str
    # The event types handled, each with its handler. A callable, so that a consumer may derive them from a
    # registry filled in the apps' ready() (search: the searchables' index_on).
    handles: Callable[[], Mapping[type[Event], Handler]]
    durable: bool = False  # from the outbox (must not be lost), or only after the commit
    # An after-commit consumer whose effect is idempotent: the drain applies it again to the entries it delivers.
    replay: bool = False
    description: str = ""

    def handler_for(self, event_type: type[Event]) -> Handler | None:
        return self.handles().get(event_type)


_consumers: dict[str, Consumer] = {}


def register_consumer(consumer: Consumer) -> None:
    _consumers[consumer.name] = consumer


def consumers() -> list[Consumer]:
    return sorted(_consumers.values(), key=lambda consumer: consumer.name)


def consumers_of(event_type: type[Event]) -> list[Consumer]:
    return [consumer for consumer, _handler in handlers_of(event_type)]


def handlers_of(event_type: type[Event]) -> list[tuple[Consumer, Handler]]:
    """Each consumer of ``event_type`` with its handler (a consumer's mapping is derived from registries: once)."""
    found = ((consumer, consumer.handler_for(event_type)) for consumer in consumers())
    return [(consumer, handler) for consumer, handler in found if handler is not None]


# --- Publishing -------------------------------------------------------------------------------------------------


def publish(event: Event) -> None:
    """Called by a service inside its transaction, after its write."""
    handling = handlers_of(type(event))
    for consumer, handler in handling:
        if not consumer.durable:
            transaction.on_commit(partial(handler, event), robust=True)
    if any(consumer.durable for consumer, _handler in handling):
        entry = OutboxEntry.objects.create(event=event.name, municipality=event.municipality,
                                           payload=_payload(event))
        transaction.on_commit(partial(_enqueue_delivery, entry.pk), robust=True)


# With a task queue that can defer (the database queue of production), the writes of one window share one delivery:
# the first entry committed in a window enqueues a drain of the outbox to run just after the window closes, and
# the entries committed while the window is open are pending when it runs. So a write enqueues no task of its own
# (an insert and a commit each, the second largest cost of a support). The window lives in the cache; should the
# cache lose it, a write only enqueues a drain too many. The immediate queue (tests) delivers each entry at once.
DELIVERY_WINDOW_SECONDS = 1.0
_DELIVERY_QUEUED = "events:delivery-queued"


def _enqueue_delivery(entry_id: int) -> None:
    if not task_backends["default"].supports_defer:
        deliver_events.enqueue([entry_id])
    elif cache.add(_DELIVERY_QUEUED, entry_id, timeout=DELIVERY_WINDOW_SECONDS):
        runs_at = timezone.now() + timedelta(seconds=DELIVERY_WINDOW_SECONDS + 0.5)
        deliver_pending_events.using(run_after=runs_at).enqueue()


def _reference(obj: Model | None) -> list[int] | None:
    if obj is None or obj.pk is None:
        return None
    return [ContentType.objects.get_for_model(obj, for_concrete_model=False).pk, obj.pk]


def _payload(event: Event) -> dict:
    actor = event.actor if getattr(event.actor, "pk", None) is not None else None
    return {"target": _reference(event.target), "scope": _reference(event.scope),
            "actor": actor.pk if actor is not None else None, "data": event.data}


def _load(reference: list[int] | None) -> Model | None:
    if reference is None:
        return None
    content_type_id, pk = reference
    model = ContentType.objects.get_for_id(content_type_id).model_class()
    if model is None:  # the app of the model is gone
        return None
    return model._default_manager.filter(pk=pk).first() or model(pk=pk)


def rebuild(entry: OutboxEntry) -> Event:
    """The event of an outbox entry, with its objects as they are now."""
    payload = entry.payload
    actor_id = payload.get("actor")
    actor = get_user_model()._default_manager.filter(pk=actor_id).first() if actor_id is not None else None
    target = _load(payload["target"])
    if entry.municipality is None or target is None:
        raise ValueError(f"Outbox entry {entry.pk} names no municipality or no known target.")
    return _events[entry.event](entry.municipality, target, actor=actor, scope=_load(payload["scope"]),
                                data=payload["data"])


# --- Delivering from the outbox ---------------------------------------------------------------------------------


def deliver(entry_ids: Iterable[int], *, replay: bool = False) -> int:
    """Hand these outbox entries to their durable consumers (and, with ``replay``, to the after-commit consumers
    that say ``replay``); returns how many are now fully delivered."""
    done = 0
    for entry in OutboxEntry.objects.filter(pk__in=list(entry_ids), delivered_at__isnull=True).order_by("pk") \
            .select_related("municipality"):
        done += _deliver_entry(entry, replay=replay)
    return done


def deliver_pending(*, limit: int | None = None) -> int:
    """Deliver what is still pending (after a crash, or a consumer that failed), oldest first; forget what was
    delivered more than KEEP_DELIVERED ago."""
    pending = OutboxEntry.objects.filter(delivered_at__isnull=True).order_by("pk").values_list("pk", flat=True)
    delivered = deliver(list(pending[:limit] if limit else pending), replay=True)
    OutboxEntry.objects.filter(delivered_at__lt=timezone.now() - KEEP_DELIVERED).delete()
    return delivered


def _deliver_entry(entry: OutboxEntry, *, replay: bool = False) -> bool:
    event_type = _events.get(entry.event)
    if event_type is None:
        logger.error("Outbox entry %s names the unknown event %r; it stays pending.", entry.pk, entry.event)
        return False
    event = rebuild(entry)
    delivered = True
    for consumer, handler in handlers_of(event_type):
        if consumer.durable:
            delivered &= _apply(consumer, handler, entry, event)
        elif replay and consumer.replay:
            _replay(consumer, handler, entry, event)
    if delivered:
        OutboxEntry.objects.filter(pk=entry.pk).update(delivered_at=timezone.now(), last_error="")
    return delivered


# The task worker's part (`python manage.py db_worker`); defined here, next to what they run.


@task()
def deliver_events(entry_ids: list[int]) -> int:
    """Hand these outbox entries to the durable consumers; enqueued after the commit of the write that wrote them."""
    return deliver(entry_ids)


@task()
def deliver_pending_events() -> int:
    """Deliver every outbox entry still pending; enqueued by `manage.py deliver_events --enqueue` (cron)."""
    return deliver_pending()


def _replay(consumer: Consumer, handler: Handler, entry: OutboxEntry, event: Event) -> None:
    """An after-commit consumer's effect once more, which a dead process may have missed; a failure is logged."""
    try:
        handler(event)
    except Exception:
        logger.exception("Consumer %s failed to replay outbox entry %s (%s).", consumer.name, entry.pk, entry.event)


def _apply(consumer: Consumer, handler: Handler, entry: OutboxEntry, event: Event) -> bool:
    """The consumer's effect and the note that it happened, in one transaction: once, however often delivered."""
    try:
        with transaction.atomic():
            try:
                with transaction.atomic():
                    OutboxDelivery.objects.create(entry=entry, consumer=consumer.name)
            except IntegrityError:
                return True  # applied before
            handler(event)
    except Exception as error:
        logger.exception("Consumer %s failed on outbox entry %s (%s); it stays pending.", consumer.name, entry.pk,
                         entry.event)
        OutboxEntry.objects.filter(pk=entry.pk).update(last_error=f"{consumer.name}: {error!r}"[:2000])
        return False
    return True
