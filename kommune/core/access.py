"""Look up a tenant-owned object and authorise the request in one step.

Views never fetch a tenant's object by primary key alone: they use these helpers, which scope the
lookup to the tenant in the URL and raise 404 (unknown, or of another tenant) or ask for a login /
raise 403 (not allowed) before the view body runs.

Every view of the project declares its access with one of the decorators below (``public_view``,
``login_view``, ``municipality_view``, ``lab_view``). tests/test_routes.py walks all URL patterns, reads
the declaration (``view.access``) and checks it against every persona and a foreign tenant; a view
without a declaration fails that test.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404

from kommune.core.models import Lab, Municipality
from kommune.core.tenants import tenant_or_404


@dataclass(frozen=True)
class Access:
    scope: str  # "public", "login", "municipality" or "lab"
    permission: str | None = None


class LoginRequired(Exception):
    """Raised by access helpers for anonymous visitors; turned into a redirect to the login page."""


def authorise(request: HttpRequest, permission: str | None, tenant) -> None:
    if permission is None or request.user.has_perm(permission, tenant):
        return
    if not request.user.is_authenticated:
        raise LoginRequired
    raise PermissionDenied


def for_tenant[M: Model](queryset: QuerySet[M], tenant: Municipality | Lab, **lookup: Any) -> QuerySet[M]:
    """The objects of ``queryset`` owned by ``tenant`` that match ``lookup``."""
    return queryset.filter(**{_owner_field(tenant): tenant}, **lookup)


def get_for_tenant[M: Model](queryset: type[M] | QuerySet[M], tenant: Municipality | Lab, **lookup: Any) -> M:
    """Fetch one object owned by ``tenant``; another tenant's object is a 404 like a missing one."""
    return get_object_or_404(queryset, **{_owner_field(tenant): tenant}, **lookup)


def _owner_field(tenant: Municipality | Lab) -> str:
    return "municipality" if isinstance(tenant, Municipality) else "lab"


def _declare[V: Callable[..., HttpResponseBase]](view: V, access: Access) -> V:
    view.access = access  # type: ignore[attr-defined]  # read by the route walk (tests/test_routes.py)
    return view


def public_view[V: Callable[..., HttpResponseBase]](view: V) -> V:
    """Open to everyone, no tenant in the URL."""
    return _declare(view, Access("public"))


def login_view(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """For any logged-in person (their own account pages); anonymous visitors are sent to the login."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return _declare(wrapper, Access("login"))


def _tenant_view(model, url_kwarg: str, argument: str, scope: str, permission: str | None) -> Callable:
    def decorator(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponseBase:
            tenant = tenant_or_404(model, kwargs.pop(url_kwarg))
            try:
                authorise(request, permission, tenant)
                return view(request, *args, **{argument: tenant}, **kwargs)
            except LoginRequired:
                return redirect_to_login(request.get_full_path())

        return _declare(wrapper, Access(scope, permission))

    return decorator


def municipality_view(permission: str | None = None) -> Callable:
    """Resolve ``municipality_slug`` into ``municipality`` and check ``permission`` on it."""
    return _tenant_view(Municipality, "municipality_slug", "municipality", "municipality", permission)


def lab_view(permission: str | None = None) -> Callable:
    """Resolve ``lab_slug`` into ``lab`` and check ``permission`` on it."""
    return _tenant_view(Lab, "lab_slug", "lab", "lab", permission)
