"""Municipalities and labs by the slug in the URL, kept in the app server process while they do not change.

Every page of a municipality or lab looks up its tenant first, and that query was about a tenth of a logged-in page's
time although the row hardly ever changes. So a process keeps the rows it read under one generation of all tenants,
which every save or delete of a municipality or lab counts on after its commit. The page cache's generation watch
(kommune.core.generation_watch) tells every process of that bump without a round trip, as it does for pages.

- The generation is read before the row: a row read while a change commits is kept under the old generation,
  which the next lookup no longer accepts.
- Without the watch (no Redis, or the page cache off) and inside a transaction (which may hold uncommitted or,
  later, rolled-back rows of its own) every lookup reads the database as before.
- Each lookup hands out its own copy: a view may change its tenant's attributes (a form bound to it).

Rows that belong to a tenant and change as rarely (a municipality's rules for citizen proposals) are kept the same
way (``kept_row``, ``keep_rows_of``), under the same generation.
"""

import copy
import time
from collections.abc import Callable

from django.db import transaction
from django.db.models import Model
from django.db.models.signals import post_delete, post_save
from django.shortcuts import get_object_or_404

from kommune.core.models import Lab, Municipality
from kommune.core.pagecache import bump_generation, watched_generation

type Tenant = Municipality | Lab

GENERATION_KEY = "tenants:generation"
# Bounds a change that bypassed the signals (a raw UPDATE): after this, a kept row is read again.
KEEP_SECONDS = 300.0
MAX_KEPT = 10_000
_kept: dict[tuple, tuple[int, float, Model]] = {}


def tenant_or_404[T: Tenant](model: type[T], slug: str) -> T:
    return kept_row((model, slug), lambda: get_object_or_404(model, slug=slug))


def kept_row[R: Model](key: tuple, read: Callable[[], R]) -> R:
    """The row that ``read`` gives, kept under ``key`` while no kept row changed (a tenant, or a row of a model
    given to ``keep_rows_of``: a municipality's settings). Its related objects are not kept: set them again."""
    generation = None if transaction.get_connection().in_atomic_block else watched_generation(GENERATION_KEY)
    if generation is None:
        return read()
    kept = _kept.get(key)
    if kept is not None and kept[0] == generation and time.monotonic() < kept[1]:
        return copy.copy(kept[2])  # type: ignore[return-value]  # what read() gave under this key
    row = read()
    if len(_kept) >= MAX_KEPT:
        _kept.clear()
    kept_copy = copy.copy(row)
    kept_copy._state.fields_cache = {}  # another request's objects must not travel with it
    _kept[key] = (generation, time.monotonic() + KEEP_SECONDS, kept_copy)
    return row


def forget_kept_tenants() -> None:
    _kept.clear()


def watch_tenants() -> None:
    """Every save or delete of a municipality or lab (the services, the admin) makes the kept rows stale; called
    once by CoreConfig.ready()."""
    keep_rows_of(Municipality, Lab)


def keep_rows_of(*models: type[Model]) -> None:
    """Rows of these models may be kept (``kept_row``): each save or delete makes every kept row stale."""
    for model in models:
        label = model._meta.label
        post_save.connect(_kept_row_changed, sender=model, dispatch_uid=f"tenants:saved:{label}")
        post_delete.connect(_kept_row_changed, sender=model, dispatch_uid=f"tenants:deleted:{label}")


def _kept_row_changed(**kwargs) -> None:
    transaction.on_commit(lambda: bump_generation(GENERATION_KEY))
