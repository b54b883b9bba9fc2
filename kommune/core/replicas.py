"""Read replicas (PostgreSQL streaming replication): the read-only queries of anonymous GET requests go to them.

Configured by ``DATABASE_REPLICA_URLS`` (config/settings.py, docs/deployment.md): each URL becomes a database alias
``replica1``, ``replica2``, …; with none, neither the router nor the middleware is installed and nothing here runs.

Which requests: a GET or HEAD without a session cookie (so no query is spent on finding out whether someone is
logged in). Anyone logged in, and anyone who just did something (a message in the session), reads from the
primary, so a person always sees their own writes; the anonymous pages a replica serves lag behind by the
replication delay, as they may lag behind by the page cache's lifetime anyway.

Which queries: reads only. Writes go to the primary (``db_for_write`` says nothing: the default), and so does every
read that Django marks as belonging to a write (``select_for_update``, ``get_or_create``) and every read inside a
transaction on the primary (it must see the transaction's own writes).
"""

import contextvars
import itertools
from collections.abc import Callable, Iterator

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.http import HttpRequest, HttpResponse

_reading_from_replica: contextvars.ContextVar[bool] = contextvars.ContextVar("reading_from_replica", default=False)
_turns: dict[tuple[str, ...], Iterator[str]] = {}


def replica_aliases() -> tuple[str, ...]:
    return tuple(settings.DATABASE_REPLICAS)


def _next_replica() -> str | None:
    aliases = replica_aliases()
    if not aliases:
        return None
    turns = _turns.get(aliases)
    if turns is None:
        turns = _turns[aliases] = itertools.cycle(aliases)
    return next(turns)


def reads_from_replica() -> bool:
    """Whether the queries running now may read from a replica (an anonymous GET request)."""
    return _reading_from_replica.get()


class ReplicaRouter:
    """Sends the reads of anonymous GET requests (see ReplicaMiddleware) to the replicas in turn."""

    def db_for_read(self, model: type, **hints: object) -> str | None:
        if not reads_from_replica() or connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return None
        return _next_replica()

    def db_for_write(self, model: type, **hints: object) -> str | None:
        return None

    def allow_relation(self, first: object, second: object, **hints: object) -> bool | None:
        return True  # the replicas hold the primary's data

    def allow_migrate(self, db: str, app_label: str, **hints: object) -> bool | None:
        return False if db in replica_aliases() else None


class ReplicaMiddleware:
    """Marks an anonymous GET or HEAD request (no session cookie) as one whose reads may go to a replica."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method not in ("GET", "HEAD") or settings.SESSION_COOKIE_NAME in request.COOKIES:
            return self.get_response(request)
        token = _reading_from_replica.set(True)
        try:
            return self.get_response(request)
        finally:
            _reading_from_replica.reset(token)
