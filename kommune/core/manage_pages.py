"""What every app's management pages share with core's: the page of a paginated list and the template context of
the tenant (municipality or lab) being managed."""

from django.core.paginator import Page as PaginatorPage
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest

from kommune.core.models import Municipality
from kommune.core.roles import Tenant

PAGE_SIZE = 50


def paginate(request: HttpRequest, queryset: QuerySet) -> PaginatorPage:
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def tenant_context(tenant: Tenant) -> dict:
    """What the templates need to render the header and to build this tenant's management URLs."""
    if isinstance(tenant, Municipality):
        return {"municipality": tenant, "tenant": tenant, "route_prefix": "manage:",
                "tenant_kwargs": {"municipality_slug": tenant.slug}}
    return {"lab": tenant, "tenant": tenant, "route_prefix": "manage:lab_", "tenant_kwargs": {"lab_slug": tenant.slug}}
