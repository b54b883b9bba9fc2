"""The page cache's generations, kept in the app server process and told of every bump by Redis pub/sub.

A page-cache hit needs the current generations of the page's site, municipality and tags. Read from Redis, they
cost a round trip on every hit, about as much as the rest of the hit together. So each process subscribes to the
channel on which every bump is published (in the same Lua script as the increment, so no bump goes unannounced),
keeps the generations it read, and forgets a key as soon as its bump is announced.

No thread: before each use the watch reads what has arrived on its subscription, without waiting (one poll of the
socket). A bump is published before the write's answer leaves its app server, so whoever learned of a write finds
its announcement already on the way to every process.

Correctness rests on two rules:
- A generation read from Redis is kept only if no announcement arrived between the start of the read and its end.
  Otherwise the read might have seen the value before a bump whose announcement this process has already drained.
- While the subscription is not confirmed, or after it broke, nothing is kept. Every read then goes to Redis, as
  without the watch, and the watch subscribes again after RETRY_SECONDS. A subscription that Redis dropped (a
  restart, or a subscriber too slow for its output buffer) shows as a broken socket on the next poll.
"""

import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

from redis import ConnectionPool, Redis
from redis.backoff import NoBackoff
from redis.exceptions import RedisError
from redis.retry import Retry

RETRY_SECONDS = 5.0
MAX_KEYS = 50_000
SUBSCRIBE_TIMEOUT = 1.0
SEPARATOR = "\n"  # between the keys of one announcement

# The Redis client of the cache and the channel, or None without Redis; asked again after a broken subscription
# or forget().
Connect = Callable[[], tuple[Any, str] | None]


class GenerationWatch:
    def __init__(self, connect: Connect) -> None:
        self._connect = connect
        self._lock = threading.Lock()
        self._pubsub: Any = None
        self._confirmed = False  # the subscription's confirmation arrived: from then on no announcement is missed
        self._known: dict[str, int] = {}
        self._announcements = 0  # drained so far: a read that saw this number change is not kept
        self._retry_at = 0.0

    def read(self, keys: list[str]) -> tuple[list[int] | None, int | None]:
        """The generations under ``keys`` if the process knows them all; else None and, when the watch listens, a
        mark to hand to ``learn`` with what was then read from Redis."""
        with self._lock:
            if not self._listening():
                return None, None
            known = [self._known.get(key) for key in keys]
            if None in known:
                return None, self._announcements
            return known, None  # type: ignore[return-value]  # no None in it

    def learn(self, mark: int | None, generations: dict[str, int]) -> None:
        """Keep generations read from Redis after ``read`` gave ``mark``, unless a bump was announced since."""
        if mark is None:
            return
        with self._lock:
            if self._listening() and self._announcements == mark:
                if len(self._known) + len(generations) > MAX_KEYS:
                    self._known.clear()
                self._known.update(generations)

    def forget(self) -> None:
        """Drop the subscription and everything known: the next read connects again (tests, another cache)."""
        with self._lock:
            self._drop(retry_at=0.0)

    def forget_in_child(self) -> None:
        """After a fork: the child must not read its parent's subscription (the parent would miss announcements),
        nor close it, nor wait for a lock that a thread of the parent held."""
        self._lock = threading.Lock()
        self._pubsub = None  # the parent's: not closed here
        self._drop(retry_at=0.0)

    def _listening(self) -> bool:
        """Subscribed, confirmed and drained up to now (with the lock held)."""
        if self._pubsub is None:
            if time.monotonic() < self._retry_at:
                return False
            connection = self._connect()
            if connection is None or not self._subscribe(*connection):
                return False
        try:
            self._drain()
        except (RedisError, OSError):
            self._drop(retry_at=time.monotonic() + RETRY_SECONDS)
            return False
        return self._confirmed

    def _subscribe(self, client: Any, channel: str) -> bool:
        self._pubsub, self._confirmed = _own_connection(client).pubsub(), False
        try:
            self._pubsub.subscribe(channel)
            self._pubsub.connection.register_connect_callback(self._reconnected)
            deadline = time.monotonic() + SUBSCRIBE_TIMEOUT
            while not self._confirmed and (left := deadline - time.monotonic()) > 0:
                self._drain(timeout=left)
        except (RedisError, OSError):
            pass
        if not self._confirmed:
            self._drop(retry_at=time.monotonic() + RETRY_SECONDS)
        return self._confirmed

    def _reconnected(self, _connection: Any) -> None:
        # redis-py connected the subscription again and subscribes anew by itself: what was announced in between
        # is lost, so nothing known holds until the new subscription is confirmed.
        self._confirmed = False
        self._announcements += 1
        self._known.clear()

    def _drain(self, timeout: float = 0.0) -> None:
        while (message := self._pubsub.get_message(timeout=timeout)) is not None:
            if message["type"] == "subscribe":
                self._confirmed = True
            elif message["type"] == "message":
                self._announcements += 1
                self._forget_keys(message["data"])
            timeout = 0.0

    def _forget_keys(self, data: bytes | str) -> None:
        text = data.decode() if isinstance(data, bytes) else data
        for key in text.split(SEPARATOR):
            self._known.pop(key, None)

    def _drop(self, *, retry_at: float) -> None:
        if self._pubsub is not None:
            try:
                self._pubsub.close()
                self._pubsub.connection_pool.disconnect()
            except (RedisError, OSError):
                pass
        self._pubsub, self._confirmed, self._retry_at = None, False, retry_at
        self._announcements += 1  # a read that began before may have missed a bump: it must not be kept
        self._known.clear()


def _own_connection(client: Any) -> Redis:
    """A client of the same server with a pool of its own, so that the subscription's settings and callback stay
    off the cache's connections, and without retries: a broken subscription fails at once, never waits in a
    request."""
    pool = client.connection_pool
    kwargs = {**pool.connection_kwargs, "retry": Retry(NoBackoff(), 0)}
    return Redis(connection_pool=ConnectionPool(connection_class=pool.connection_class, **kwargs))


def announcement(keys: Iterable[str]) -> str:
    """The message that tells every watch to forget these keys."""
    return SEPARATOR.join(keys)
