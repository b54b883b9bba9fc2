"""Which roles a person holds in a municipality or lab, looked up once per request."""

from django.contrib.auth.models import AnonymousUser

from kommune.core.models import Lab, Membership, Municipality

Tenant = Municipality | Lab


def roles_in(user, tenant: Tenant | None) -> frozenset[str]:
    if tenant is None or isinstance(user, AnonymousUser) or not user.is_authenticated:
        return frozenset()
    cache: dict = user.__dict__.setdefault("_kommune_roles", {})
    key = (type(tenant).__name__, tenant.pk)
    if key not in cache:
        field = "municipality" if isinstance(tenant, Municipality) else "lab"
        cache[key] = frozenset(Membership.objects.filter(user=user, **{field: tenant}).values_list("role", flat=True))
    return cache[key]


def forget_roles(user) -> None:
    user.__dict__.pop("_kommune_roles", None)
