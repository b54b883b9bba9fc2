"""The pages of adoptions: the list and map of assets, an asset with its care log, adopting and recording care,
and the staff's GeoJSON import."""

from functools import partial
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Avg
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kommune.adoptions import selectors, services
from kommune.adoptions.forms import (
    AdoptForm,
    AssetFilterForm,
    AssistedAdoptForm,
    AssistedCareForm,
    CareForm,
    ImportForm,
)
from kommune.adoptions.models import Asset, CareEntry
from kommune.core.access import get_for_tenant, municipality_view
from kommune.core.cursor import InvalidCursor
from kommune.core.files import file_response
from kommune.core.models import Municipality
from kommune.core.pagecache import cached_for_anonymous, checked_listing
from kommune.core.types import AuthenticatedHttpRequest

GERMANY = (51.1657, 10.4515, 6)


def _listing(request: HttpRequest, municipality: Municipality) -> dict | None:
    form = AssetFilterForm(request.GET)
    filters = form.cleaned_data if form.is_valid() else {"kind": "", "state": ""}
    try:
        page = selectors.asset_page(municipality, kind=filters["kind"], state=filters["state"],
                                    cursor=request.GET.get("cursor"))
    except InvalidCursor:
        return None
    query = {key: value for key, value in filters.items() if value}
    return {"municipality": municipality, "form": form, "page": page, "query": query,
            "cutting_ban": services.in_cutting_ban(timezone.localdate()),
            "cutting_ban_message": services.cutting_ban_message()}


