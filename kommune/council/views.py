"""The OParl 1.1 server: /oparl/v1.1/system, one Body per municipality, its object lists and objects.

Lists are paged as the specification's chapter "Objektlisten und Paginierung" asks: ``data``, ``pagination`` and
``links`` (``next`` on every page but the last), in a stable order (by id), filtered by ``created_since``,
``created_until``, ``modified_since`` and ``modified_until``, whose values the links keep. Deleted objects appear in
lists only under ``modified_since``, so that a syncing client learns of them. Bad parameters get a 400 in JSON.
"""

import math
import re
from datetime import UTC, datetime
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import QuerySet
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
    JsonResponse,
    QueryDict,
)
from django.http.response import HttpResponseBase
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.http import require_safe

from kommune.core.access import get_for_tenant, municipality_view, public_view
from kommune.core.models import Municipality
from kommune.core.pagecache import cached_for_anonymous
from kommune.council import oparl, selectors
from kommune.council.events import PAGE_TAG
from kommune.council.models import File

FILTERS = {"created_since": "created__gte", "created_until": "created__lte",
           "modified_since": "modified__gte", "modified_until": "modified__lte"}
SAFE_METHODS = ["GET", "HEAD"]
TRUE = ("true", "1")
FALSE = ("false", "0", "")


class BadParameter(Exception):
    pass


def _json(data: dict, status: int = 200) -> JsonResponse:
    return JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})


def _error(message: str, status: int = 400) -> JsonResponse:
    return _json({"error": {"code": status, "message": message}}, status=status)


def _timestamp(name: str, raw: str) -> datetime:
    # A "+" of an offset that the client did not encode arrives as a space.
    try:
        value = parse_datetime(raw.strip().replace(" ", "+"))
    except ValueError:
        value = None
    if value is None:
        raise BadParameter(f"{name} must be a date-time such as 2024-01-31T23:59:59+01:00.")
    try:
        # The database compares in UTC: a moment at the very edge of the calendar has no UTC time.
        return (value if timezone.is_aware(value) else timezone.make_aware(value)).astimezone(UTC)
    except (OverflowError, ValueError):
        raise BadParameter(f"{name} is out of range.") from None


def _number(name: str, raw: str, *, maximum: int) -> int:
    if not re.fullmatch(r"[0-9]{1,12}", raw) or not 1 <= int(raw) <= maximum:
        raise BadParameter(f"{name} must be a whole number from 1 to {maximum}.")
    return int(raw)


def _flag(name: str, raw: str) -> bool:
    if raw.lower() not in TRUE + FALSE:
        raise BadParameter(f"{name} must be true or false.")
    return raw.lower() in TRUE


def _urls(request: HttpRequest, municipality: Municipality) -> oparl.Urls:
    omit = _flag("omit_internal", request.GET.get("omit_internal", "false"))
    return oparl.Urls(base=oparl.body_base(request.build_absolute_uri, municipality), omit_internal=omit)


def _filtered(objects: QuerySet, query: QueryDict) -> QuerySet:
    for name, lookup in FILTERS.items():
        if name in query:
            objects = objects.filter(**{lookup: _timestamp(name, query.get(name, ""))})
    return objects


@public_view
@require_safe
def system(request: HttpRequest) -> HttpResponse:
    return _json(oparl.system_object(system=request.build_absolute_uri(reverse("council:system")),
                                     bodies=request.build_absolute_uri(reverse("council:bodies")),
                                     website=request.build_absolute_uri("/")))


BODY_FILTERS = {"created_since": "created_at__gte", "created_until": "created_at__lte",
                "modified_since": "created_at__gte", "modified_until": "created_at__lte"}


@public_view
@require_safe
def bodies(request: HttpRequest) -> HttpResponse:
    """All municipalities on one page: an installation serves tens of them, not thousands. A municipality has no
    modification time of its own, so its creation stands in for both (as in its Body's ``modified``)."""
    municipalities = Municipality.objects.order_by("pk")
    try:
        omit = _flag("omit_internal", request.GET.get("omit_internal", "false"))
        for name, lookup in BODY_FILTERS.items():
            if name in request.GET:
                municipalities = municipalities.filter(**{lookup: _timestamp(name, request.GET.get(name, ""))})
    except BadParameter as error:
        return _error(str(error))
    found = list(municipalities)
    terms: dict[int, list] = {}
    for term in selectors.legislative_terms(municipalities=found):
        terms.setdefault(term.municipality_id, []).append(term)
    system_url = request.build_absolute_uri(reverse("council:system"))
    data = [oparl.body_object(municipality, terms.get(municipality.pk, []),
                              oparl.Urls(base=oparl.body_base(request.build_absolute_uri, municipality),
                                         omit_internal=omit), system_url)
            for municipality in found]
    here = request.build_absolute_uri(request.get_full_path())
    return _json({"data": data, "pagination": {"totalElements": len(data), "elementsPerPage": max(len(data), 1),
                                               "currentPage": 1, "totalPages": 1},
                  "links": {"first": here, "self": here, "last": here}})


