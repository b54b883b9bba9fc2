"""Public pages of the open-data catalogue: the list with search and filters, the dataset page with previews, and
the download of uploaded files (streamed through the storage, so it works with a local folder and with S3)."""

from dataclasses import dataclass

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.utils.translation import ngettext

from kommune.core.access import get_for_tenant, municipality_view
from kommune.core.cursor import InvalidCursor
from kommune.core.files import file_response
from kommune.core.models import Municipality
from kommune.opendata import selectors
from kommune.opendata.access import bad_cursor
from kommune.opendata.forms import CatalogueFilterForm
from kommune.opendata.models import Dataset, License, Resource, Theme
from kommune.opendata.services import PERMISSION

LICENSE_BASE = "http://dcat-ap.de/def/licenses/"
GEOMETRY_COUNTS = {
    "Point": lambda n: ngettext("%(num)d point", "%(num)d points", n),
    "MultiPoint": lambda n: ngettext("%(num)d group of points", "%(num)d groups of points", n),
    "LineString": lambda n: ngettext("%(num)d line", "%(num)d lines", n),
    "MultiLineString": lambda n: ngettext("%(num)d group of lines", "%(num)d groups of lines", n),
    "Polygon": lambda n: ngettext("%(num)d area", "%(num)d areas", n),
    "MultiPolygon": lambda n: ngettext("%(num)d group of areas", "%(num)d groups of areas", n),
}


def geometry_summary(types: list[tuple[str, int]]) -> str:
    """ "7 points, 2 areas": the geometries of a GeoJSON file in words."""
    parts = []
    for kind, count in types:
        counted = GEOMETRY_COUNTS.get(kind)
        parts.append(counted(count) % {"num": count} if counted else f"{count} × {kind}")
    return ", ".join(parts)
MAX_PREVIEWS = 5  # previews on one dataset page; further resources are only listed


def visible_dataset(request: HttpRequest, municipality: Municipality, slug: str) -> Dataset:
    """The dataset of this municipality; an unpublished one only for those who manage datasets."""
    dataset = get_for_tenant(selectors.dataset_for_page(municipality, slug), municipality, slug=slug)
    if not dataset.is_published and not request.user.has_perm(PERMISSION, municipality):
        raise Http404
    return dataset


def license_uri(license: str) -> str:
    return LICENSE_BASE + license


@municipality_view()
def catalogue(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    facets = selectors.catalogue_facets(municipality)
    form = CatalogueFilterForm(request.GET or None, facets=facets)
    chosen = form.chosen()
    try:
        page = selectors.catalogue_page(municipality, chosen, cursor=request.GET.get("cursor"))
    except InvalidCursor:
        return bad_cursor(request, municipality, request.path)
    return render(request, "opendata/catalogue.html", {
        "municipality": municipality,
        "form": form,
        "facets": facets,
        "page": page,
        "filters": chosen.as_params(),
        "can_manage": request.user.has_perm(PERMISSION, municipality),
    })


@dataclass(frozen=True)
class ResourceItem:
    resource: Resource
    table: selectors.TablePreview | None
    geo: selectors.GeoPreview | None


def resource_items(resources: list[Resource]) -> list[ResourceItem]:
    items, previews = [], 0
    for resource in resources:
        table = geo = None
        if previews < MAX_PREVIEWS:
            table, geo = selectors.resource_preview(resource), selectors.geojson_preview(resource)
            previews += table is not None or geo is not None
        items.append(ResourceItem(resource, table, geo))
    return items


@municipality_view()
def dataset_detail(request: HttpRequest, municipality: Municipality, dataset_slug: str) -> HttpResponse:
    dataset = visible_dataset(request, municipality, dataset_slug)
    items = resource_items(list(dataset.resources.all()))
    return render(request, "opendata/dataset.html", {
        "municipality": municipality,
        "dataset": dataset,
        "items": items,
        "has_map": any(item.geo and item.geo.shows_map for item in items),
        "license_label": License(dataset.license).label if dataset.license in License.values else dataset.license,
        "license_uri": license_uri(dataset.license),
        "theme_labels": dict(Theme.choices),
        "geometry_summary": geometry_summary,
        "filesize": filesizeformat,
        "map_tiles": {"url": settings.MAP_TILE_URL, "attribution": settings.MAP_TILE_ATTRIBUTION},
        "can_manage": request.user.has_perm(PERMISSION, municipality),
        "preview_rows": selectors.PREVIEW_ROWS,
    })


def _sibling(dataset: Dataset, filename: str) -> Resource | None:
    """The file ``filename`` of the dataset. A data package names its files by paths relative to its own address,
    so every file of a dataset is also found next to any other one (…/ressourcen/<id>/<file name>)."""
    for resource in Resource.objects.filter(dataset=dataset).exclude(file=""):
        resource.dataset = dataset
        if resource.file_name == filename:
            return resource
    return None


@municipality_view()
def resource_download(request: HttpRequest, municipality: Municipality, dataset_slug: str, resource_id: int,
                      filename: str) -> HttpResponseBase:
    dataset = get_for_tenant(Dataset.objects.select_related("municipality"), municipality, slug=dataset_slug)
    if not dataset.is_published and not request.user.has_perm(PERMISSION, municipality):
        raise Http404
    resource = get_for_tenant(Resource.objects.filter(dataset=dataset).exclude(file=""), municipality,
                              pk=resource_id)
    resource.dataset = dataset
    if filename != resource.file_name:
        sibling = _sibling(dataset, filename)
        if sibling is None:  # the title changed since the link was made
            return redirect(resource.download_url, permanent=False)
        resource = sibling
    content_type = resource.media_type or "application/octet-stream"
    if resource.encoding == "utf-8":
        content_type += "; charset=utf-8"
    response = file_response(resource.file, filename=resource.file_name, content_type=content_type,
                             as_attachment=True)
    if resource.checksum_sha256:
        response["ETag"] = f'"{resource.checksum_sha256}"'
    return response