def _bad_cursor(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    return render(request, "adoptions/bad_cursor.html", {"municipality": municipality}, status=400)


@cached_for_anonymous("adoption-assets")
@municipality_view()
def asset_list(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    listing = checked_listing(request, partial(_listing, request, municipality))
    if listing is None:
        return _bad_cursor(request, municipality)
    return render(request, "adoptions/list.html", {
        "municipality": municipality, "listing": listing,
        "can_manage": request.user.has_perm("adoptions.manage", municipality)})


@cached_for_anonymous("adoption-assets")
@municipality_view()
def asset_map(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    context = _listing(request, municipality)
    if context is None:
        return _bad_cursor(request, municipality)
    context.update(geojson=selectors.points_geojson(context["page"].items), center=_center(municipality))
    return render(request, "adoptions/map.html", context)


def _center(municipality: Municipality) -> tuple[float, float, int]:
    middle = Asset.objects.filter(municipality=municipality).aggregate(lat=Avg("latitude"), lng=Avg("longitude"))
    if middle["lat"] is None:
        return GERMANY
    return round(float(middle["lat"]), 6), round(float(middle["lng"]), 6), 14


def _asset(municipality: Municipality, asset_id: int) -> Asset:
    return get_for_tenant(Asset, municipality, pk=asset_id)


def _detail(request: HttpRequest, municipality: Municipality, asset: Asset, *, care_form: CareForm | None = None,
            adopt_form: AdoptForm | None = None, assisted_adopt_form: AssistedAdoptForm | None = None,
            assisted_care_form: AssistedCareForm | None = None, status: int = 200) -> HttpResponse:
    season = timezone.localdate().year
    running = services.running_adoption(asset, season)
    user = request.user
    return render(request, "adoptions/detail.html", {
        "municipality": municipality, "asset": asset, "season": season, "running": running,
        "entries": selectors.recent_entries(asset),
        "is_adopter": running is not None and services.may_care(running, user),  # type: ignore[arg-type]
        "may_adopt": user.has_perm("adoptions.adopt", municipality),
        "may_enter_assisted": user.has_perm("adoptions.enter_assisted", municipality),
        "care_form": care_form or CareForm(), "adopt_form": adopt_form or AdoptForm(),
        "assisted_adopt_form": assisted_adopt_form or AssistedAdoptForm(prefix="assisted"),
        "assisted_care_form": assisted_care_form or AssistedCareForm(prefix="assisted"),
        "damage_report_query": urlencode({"lat": asset.latitude, "lon": asset.longitude,
                                          "description": _("Damage at “%(name)s”: ") % {"name": asset.name}}),
        "cutting_ban": services.in_cutting_ban(timezone.localdate()) and asset.kind in services.WOODY_KINDS,
        "cutting_ban_message": services.cutting_ban_message(),
        "geojson": {"type": "FeatureCollection", "features": [{
            "type": "Feature", "geometry": {"type": "Point",
                                            "coordinates": [float(asset.longitude), float(asset.latitude)]},
            "properties": {"title": asset.name}}]},
    }, status=status)


@cached_for_anonymous("adoption-asset:{asset_id}")
@municipality_view()
def asset_detail(request: HttpRequest, municipality: Municipality, asset_id: int) -> HttpResponse:
    return _detail(request, municipality, _asset(municipality, asset_id))


def _login_first(request: HttpRequest) -> HttpResponse | None:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return None


@municipality_view()
@require_POST
def adopt(request: HttpRequest, municipality: Municipality, asset_id: int) -> HttpResponse:
    asset = _asset(municipality, asset_id)
    if (login := _login_first(request)) is not None:
        return login
    form = AdoptForm(request.POST)
    if form.is_valid():
        try:
            services.do_adopt(asset=asset, actor=request.user,  # type: ignore[arg-type]
                              public_name=form.cleaned_data["public_name"])
        except PermissionDenied:
            form.add_error(None, _("Only people with a confirmed account of %(name)s can adopt. Please name "
                                   "%(name)s as your municipality in your profile.") % {"name": municipality.name})
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Thank you! You have adopted “%(name)s” for this season.")
                             % {"name": asset.name})
            return redirect(asset.get_absolute_url())
    return _detail(request, municipality, asset, adopt_form=form, status=400)


@municipality_view()
@require_POST
def record_care(request: HttpRequest, municipality: Municipality, asset_id: int) -> HttpResponse:
    asset = _asset(municipality, asset_id)
    if (login := _login_first(request)) is not None:
        return login
    running = services.running_adoption(asset, timezone.localdate().year)
    if running is None or not services.may_care(running, request.user):  # type: ignore[arg-type]
        raise PermissionDenied
    form = CareForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.do_record_care(adoption=running, actor=request.user,  # type: ignore[arg-type]
                                    **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Thank you! Your entry is in the care log."))
            return redirect(asset.get_absolute_url() + "#care-log")
    return _detail(request, municipality, asset, care_form=form, status=400)


@municipality_view("adoptions.enter_assisted")
@require_POST
def adopt_for_resident(request: AuthenticatedHttpRequest, municipality: Municipality, asset_id: int) -> HttpResponse:
    asset = _asset(municipality, asset_id)
    form = AssistedAdoptForm(request.POST, prefix="assisted")
    if form.is_valid():
        try:
            services.do_adopt_for_resident(asset=asset, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("“%(name)s” is adopted for %(adopters)s; the entry is marked as entered "
                                        "with assistance.") % {"name": asset.name,
                                                               "adopters": form.cleaned_data["public_name"]})
            return redirect(asset.get_absolute_url())
    return _detail(request, municipality, asset, assisted_adopt_form=form, status=400)


@municipality_view("adoptions.enter_assisted")
@require_POST
def record_care_for_adopters(request: AuthenticatedHttpRequest, municipality: Municipality,
                             asset_id: int) -> HttpResponse:
    asset = _asset(municipality, asset_id)
    running = services.running_adoption(asset, timezone.localdate().year)
    if running is None:
        raise Http404
    form = AssistedCareForm(request.POST, request.FILES, prefix="assisted")
    if form.is_valid():
        try:
            services.do_record_care(adoption=running, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The entry is in the care log, marked as entered with assistance."))
            return redirect(asset.get_absolute_url() + "#care-log")
    return _detail(request, municipality, asset, assisted_care_form=form, status=400)


@municipality_view()
@require_POST
def end_adoption(request: HttpRequest, municipality: Municipality, asset_id: int) -> HttpResponse:
    asset = _asset(municipality, asset_id)
    if (login := _login_first(request)) is not None:
        return login
    running = services.running_adoption(asset, timezone.localdate().year)
    if running is None:
        raise Http404
    try:
        services.do_end_adoption(adoption=running, actor=request.user)  # type: ignore[arg-type]
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The adoption has ended; “%(name)s” is free again.") % {"name": asset.name})
    return redirect(asset.get_absolute_url())


@municipality_view()
def photo(request: HttpRequest, municipality: Municipality, asset_id: int, entry_id: int) -> HttpResponseBase:
    entry = get_for_tenant(CareEntry.objects.exclude(photo=""), municipality, pk=entry_id, asset_id=asset_id)
    return file_response(entry.photo, content_type="image/jpeg", as_attachment=False)


@municipality_view("adoptions.manage")
def import_assets(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > services.MAX_IMPORT_BYTES:
                raise ValidationError(_("The file is larger than 5 MB. Please split it."))
            result = services.do_import_assets(municipality=municipality, actor=request.user,  # type: ignore[arg-type]
                                               geojson=upload.read())
        except ValidationError as error:
            form.add_error("file", error)
        else:
            messages.success(request, _("Imported: %(created)d new, %(updated)d updated.")
                             % {"created": result.created, "updated": result.updated})
            return redirect("adoptions:list", municipality_slug=municipality.slug)
    return render(request, "adoptions/import.html", {"municipality": municipality, "form": form},
                  status=400 if form.errors else 200)