@municipality_view()
@require_safe
def body(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    try:
        urls = _urls(request, municipality)
    except BadParameter as error:
        return _error(str(error))
    system_url = request.build_absolute_uri(reverse("council:system"))
    terms = list(selectors.legislative_terms(municipalities=[municipality]))
    return _json(oparl.body_object(municipality, terms, urls, system_url))


@cached_for_anonymous(PAGE_TAG, everyone=True)  # a list page costs one cache read, not 30 ms
@municipality_view()
@require_safe
def object_list(request: HttpRequest, municipality: Municipality, kind: str) -> HttpResponse:
    try:
        return _object_list(request, municipality, oparl.KINDS[kind])
    except BadParameter as error:
        return _error(str(error))


def _object_list(request: HttpRequest, municipality: Municipality, kind: oparl.Kind) -> HttpResponse:
    query = request.GET
    urls = _urls(request, municipality)
    # A client may ask for fewer objects per page, never for more (the specification lets the server decide).
    per_page = min(_number("elementsPerPage", query.get("elementsPerPage", str(settings.OPARL_PAGE_SIZE)),
                           maximum=10**9), settings.OPARL_PAGE_SIZE)
    page = _number("page", query.get("page", "1"), maximum=10**9)
    objects = selectors.council_objects(municipality=municipality, model=kind.model,
                                        include_deleted="modified_since" in query)
    objects = _filtered(objects, query)
    total = objects.count()
    pages = max(1, math.ceil(total / per_page))
    if page > pages:
        return _error(f"page must be at most {pages}.", status=404)
    rows = objects[(page - 1) * per_page:page * per_page]
    kept = {name: query[name] for name in [*FILTERS, "omit_internal", "elementsPerPage"] if name in query}

    def link(number: int) -> str:
        return request.build_absolute_uri(f"{request.path}?{urlencode({**kept, 'page': number})}")

    links = {"first": link(1), "self": link(page), "last": link(pages)}
    if page > 1:
        links["prev"] = link(page - 1)
    if page < pages:
        links["next"] = link(page + 1)
    return _json({"data": [kind.render(row, urls) for row in rows],
                  "pagination": {"totalElements": total, "elementsPerPage": per_page, "currentPage": page,
                                 "totalPages": pages},
                  "links": links})


def _not_safe(request: HttpRequest) -> HttpResponseNotAllowed | None:
    """For views of one object, which look it up first: another tenant's object is a 404 for every method."""
    return None if request.method in SAFE_METHODS else HttpResponseNotAllowed(SAFE_METHODS)


@cached_for_anonymous(PAGE_TAG, everyone=True)
@municipality_view()
def object_detail(request: HttpRequest, municipality: Municipality, kind: str, object_id: int) -> HttpResponse:
    """One object, also a deleted one (with ``deleted: true``), so that a client can follow an old reference."""
    found = oparl.KINDS[kind]
    objects = selectors.council_objects(municipality=municipality, model=found.model, include_deleted=True)
    row = objects.filter(pk=object_id).first()
    if row is None:
        return _error("No such object.", status=404)
    if refused := _not_safe(request):
        return refused
    try:
        urls = _urls(request, municipality)
    except BadParameter as error:
        return _error(str(error))
    return _json(found.render(row, urls))


def _file(municipality: Municipality, object_id: int) -> File:
    file = get_for_tenant(File.objects.filter(deleted=False), municipality, pk=object_id)
    if not file.file:
        raise Http404
    return file


@municipality_view()
def file_download(request: HttpRequest, municipality: Municipality, object_id: int) -> HttpResponseBase:
    file = _file(municipality, object_id)
    if refused := _not_safe(request):
        return refused
    return FileResponse(file.file.open("rb"), as_attachment=True, filename=file.file_name,
                        content_type=file.mime_type)


@municipality_view()
def file_access(request: HttpRequest, municipality: Municipality, object_id: int) -> HttpResponseBase:
    """The file for reading in the browser: without Content-Disposition, so that the browser shows it."""
    file = _file(municipality, object_id)
    if refused := _not_safe(request):
        return refused
    response = FileResponse(file.file.open("rb"), content_type=file.mime_type)
    if "Content-Disposition" in response:
        del response["Content-Disposition"]
    return response
