"""Which roles a person holds in a municipality or lab: read once per request, from the cache when it can be.

Every page a logged-in person opens checks a role at least twice (the view's permission, the header's link to the
management area), and reading the memberships was a query of its own on every page. So all of a person's roles
are kept in the cache under a *version* of that person's roles. A change of a membership counts the version on
after its commit, so the next request reads the database again. The version is read before the database: a
request that read the old roles while a change committed stores them under the old version, which the next
request no longer accepts. The version is a counter of kommune.core.versions.
"""

import threading
from functools import partial

from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

from kommune.core.models import Lab, Membership, Municipality
from kommune.core.versions import count_on, current_version

Tenant = Municipality | Lab
Held = dict[tuple[str, int], frozenset[str]]  # (the tenant's class name, its id) -> the roles there

ROLES_SECONDS = 600


def roles_in(user, tenant: Tenant | None) -> frozenset[str]:
    if tenant is None or isinstance(user, AnonymousUser) or not user.is_authenticated:
        return frozenset()
    return _held(user).get((type(tenant).__name__, tenant.pk), frozenset())


def forget_roles(user) -> None:
    """Read the roles again within this request (after this request changed them)."""
    user.__dict__.pop("_kommune_roles", None)


def _held(user) -> Held:
    held: Held | None = user.__dict__.get("_kommune_roles")
    if held is None:
        held = user.__dict__["_kommune_roles"] = _cached_or_read(user.pk)
    return held


def _cached_or_read(user_id: int) -> Held:
    if user_id in _changed_in_open_transaction():  # the cache learns of the change at the commit
        return _read(user_id)
    version_key, roles_key = _keys(user_id)
    found = cache.get_many([version_key, roles_key])
    stored = found.get(roles_key)
    version = current_version(version_key, found)
    if isinstance(stored, tuple) and stored[0] == version:
        return stored[1]
    held = _read(user_id)
    cache.set(roles_key, (version, held), ROLES_SECONDS)
    return held


def _read(user_id: int) -> Held:
    roles: dict[tuple[str, int], set[str]] = {}
    for municipality_id, lab_id, role in Membership.objects.filter(user_id=user_id).values_list(
            "municipality_id", "lab_id", "role"):
        tenant = (Municipality.__name__, municipality_id) if municipality_id else (Lab.__name__, lab_id)
        roles.setdefault(tenant, set()).add(role)
    return {tenant: frozenset(names) for tenant, names in roles.items()}


def _keys(user_id: int) -> tuple[str, str]:
    return f"roles:{user_id}:version", f"roles:{user_id}"


def roles_changed(user_id: int) -> None:
    """The person's roles changed: every request from now on reads them again."""
    version_key, _roles_key = _keys(user_id)
    count_on(version_key)


def watch_memberships() -> None:
    """Every way a membership changes (the services, the admin, an account's deletion) counts the person's
    version on; called once by CoreConfig.ready()."""
    post_save.connect(_membership_changed, sender=Membership, dispatch_uid="roles:saved")
    post_delete.connect(_membership_changed, sender=Membership, dispatch_uid="roles:deleted")


def _membership_changed(instance: Membership, **kwargs) -> None:
    # Counted on after the commit, so that no request reads the old rows again under the new version. Until then
    # this thread, which sees its own uncommitted rows, reads the person's roles from the database (a setup that
    # grants a role and then acts in it, in one transaction).
    _changed_in_open_transaction().add(instance.user_id)
    transaction.on_commit(partial(_committed, instance.user_id))


def _committed(user_id: int) -> None:
    _changed_in_open_transaction().discard(user_id)
    roles_changed(user_id)


_local = threading.local()


def _changed_in_open_transaction() -> set[int]:
    """The people whose memberships this thread changed in a transaction that has not committed yet. Outside a
    transaction there is none: what a rolled-back one left is dropped then."""
    changed: set[int] = _local.__dict__.setdefault("changed", set())
    if changed and not transaction.get_connection().in_atomic_block:
        changed.clear()
    return changed
