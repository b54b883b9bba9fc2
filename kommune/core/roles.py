"""Which roles a person holds in a municipality or lab: read once per request, from the cache when it can be.

Every page a logged-in person opens checks a role at least twice (the view's permission, the header's link to the
management area), and reading the memberships was a query of its own on every page. So all of a person's roles
are kept in the cache under a version of that person's roles (kommune.core.personal), which every saved or
deleted membership counts on after its commit.
"""

from django.contrib.auth.models import AnonymousUser

from kommune.core.models import Lab, Membership, Municipality
from kommune.core.personal import PersonalCache

Tenant = Municipality | Lab
Held = dict[tuple[str, int], frozenset[str]]  # (the tenant's class name, its id) -> the roles there

ROLES_SECONDS = 600


def roles_in(user, tenant: Tenant | None) -> frozenset[str]:
    if tenant is None or isinstance(user, AnonymousUser) or not user.is_authenticated:
        return frozenset()
    return _held(user).get((type(tenant).__name__, tenant.pk), frozenset())


def holds_role_anywhere(user, role: str) -> bool:
    """Whether the person has ``role`` in any municipality or lab (from the kept roles, no query)."""
    if isinstance(user, AnonymousUser) or not user.is_authenticated:
        return False
    return any(role in names for names in _held(user).values())


def forget_roles(user) -> None:
    """Read the roles again within this request (after this request changed them)."""
    user.__dict__.pop("_kommune_roles", None)


def _held(user) -> Held:
    held: Held | None = user.__dict__.get("_kommune_roles")
    if held is None:
        held = user.__dict__["_kommune_roles"] = _ROLES.get(user.pk)
    return held


def _read(user_id: int) -> Held:
    roles: dict[tuple[str, int], set[str]] = {}
    for municipality_id, lab_id, role in Membership.objects.filter(user_id=user_id).values_list(
            "municipality_id", "lab_id", "role"):
        tenant = (Municipality.__name__, municipality_id) if municipality_id else (Lab.__name__, lab_id)
        roles.setdefault(tenant, set()).add(role)
    return {tenant: frozenset(names) for tenant, names in roles.items()}


# _read through a lambda: tests replace it to commit a change in the middle of a read.
_ROLES = PersonalCache("roles", lambda user_id: _read(user_id), ROLES_SECONDS)


def watch_memberships() -> None:
    """Every way a membership changes (the services, the admin, an account's deletion) counts the person's
    version on; called once by CoreConfig.ready()."""
    _ROLES.watch(Membership)
