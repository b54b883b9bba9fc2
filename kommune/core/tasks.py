"""Background work of core, run by the task worker (`python manage.py db_worker`), never in a request."""

from django.tasks import task

from kommune.core import events


@task()
def deliver_events(entry_ids: list[int]) -> int:
    """Hand these outbox entries to the durable consumers; enqueued after the commit of the write that wrote them."""
    return events.deliver(entry_ids)


@task()
def deliver_pending_events() -> int:
    """Deliver every outbox entry still pending; enqueued by `manage.py deliver_events --enqueue`."""
    return events.deliver_pending()
