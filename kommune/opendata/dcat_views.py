"""DCAT-AP.de catalogue endpoints: /dcat/catalog.{ttl,rdf,jsonld} and /<slug>/dcat/catalog.{ttl,rdf,jsonld}.

Large catalogues are paged (``?page=N``, ``DCAT_PAGE_SIZE`` datasets a page) with a Hydra PartialCollectionView,
which the DCAT harvesters of CKAN (ckanext-dcat) and GovData follow. ETag and Last-Modified let a harvester skip
an unchanged catalogue with a conditional request. ``/dcat/catalog`` without extension picks the format from the
Accept header.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date
from django.views.decorators.http import require_safe

from kommune.core import ratelimit
from kommune.core.access import municipality_view, public_view
from kommune.core.models import Municipality
from kommune.opendata import dcat

MEDIA_TYPES = {media_type: extension for extension, (_format, media_type) in dcat.RDF_FORMATS.items()}
# A built page is kept under its ETag: rdflib needs seconds for a full page, and several harvesters ask daily.
# The ETag changes with every write to a dataset or resource; an hour bounds what it does not see (a renamed
# municipality or organisation).
CACHE_SECONDS = 3600


@public_view
@require_safe
def catalogue(request: HttpRequest, extension: str | None = None) -> HttpResponse:
    return _catalogue_response(request, None, extension)


@municipality_view()
@require_safe
def municipality_catalogue(request: HttpRequest, municipality: Municipality,
                           extension: str | None = None) -> HttpResponse:
    return _catalogue_response(request, municipality, extension)


def _negotiate(request: HttpRequest) -> str | None:
    preferred = request.get_preferred_type(list(MEDIA_TYPES))
    return MEDIA_TYPES[preferred] if preferred else None


def _page_number(request: HttpRequest) -> int | None:
    raw = request.GET.get("page", "1")
    # ASCII digits only ("²" is a digit to str.isdigit but no number to int), and no more than a page could be.
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 9 and int(raw) >= 1 else None


def _too_many_requests(request: HttpRequest) -> HttpResponse | None:
    verdict = ratelimit.hit(ratelimit.api_limit(), f"ip:{ratelimit.client_address(request)}")
    if verdict.allowed:
        return None
    response = HttpResponse(ratelimit.too_many_requests(verdict), status=429, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = str(verdict.retry_after)
    return response


def _catalogue_response(request: HttpRequest, municipality: Municipality | None,
                        extension: str | None) -> HttpResponse:
    if refused := _too_many_requests(request):
        return refused
    negotiated = extension is None
    if extension is None:
        extension = _negotiate(request)
        if extension is None:
            return HttpResponse("Acceptable: " + ", ".join(MEDIA_TYPES), status=406, content_type="text/plain")
    page = _page_number(request)
    if page is None:
        return HttpResponseBadRequest("The page must be a whole number from 1.", content_type="text/plain")
    queryset = dcat.catalogue_datasets(municipality)
    state = dcat.catalogue_state(queryset)
    paging = dcat.Paging(page=page, page_size=max(1, settings.DCAT_PAGE_SIZE), total=state.datasets)
    if page > paging.last:
        raise Http404("No such page of the catalogue.")

    basis = "|".join([settings.SITE_URL, dcat.catalogue_path(municipality, extension), str(paging.page),
                      str(paging.page_size), settings.DCAT_CONTRIBUTOR_ID, state.etag_basis])
    headers = {"ETag": f'"{hashlib.sha256(basis.encode()).hexdigest()[:32]}"'}
    timestamp = int(state.newest.timestamp()) if state.newest else None
    if timestamp is not None:
        headers["Last-Modified"] = http_date(timestamp)
    response = get_conditional_response(request, etag=headers["ETag"], last_modified=timestamp)
    if response is None:
        response = _render(municipality, extension, paging, state, cache_key=f"dcat:{headers['ETag']}")
    for name, value in headers.items():
        response[name] = value
    patch_cache_control(response, public=True, no_cache=True)  # stored, but revalidated with the ETag
    if negotiated:
        patch_vary_headers(response, ["Accept"])
    return response


def _render(municipality: Municipality | None, extension: str, paging: dcat.Paging, state: dcat.CatalogueState, *,
            cache_key: str) -> HttpResponse:
    base = dcat.absolute_url(dcat.catalogue_path(municipality, extension))
    content = cache.get(cache_key)
    if content is None:
        datasets = list(dcat.catalogue_datasets(municipality)[paging.offset:paging.offset + paging.page_size])
        graph = dcat.catalogue_graph(municipality=municipality, datasets=datasets, paging=paging,
                                     paging_base=base, newest=state.newest)
        content = dcat.serialize(graph, extension)
        cache.set(cache_key, content, CACHE_SECONDS)
    _format, media_type = dcat.RDF_FORMATS[extension]
    response = HttpResponse(content, content_type=f"{media_type}; charset=utf-8")
    links = {"first": 1, "last": paging.last}
    if paging.page > 1:
        links["prev"] = paging.page - 1
    if paging.page < paging.last:
        links["next"] = paging.page + 1
    response["Link"] = ", ".join(f'<{base}?page={number}>; rel="{rel}"' for rel, number in links.items())
    return response
