"""What every page reads of the person looking and what rarely changes (their roles, what they follow), kept in the
cache under a *version* of that person's value, so that a logged-in page reads none of it from the database.

A change of the rows behind it (a saved or deleted Membership or Follow) counts the version on after its commit,
so the next request reads the database again. The version is read before the database: a request that read the
old rows while a change committed stores them under the old version, which the next request no longer accepts.
Until the commit, the thread that made the change reads the person's value from the database (a setup that grants
a role and then acts in it, in one transaction); a rolled-back change never reaches the cache. The version is a
counter of kommune.core.versions.
"""

import threading
from collections.abc import Callable
from functools import partial
from typing import Any

from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import transaction
from django.db.models import Model
from django.db.models.signals import post_delete, post_save

from kommune.core.versions import count_on, current_version

_caches: list["PersonalCache"] = []


class _RequestReads(threading.local):
    """What a request read of the person's caches: the first ``get`` of a request fetches the versions and values
    of every personal cache of that person in one round trip (a page with comments asks five of them). Kept only
    between request_started and request_finished, so a worker or a command never reads an old value from here."""

    def __init__(self) -> None:
        self.active = False
        self.found: dict[int, dict[str, Any]] = {}

    def of(self, user_id: int) -> dict[str, Any]:
        if not self.active:
            return cache.get_many(_keys_of_all(user_id))
        found = self.found.get(user_id)
        if found is None:
            found = self.found[user_id] = cache.get_many(_keys_of_all(user_id))
        return found

    def start(self, **kwargs: Any) -> None:
        self.active, self.found = True, {}

    def finish(self, **kwargs: Any) -> None:
        self.active, self.found = False, {}


def _keys_of_all(user_id: int) -> list[str]:
    return [key for personal in _caches for key in personal._keys(user_id)]


_request_reads = _RequestReads()
request_started.connect(_request_reads.start, dispatch_uid="personal:request_started", weak=False)
request_finished.connect(_request_reads.finish, dispatch_uid="personal:request_finished", weak=False)


class PersonalCache[V]:
    def __init__(self, name: str, read: Callable[[int], V], seconds: int) -> None:
        self.name = name
        self._read = read
        self._seconds = seconds
        self._local = threading.local()
        _caches.append(self)

    def get(self, user_id: int) -> V:
        if user_id in self._changed_in_open_transaction():  # the cache learns of the change at the commit
            return self._read(user_id)
        version_key, value_key = self._keys(user_id)
        found = _request_reads.of(user_id)
        stored = found.get(value_key)
        version = current_version(version_key, found)
        if isinstance(stored, tuple) and stored[0] == version:
            return stored[1]
        value = self._read(user_id)
        cache.set(value_key, (version, value), self._seconds)
        found[value_key] = (version, value)
        return value

    def changed(self, user_id: int) -> None:
        """The person's value changed (committed): every request from now on reads it again."""
        count_on(self._keys(user_id)[0])
        _request_reads.found.pop(user_id, None)

    def watch(self, model: type[Model], person: str = "user_id") -> None:
        """Every save or delete of a row of ``model`` changes the value of the person its field ``person`` names."""
        def row_changed(instance: Model, **kwargs) -> None:
            person_id = getattr(instance, person)
            if person_id is not None:
                self.changed_with_this_transaction(person_id)

        uid = f"{self.name}:{model._meta.label}"  # a cache may watch several models
        post_save.connect(row_changed, sender=model, dispatch_uid=f"{uid}:saved", weak=False)
        post_delete.connect(row_changed, sender=model, dispatch_uid=f"{uid}:deleted", weak=False)

    def changed_with_this_transaction(self, user_id: int) -> None:
        """The person's rows change in the open transaction (a write that sends no signal: bulk_create); counted
        on after the commit, so that no request reads the old rows again under the new version."""
        self._changed_in_open_transaction().add(user_id)
        transaction.on_commit(partial(self._committed, user_id))

    def _committed(self, user_id: int) -> None:
        self._changed_in_open_transaction().discard(user_id)
        self.changed(user_id)

    def _keys(self, user_id: int) -> tuple[str, str]:
        return f"{self.name}:{user_id}:version", f"{self.name}:{user_id}"

    def _changed_in_open_transaction(self) -> set[int]:
        """The people whose rows this thread changed in a transaction that has not committed yet. Outside a
        transaction there is none: what a rolled-back one left is dropped then."""
        changed: set[int] = self._local.__dict__.setdefault("changed", set())
        if changed and not transaction.get_connection().in_atomic_block:
            changed.clear()
        return changed
