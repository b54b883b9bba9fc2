"""The municipality's own management area under /<slug>/verwaltung/, and a lab's under /labs/<slug>/verwaltung/."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Case, Count, IntegerField, QuerySet, Value, When
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kommune.core import selectors, services
from kommune.core.access import get_for_tenant, lab_view, municipality_view
from kommune.core.assisted import assisted_actions, assisted_entries_for
from kommune.core.audit import describe_details
from kommune.core.forms import PageForm
from kommune.core.manage_forms import ConfirmForm, FeedbackFilterForm, GrantRoleForm, RoleFilterForm
from kommune.core.manage_pages import paginate, tenant_context
from kommune.core.management_menu import entries_for
from kommune.core.models import AccessibilityFeedback, AuditLogEntry, Lab, Membership, Municipality, PageKind, Role
from kommune.core.roles import Tenant
from kommune.core.types import AuthenticatedHttpRequest

ROLE_ORDER = [Role.ADMIN, Role.STAFF, Role.MODERATOR, Role.PARTNER, Role.RESIDENT]
# A lab has no residents of its own; its members work in it.
LAB_ROLES = [Role.ADMIN, Role.STAFF, Role.MODERATOR, Role.PARTNER]
# The public page of each kind: core serves the legal pages, the moderation app the netiquette.
PUBLIC_PAGE_ROUTES = {kind.value: f"core:{kind.value}" for kind in PageKind} | {
    PageKind.NETIQUETTE.value: "moderation:netiquette"}


def _route(tenant: Tenant, name: str, **kwargs) -> str:
    context = tenant_context(tenant)
    return reverse(context["route_prefix"] + name, kwargs={**context["tenant_kwargs"], **kwargs})


# --- Dashboard ------------------------------------------------------------------------------------------------


@municipality_view("core.view_management")
def dashboard(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    return render(request, "manage/dashboard.html", {
        **tenant_context(municipality),
        "entries": entries_for(request.user, municipality),
        "can_edit_pages": request.user.has_perm("core.edit_pages", municipality),
        "page_kinds": list(PageKind),
    })


@lab_view("core.view_management")
def lab_dashboard(request: HttpRequest, lab: Lab) -> HttpResponse:
    can = {name: request.user.has_perm(name, lab) for name in ("core.manage_roles", "core.view_audit_log")}
    return render(request, "manage/lab_dashboard.html", {**tenant_context(lab), "can": can})


# --- Roles ----------------------------------------------------------------------------------------------------


def _role_choices(tenant: Tenant) -> list[tuple[str, str]]:
    roles = ROLE_ORDER if isinstance(tenant, Municipality) else LAB_ROLES
    return [(role.value, str(role.label)) for role in roles]


def _organisations(tenant: Tenant) -> QuerySet:
    # A municipality's own organisations, or the partner organisations that joined the lab.
    return tenant.organisations.order_by("name")


def _roles(request: AuthenticatedHttpRequest, tenant: Tenant) -> HttpResponse:
    roles = _role_choices(tenant)
    form = GrantRoleForm(request.POST or None, roles=roles, organisations=_organisations(tenant))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            membership = services.do_grant_role(tenant=tenant, actor=request.user, user=data["person"],
                                                role=data["role"], organisation=data["organisation"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("%(person)s now has the role “%(role)s”.")
                             % {"person": membership.user.display_name, "role": membership.get_role_display()})
            return redirect(_route(tenant, "roles"))

    filter_form = RoleFilterForm(request.GET or None, roles=roles)
    role = filter_form.cleaned_data["role"] if filter_form.is_valid() else ""
    field = "municipality" if isinstance(tenant, Municipality) else "lab"
    memberships = Membership.objects.filter(**{field: tenant}).select_related("user", "organisation")
    if role:
        memberships = memberships.filter(role=role)
    rank = Case(*(When(role=r, then=Value(i)) for i, r in enumerate(ROLE_ORDER)), output_field=IntegerField())
    memberships = memberships.annotate(rank=rank).order_by("rank", "user__display_name", "pk")
    totals = dict(Membership.objects.filter(**{field: tenant}).values_list("role").annotate(n=Count("pk")))
    return render(request, "manage/roles.html", {
        **tenant_context(tenant),
        "form": form,
        "filter_form": filter_form,
        "role": role,
        "page_obj": paginate(request, memberships),
        "totals": [(value, label, totals.get(value, 0)) for value, label in roles],
    })


def _revoke_role(request: AuthenticatedHttpRequest, tenant: Tenant, pk: int) -> HttpResponse:
    membership = get_for_tenant(Membership.objects.select_related("user", "organisation"), tenant, pk=pk)
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.do_revoke_role(tenant=tenant, actor=request.user, membership=membership)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("%(person)s no longer has the role “%(role)s”.")
                             % {"person": membership.user.display_name, "role": membership.get_role_display()})
            return redirect(_route(tenant, "roles"))
    return render(request, "manage/revoke_role.html", {**tenant_context(tenant), "form": form,
                                                        "membership": membership})


@municipality_view("core.manage_roles")
def roles(request: AuthenticatedHttpRequest, municipality: Municipality) -> HttpResponse:
    return _roles(request, municipality)


@municipality_view("core.manage_roles")
def revoke_role(request: AuthenticatedHttpRequest, municipality: Municipality, pk: int) -> HttpResponse:
    return _revoke_role(request, municipality, pk)


@lab_view("core.manage_roles")
def lab_roles(request: AuthenticatedHttpRequest, lab: Lab) -> HttpResponse:
    return _roles(request, lab)


@lab_view("core.manage_roles")
def lab_revoke_role(request: AuthenticatedHttpRequest, lab: Lab, pk: int) -> HttpResponse:
    return _revoke_role(request, lab, pk)


# --- Audit log ------------------------------------------------------------------------------------------------


def _audit_log(request: HttpRequest, tenant: Tenant) -> HttpResponse:
    field = "municipality" if isinstance(tenant, Municipality) else "lab"
    entries = AuditLogEntry.objects.filter(**{field: tenant}).select_related("actor", "subject").order_by(
        "-created_at", "-id")
    page_obj = paginate(request, entries)
    rows = [(entry, describe_details(entry)) for entry in page_obj]
    return render(request, "manage/audit_log.html", {**tenant_context(tenant), "page_obj": page_obj, "rows": rows})


@municipality_view("core.view_audit_log")
def audit_log(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    return _audit_log(request, municipality)


@lab_view("core.view_audit_log")
def lab_audit_log(request: HttpRequest, lab: Lab) -> HttpResponse:
    return _audit_log(request, lab)


@municipality_view("core.enter_assisted")
def assisted(request: AuthenticatedHttpRequest, municipality: Municipality) -> HttpResponse:
    """Where staff and partners enter a contribution for a resident, and what was entered (staff see everyone's
    entries, a partner their own)."""
    entries = AuditLogEntry.objects.filter(municipality=municipality, action__in=assisted_actions())
    if not request.user.has_perm("core.view_assisted_log", municipality):
        entries = entries.filter(actor=request.user)
    page_obj = paginate(request, entries.select_related("actor", "subject").order_by("-created_at", "-id"))
    return render(request, "manage/assisted.html", {
        **tenant_context(municipality),
        "places": assisted_entries_for(request.user, municipality),
        "page_obj": page_obj,
        "rows": [(entry, describe_details(entry)) for entry in page_obj],
    })


# --- Pages ----------------------------------------------------------------------------------------------------


@municipality_view("core.edit_pages")
def edit_page(request: AuthenticatedHttpRequest, municipality: Municipality, kind: str) -> HttpResponse:
    if kind not in PageKind.values:
        raise Http404
    kind = PageKind(kind)
    page = selectors.page_of(municipality, kind)
    form = PageForm(request.POST or None, initial={"body": page.body if page else ""})
    if request.method == "POST" and form.is_valid():
        try:
            services.do_update_page(municipality=municipality, actor=request.user, kind=kind,
                                    body=form.cleaned_data["body"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The page has been saved and is published."))
            return redirect("manage:edit_page", municipality_slug=municipality.slug, kind=kind.value)
    return render(request, "manage/edit_page.html", {
        **tenant_context(municipality),
        "form": form,
        "kind": kind,
        "page": page,
        "public_url": reverse(PUBLIC_PAGE_ROUTES[kind.value], kwargs={"municipality_slug": municipality.slug}),
    })


# --- Accessibility feedback -----------------------------------------------------------------------------------


@municipality_view("core.read_accessibility_feedback")
def feedback(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    filter_form = FeedbackFilterForm(request.GET or None)
    status = (filter_form.cleaned_data["status"] if filter_form.is_valid() else "") or "open"
    items = AccessibilityFeedback.objects.filter(municipality=municipality).select_related("handled_by")
    if status == "open":
        items = items.filter(handled_at__isnull=True)
    elif status == "handled":
        items = items.filter(handled_at__isnull=False)
    return render(request, "manage/feedback.html", {
        **tenant_context(municipality),
        "filter_form": filter_form,
        "status": status,
        "page_obj": paginate(request, items.order_by("-created_at", "-id")),
    })


@municipality_view("core.read_accessibility_feedback")
@require_POST
def feedback_handled(request: AuthenticatedHttpRequest, municipality: Municipality, pk: int) -> HttpResponse:
    item = get_for_tenant(AccessibilityFeedback, municipality, pk=pk)
    services.do_mark_feedback_handled(feedback=item, actor=request.user)
    messages.success(request, _("The feedback is marked as handled."))
    return redirect("manage:feedback", municipality_slug=municipality.slug)
