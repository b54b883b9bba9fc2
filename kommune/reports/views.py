"""Public pages of issue reports: the list with its map, a report's page, and reporting a problem in two steps
(choose the category, then describe it; possible duplicates nearby are offered before it is sent)."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Avg
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kommune.core.access import get_for_tenant, municipality_view
from kommune.core.cursor import InvalidCursor
from kommune.core.files import file_response
from kommune.core.models import Municipality
from kommune.core.notifications.followables import target_key
from kommune.core.pagecache import cached_for_anonymous, checked_listing
from kommune.core.types import AuthenticatedHttpRequest
from kommune.reports import selectors, services
from kommune.reports.forms import FilterForm, ReportForm, sign_pending, unsign_pending
from kommune.reports.models import PendingPhoto, Report, Service

GERMANY = (51.1657, 10.4515, 6)
PHOTO_MAX_AGE = 3600


def center_of(municipality: Municipality) -> tuple[float, float, int]:
    middle = Report.objects.filter(municipality=municipality, latitude__isnull=False).aggregate(
        lat=Avg("latitude"), lng=Avg("longitude"))
    if middle["lat"] is None:
        return GERMANY
    return round(float(middle["lat"]), 6), round(float(middle["lng"]), 6), 14


@cached_for_anonymous("reports")
@municipality_view()
def report_list(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    def read() -> dict | None:  # None: a bad cursor
        services_list = list(selectors.services_of(municipality, active_only=False))
        form = FilterForm(request.GET or None, services=services_list)
        filters = form.filters()
        try:
            page = selectors.report_page(municipality, cursor=request.GET.get("cursor") or None, **filters)
        except InvalidCursor:
            return None
        return {"form": form, "query": form.query(), "page": page, "count": selectors.report_count(municipality,
                                                                                                   **filters),
                "counts": selectors.status_counts(municipality), "geojson": selectors.mapped_reports(page.items),
                "center": center_of(municipality)}

    listing = checked_listing(request, read)
    if listing is None:
        return render(request, "reports/bad_cursor.html", {"municipality": municipality,
                                                           "message": InvalidCursor.message}, status=400)
    return render(request, "reports/list.html", {
        "municipality": municipality, "listing": listing,
        "can_report": request.user.has_perm(services.CREATE_PERMISSION, municipality),
    })


@municipality_view()
def report_detail(request: HttpRequest, municipality: Municipality, issue_id: int) -> HttpResponse:
    report = get_for_tenant(selectors.reports_of(municipality).select_related("duplicate_of"), municipality,
                            pk=issue_id)
    return render(request, "reports/detail.html", {
        "municipality": municipality, "report": report,
        "geojson": selectors.mapped_reports([report]),
        "can_manage": request.user.has_perm(services.MANAGE_PERMISSION, municipality),
        "is_reporter": request.user.is_authenticated and report.reporter_id == request.user.pk,
    })


@municipality_view()
def photo(request: HttpRequest, municipality: Municipality, issue_id: int) -> HttpResponseBase:
    report = get_for_tenant(Report, municipality, pk=issue_id)
    return file_response(report.photo, filename=f"meldung-{report.pk}.jpg", content_type="image/jpeg",
                         max_age=PHOTO_MAX_AGE)


# Another page may start a report at a place with a first sentence (an adopted hedge: "Report damage here").
PREFILL = {"lat": "latitude", "lon": "longitude", "description": "description"}


def _prefill(request: HttpRequest) -> dict[str, str]:
    return {key: request.GET[key][:300] for key in PREFILL if request.GET.get(key)}


@municipality_view(services.CREATE_PERMISSION)
def choose_category(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    return render(request, "reports/choose.html", {
        "municipality": municipality, "services": list(selectors.services_of(municipality)),
        "prefill": urlencode(_prefill(request))})


def _service(municipality: Municipality, code: str) -> Service:
    return get_for_tenant(selectors.services_of(municipality).prefetch_related("attributes"), municipality,
                          code=code)


def _pending(request: AuthenticatedHttpRequest, form: ReportForm) -> PendingPhoto | None:
    pk = unsign_pending(form.cleaned_data.get("pending_photo") or "")
    return PendingPhoto.objects.filter(pk=pk, user=request.user).first() if pk else None


def _again(form: ReportForm, **changes) -> ReportForm:
    """The form as sent, with some values changed (a kept photo, a suggested point), to show it again."""
    data = form.data.copy()  # type: ignore[attr-defined]  # a QueryDict when bound to a request
    for name, value in changes.items():
        data[name] = value
    again = ReportForm(data, service=form.service)
    again.is_valid()
    return again


@municipality_view(services.CREATE_PERMISSION)
def create(request: AuthenticatedHttpRequest, municipality: Municipality, service_code: str) -> HttpResponse:
    service = _service(municipality, service_code)
    initial = {PREFILL[key]: value for key, value in _prefill(request).items()}
    form = ReportForm(request.POST or None, request.FILES or None, service=service, initial=initial)
    context = {"municipality": municipality, "service": service, "center": center_of(municipality)}
    if request.method != "POST" or not form.is_valid():
        return render(request, "reports/form.html", {**context, "form": form},
                      status=400 if request.method == "POST" else 200)
    pending = _pending(request, form)
    if form.cleaned_data.get("photo"):
        try:
            pending = services.do_store_pending_photo(municipality=municipality, user=request.user,
                                                      upload=form.cleaned_data["photo"])
        except ValidationError as error:
            form.add_error("photo", error)
            return render(request, "reports/form.html", {**context, "form": form}, status=400)
        form = _again(form, pending_photo=sign_pending(pending.pk))
    data = form.cleaned_data
    latitude, longitude = data.get("latitude"), data.get("longitude")
    if latitude is None and not data.get("address") and pending is not None and pending.latitude is not None:
        # The photo knows where it was taken: offered as the point, for the person to check.
        form = _again(form, latitude=str(pending.latitude), longitude=str(pending.longitude))
        return render(request, "reports/form.html", {**context, "form": form, "pending": pending,
                                                     "suggested": True})
    if not data.get("confirm_new"):
        radius = selectors.get_settings(municipality).duplicate_radius
        nearby = selectors.nearby_open_reports(municipality, service=service, latitude=latitude,
                                               longitude=longitude, radius=radius)
        if nearby:
            return render(request, "reports/similar.html", {
                **context, "form": _again(form, confirm_new="on"), "nearby": nearby, "pending": pending,
                "target_key": target_key})
    try:
        report = services.do_create_report(
            municipality=municipality, service=service, description=data["description"],
            address=data.get("address", ""), latitude=latitude, longitude=longitude,
            attributes=form.attribute_values(), pending_photo=pending, reporter=request.user, actor=request.user)
    except ValidationError as error:
        for field, errors in error.message_dict.items() if hasattr(error, "error_dict") else [(None, error.messages)]:
            form.add_error(field if field in form.fields else None, errors)
        return render(request, "reports/form.html", {**context, "form": form, "pending": pending}, status=400)
    messages.success(request, _("Thank you! Your report was sent. You follow it and will hear when its status "
                                "changes."))
    return redirect(report.get_absolute_url())
