"""Municipalities and labs by the slug in the URL, kept in the app server process while they do not change.

Every page of a municipality or lab looks up its tenant first, and that query was a tenth of a logged-in page's
time although the row hardly ever changes. So a process keeps the rows it read under one generation of all tenants,
which every save or delete of a municipality or lab counts on after its commit. The page cache's generation watch
(kommune.core.generation_watch) tells every process of that bump without a round trip, as it does for pages.

- The generation is read before the row: a row read while a change commits is kept under the old generation,
  which the next lookup no longer accepts.
- Without the watch (no Redis, or the page cache off) and inside a transaction (which may hold uncommitted or,
  later, rolled-back rows of its own) every lookup reads the database as before.
- Each lookup hands out its own copy: a view may change its tenant's attributes (a form bound to it).
"""

import copy
import time

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.shortcuts import get_object_or_404

from kommune.core.models import Lab, Municipality
from kommune.core.pagecache import bump_generation, watched_generation

type Tenant = Municipality | Lab

GENERATION_KEY = "tenants:generation"
# Bounds a change that bypassed the signals (a raw UPDATE): after this, a kept row is read again.
KEEP_SECONDS = 300.0
MAX_KEPT = 10_000
_kept: dict[tuple[type, str], tuple[int, float, Tenant]] = {}


def tenant_or_404[T: Tenant](model: type[T], slug: str) -> T:
    generation = None if transaction.get_connection().in_atomic_block else watched_generation(GENERATION_KEY)
    if generation is None:
        return get_object_or_404(model, slug=slug)
    kept = _kept.get((model, slug))
    if kept is not None and kept[0] == generation and time.monotonic() < kept[1]:
        return copy.copy(kept[2])  # type: ignore[return-value]  # kept under (model, slug): a T
    tenant = get_object_or_404(model, slug=slug)
    if len(_kept) >= MAX_KEPT:
        _kept.clear()
    _kept[(model, slug)] = (generation, time.monotonic() + KEEP_SECONDS, copy.copy(tenant))
    return tenant


def forget_kept_tenants() -> None:
    _kept.clear()


def watch_tenants() -> None:
    """Every save or delete of a municipality or lab (the services, the admin) makes the kept rows stale; called
    once by CoreConfig.ready()."""
    for model in (Municipality, Lab):
        post_save.connect(_tenant_changed, sender=model, dispatch_uid=f"tenants:saved:{model.__name__}")
        post_delete.connect(_tenant_changed, sender=model, dispatch_uid=f"tenants:deleted:{model.__name__}")


def _tenant_changed(**kwargs) -> None:
    transaction.on_commit(lambda: bump_generation(GENERATION_KEY))
