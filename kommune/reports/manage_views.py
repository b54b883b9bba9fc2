"""Managing issue reports under /<slug>/verwaltung/meldungen/ (permission reports.manage): the list with the
overdue ones, a report's status, department and merging, reports entered for residents, settings and the
Open311 keys."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kommune.core.access import get_for_tenant, municipality_view
from kommune.core.cursor import InvalidCursor
from kommune.core.models import Municipality
from kommune.core.types import AuthenticatedHttpRequest
from kommune.reports import selectors, services
from kommune.reports.forms import (
    ApiKeyForm,
    AssistedReportForm,
    ManageFilterForm,
    MergeForm,
    RouteForm,
    SettingsForm,
    StatusForm,
)
from kommune.reports.models import ApiKey, Report

PERMISSION = services.MANAGE_PERMISSION


def _url(name: str, municipality: Municipality, **kwargs) -> str:
    return reverse(f"reports:{name}", kwargs={"municipality_slug": municipality.slug, **kwargs})


def _form_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


@municipality_view(PERMISSION)
def overview(request: AuthenticatedHttpRequest, municipality: Municipality) -> HttpResponse:
    form = ManageFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {"status": "", "overdue": False}
    try:
        page = selectors.manage_page(municipality, status=str(filters["status"]), overdue=bool(filters["overdue"]),
                                     cursor=request.GET.get("cursor") or None)
    except InvalidCursor:
        return render(request, "reports/bad_cursor.html", {"municipality": municipality,
                                                           "message": InvalidCursor.message}, status=400)
    query = {key: ("on" if value is True else value) for key, value in filters.items() if value}
    return render(request, "reports/manage/overview.html", {
        "municipality": municipality, "form": form, "page": page, "query": query,
        "overdue_count": selectors.overdue_count(municipality), "counts": selectors.status_counts(municipality),
        "services": list(selectors.services_of(municipality)),
    })


@municipality_view(PERMISSION)
def report(request: AuthenticatedHttpRequest, municipality: Municipality, issue_id: int) -> HttpResponse:
    item = get_for_tenant(selectors.reports_of(municipality).select_related("reporter", "duplicate_of"),
                          municipality, pk=issue_id)
    status_form = StatusForm(initial={"status": item.status, "note": item.status_note}, prefix="status")
    route_form = RouteForm(initial={"department": item.department_id}, municipality=municipality, prefix="route")
    merge_form = MergeForm(prefix="merge")
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "status":
                status_form = StatusForm(request.POST, prefix="status")
                if status_form.is_valid():
                    services.do_change_status(report=item, actor=request.user, **status_form.cleaned_data)
                    messages.success(request, _("The status was changed; the people who follow the report are "
                                                "told."))
                    return redirect(_url("manage_report", municipality, issue_id=item.pk))
            elif action == "route":
                route_form = RouteForm(request.POST, municipality=municipality, prefix="route")
                if route_form.is_valid():
                    services.do_route_report(report=item, actor=request.user,
                                             department=route_form.cleaned_data["department"])
                    messages.success(request, _("The report was given to the department."))
                    return redirect(_url("manage_report", municipality, issue_id=item.pk))
            elif action == "merge":
                merge_form = MergeForm(request.POST, prefix="merge")
                if merge_form.is_valid():
                    into = get_for_tenant(Report, municipality, pk=merge_form.cleaned_data["into"])
                    services.do_merge_report(report=item, actor=request.user, into=into,
                                             note=merge_form.cleaned_data["note"])
                    messages.success(request, _("The report was merged; its followers now follow report no. "
                                                "%(id)s.") % {"id": into.pk})
                    return redirect(_url("manage_report", municipality, issue_id=item.pk))
        except ValidationError as error:
            target = {"status": status_form, "route": route_form, "merge": merge_form}.get(action or "", status_form)
            _form_errors(target, error)
    return render(request, "reports/manage/report.html", {
        "municipality": municipality, "report": item, "status_form": status_form, "route_form": route_form,
        "merge_form": merge_form, "geojson": selectors.mapped_reports([item]),
    }, status=400 if request.method == "POST" else 200)


@municipality_view(PERMISSION)
def assisted_choose(request: AuthenticatedHttpRequest, municipality: Municipality) -> HttpResponse:
    return render(request, "reports/choose.html", {
        "municipality": municipality, "services": list(selectors.services_of(municipality)), "assisted": True})


@municipality_view(PERMISSION)
def assisted(request: AuthenticatedHttpRequest, municipality: Municipality, service_code: str) -> HttpResponse:
    """A report entered by staff for a resident who phoned or came by: marked as such and audited."""
    service = get_for_tenant(selectors.services_of(municipality).prefetch_related("attributes"), municipality,
                             code=service_code)
    form = AssistedReportForm(request.POST or None, request.FILES or None, service=service)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            item = services.do_create_report(
                municipality=municipality, service=service, description=data["description"],
                address=data["address"], latitude=data["latitude"], longitude=data["longitude"],
                attributes=form.attribute_values(), photo=data.get("photo") or None, actor=request.user,
                source=Report.Source.ASSISTED, contact_name=data["contact_name"],
                contact_email=data["contact_email"], contact_phone=data["contact_phone"])
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("The report was entered for the resident."))
            return redirect(_url("manage_report", municipality, issue_id=item.pk))
    return render(request, "reports/form.html", {
        "municipality": municipality, "service": service, "form": form, "assisted": True,
        "center": (51.1657, 10.4515, 6)}, status=400 if request.method == "POST" else 200)


@municipality_view(PERMISSION)
def edit_settings(request: AuthenticatedHttpRequest, municipality: Municipality) -> HttpResponse:
    row = selectors.get_settings(municipality)
    form = SettingsForm(request.POST or None, instance=row)
    if request.method == "POST" and form.is_valid():
        try:
            services.do_update_settings(municipality=municipality, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("The settings were saved."))
            return redirect(_url("manage", municipality))
    return render(request, "reports/manage/settings.html", {"municipality": municipality, "form": form},
                  status=400 if request.method == "POST" else 200)


@municipality_view(PERMISSION)
def api_keys(request: AuthenticatedHttpRequest, municipality: Municipality) -> HttpResponse:
    form = ApiKeyForm(request.POST or None)
    new_key = ""
    if request.method == "POST" and form.is_valid():
        try:
            _key, new_key = services.do_create_api_key(municipality=municipality, actor=request.user,
                                                       name=form.cleaned_data["name"])
        except (ValidationError, PermissionDenied) as error:
            form.add_error(None, str(error))
        else:
            form = ApiKeyForm()
    return render(request, "reports/manage/keys.html", {
        "municipality": municipality, "form": form, "keys": list(selectors.api_keys_of(municipality)[:200]),
        "new_key": new_key}, status=400 if request.method == "POST" and not new_key else 200)


@municipality_view(PERMISSION)
@require_POST
def revoke_key(request: AuthenticatedHttpRequest, municipality: Municipality, key_id: int) -> HttpResponse:
    key = get_for_tenant(ApiKey, municipality, pk=key_id)
    services.do_revoke_api_key(key=key, actor=request.user)
    messages.success(request, _("The key was revoked; clients using it can no longer send reports."))
    return redirect(_url("manage_keys", municipality))
