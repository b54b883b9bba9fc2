"""Public pages of the Vorhabenliste: the list with filters, the map, and a project's page with its status
history and timeline. Views are thin: forms parse, selectors read."""

from django.db.models import Avg
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from kommune.core.access import get_for_tenant, municipality_view
from kommune.core.cursor import InvalidCursor
from kommune.core.models import Municipality
from kommune.core.pagecache import cached_for_anonymous, checked_listing
from kommune.projects import selectors, services
from kommune.projects.forms import ProjectFilterForm
from kommune.projects.models import Project, Status

# Where a map without any point starts: the middle of Germany.
GERMANY = (51.1657, 10.4515, 6)


def _listing(request: HttpRequest, municipality: Municipality) -> dict | None:
    """What the list and the map share: the filter form, the page and the number of matches (None: bad cursor)."""
    form = ProjectFilterForm(request.GET or None, departments=selectors.departments_of(municipality),
                             areas=selectors.areas_of(municipality))
    filters = form.filters()
    try:
        page = selectors.project_page(municipality, cursor=request.GET.get("cursor") or None,
                                      status=filters["status"], department=filters["department"],
                                      area=filters["area"], text=filters["text"])
    except InvalidCursor:
        return None
    return {
        "municipality": municipality,
        "form": form,
        "query": form.query(),
        "page": page,
        "count": selectors.project_count(municipality, **filters),
        "can_manage": request.user.has_perm(services.MANAGE_PERMISSION, municipality),
    }


def _bad_cursor(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    return render(request, "projects/bad_cursor.html", {
        "municipality": municipality, "message": InvalidCursor.message, "first_page": request.path}, status=400)


@cached_for_anonymous("projects")
@municipality_view()
def project_list(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    def read() -> dict | None:
        context = _listing(request, municipality)
        if context is not None:
            context["status_counts"] = selectors.status_counts(municipality)
        return context

    listing = checked_listing(request, read)
    if listing is None:
        return _bad_cursor(request, municipality)
    return render(request, "projects/list.html", {
        "municipality": municipality, "listing": listing, "status_choices": Status.choices,
        "can_manage": request.user.has_perm(services.MANAGE_PERMISSION, municipality)})


def points_geojson(projects: list[Project]) -> dict:
    """A GeoJSON FeatureCollection of the projects that have a point, for macros/map.html."""
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature",
         "geometry": {"type": "Point", "coordinates": [float(p.longitude), float(p.latitude)]},
         "properties": {"title": p.title, "url": p.get_absolute_url(),
                        "text": _("Status: %(status)s") % {"status": p.get_status_display()}}}
        for p in projects if p.latitude is not None and p.longitude is not None]}


def _center(municipality: Municipality) -> tuple[float, float, int]:
    middle = Project.objects.filter(municipality=municipality, latitude__isnull=False).aggregate(
        lat=Avg("latitude"), lng=Avg("longitude"))
    if middle["lat"] is None:
        return GERMANY
    return round(float(middle["lat"]), 6), round(float(middle["lng"]), 6), 13


@cached_for_anonymous("projects")
@municipality_view()
def project_map(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    context = _listing(request, municipality)
    if context is None:
        return _bad_cursor(request, municipality)
    context.update(geojson=points_geojson(context["page"].items), center=_center(municipality))
    return render(request, "projects/map.html", context)


@cached_for_anonymous("project:{project_id}")
@municipality_view()
def project_detail(request: HttpRequest, municipality: Municipality, project_id: int) -> HttpResponse:
    project = get_for_tenant(selectors.projects_of(municipality), municipality, pk=project_id)
    funding = selectors.funding_of(project)
    return render(request, "projects/detail.html", {
        "municipality": municipality,
        "project": project,
        "history": selectors.history_of(project),
        "milestones": selectors.milestones_of(project),
        "funding": funding,
        "funding_total": sum((f.amount for f in funding), start=0),
        "linked": selectors.linked_objects(project, municipality=municipality),
        "geojson": points_geojson([project]),
        "today": timezone.localdate(),
        "can_manage": request.user.has_perm(services.MANAGE_PERMISSION, municipality),
    })
