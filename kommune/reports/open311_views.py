"""The Open311 GeoReport v2 endpoints at /open311/v2/ (docs/open311.md). Each answers in XML (the spec's
baseline) or JSON by the path's suffix, and every failure in the spec's error format with its HTTP status.

Clients post without a session or CSRF token: a request is authorised by its ``api_key`` (a key of the
municipality named by ``jurisdiction_id``, managed by its staff; only the hash is stored).
"""

from collections.abc import Callable
from datetime import datetime, timedelta
from functools import wraps

from django.core.exceptions import PermissionDenied, RequestDataTooBig, TooManyFieldsSent, ValidationError
from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.http.response import HttpResponseBase
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from kommune.core.access import public_view
from kommune.core.cleaning import parse_id
from kommune.core.models import Municipality
from kommune.core.pagecache import cached_for_anonymous
from kommune.reports import open311, selectors, services
from kommune.reports.models import Report
from kommune.reports.open311 import Open311Error

MAX_IDS = 100
MAX_RESULTS = 1000
MAX_SPAN = timedelta(days=90)
CHARSET_SAFE = str.maketrans("", "", "\x00")


def _errors(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Turn Open311Error into the spec's error document in the path's format."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        fmt = kwargs.get("fmt", "xml")
        try:
            return view(request, *args, **kwargs)
        except Open311Error as error:
            return open311.error_response(fmt, [error])

    return wrapper


def _param(request: HttpRequest, name: str, *, post: bool = False) -> str:
    source = request.POST if post else request.GET
    value = source.get(name, "") or (request.GET.get(name, "") if post else "")
    return value.translate(CHARSET_SAFE).strip()


def _jurisdiction(request: HttpRequest, *, post: bool = False) -> Municipality:
    slug = _param(request, "jurisdiction_id", post=post)
    if not slug:
        municipalities = list(Municipality.objects.all()[:2])
        if len(municipalities) == 1:  # an installation with one municipality needs no jurisdiction_id
            return municipalities[0]
        raise Open311Error(400, "jurisdiction_id was not provided")
    municipality = Municipality.objects.filter(slug=slug[:100]).first()
    if municipality is None:
        raise Open311Error(404, "jurisdiction_id provided was not found")
    return municipality


def _absolute(request: HttpRequest) -> Callable[[str], str]:
    return request.build_absolute_uri


@csrf_exempt
@require_http_methods(["GET", "HEAD"])
@public_view
@_errors
def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    slug = _param(request, "jurisdiction_id")
    municipality = Municipality.objects.filter(slug=slug[:100]).first() if slug else None
    contact = selectors.get_settings(municipality).contact if municipality else ""
    base = request.build_absolute_uri(reverse("open311:root"))
    return open311.render(fmt, "discovery", open311.discovery(base_url=base, contact=contact or "",
                                                             changeset=open311.CHANGESET))


@csrf_exempt
@require_http_methods(["GET", "HEAD"])
@public_view
def root(request: HttpRequest) -> HttpResponseBase:
    """/open311/v2/ itself: the discovery document in XML."""
    return discovery(request, fmt="xml")


@csrf_exempt
@require_http_methods(["GET", "HEAD"])
@public_view
@_errors
def service_list(request: HttpRequest, fmt: str) -> HttpResponse:
    municipality = _jurisdiction(request)
    rows = list(selectors.services_of(municipality).prefetch_related("attributes"))
    content = [open311.service(s, has_attributes=bool(s.attributes.all())) for s in rows]
    return open311.render(fmt, "services", content)


@csrf_exempt
@require_http_methods(["GET", "HEAD"])
@public_view
@_errors
def service_definition(request: HttpRequest, service_code: str, fmt: str) -> HttpResponse:
    municipality = _jurisdiction(request)
    service = selectors.service_by_code(municipality, service_code.translate(CHARSET_SAFE))
    if service is None:
        raise Open311Error(404, "service_code provided was not found")
    return open311.render(fmt, "service_definition", open311.service_definition(service))


def _date(request: HttpRequest, name: str) -> datetime | None:
    raw = _param(request, name)
    if not raw:
        return None
    try:
        value = parse_datetime(raw.replace(" ", "+"))  # a "+" of the offset arrives as a space when not encoded
    except ValueError:
        value = None
    if value is None or value.tzinfo is None:
        raise Open311Error(400, f"{name} must be a w3 date and time with its time zone, e.g. 2026-01-01T00:00:00Z")
    return value


def _list(request: HttpRequest, name: str) -> list[str]:
    return [part.strip() for part in _param(request, name).split(",") if part.strip()][:MAX_IDS]


def _requests(request: HttpRequest, municipality: Municipality) -> list[Report]:
    reports = selectors.reports_of(municipality)
    ids = _list(request, "service_request_id")
    if ids:  # overrides every other filter (spec)
        if not all(parse_id(part) is not None for part in ids):
            raise Open311Error(400, "service_request_id must be a comma-separated list of request ids")
        return list(reports.filter(pk__in=[int(part) for part in ids]).order_by("-created_at", "-id"))
    codes = _list(request, "service_code")
    if codes:
        reports = reports.filter(service__code__in=codes)
    statuses = _list(request, "status")
    if statuses:
        if not set(statuses) <= {"open", "closed"}:
            raise Open311Error(400, "status must be open, closed or both, comma-separated")
        if statuses == ["open"]:
            reports = reports.filter(status__in=Report.OPEN_STATES)
        elif statuses == ["closed"]:
            reports = reports.filter(status=Report.Status.CLOSED)
    start, end = _date(request, "start_date"), _date(request, "end_date")
    if start and end and end - start > MAX_SPAN:
        raise Open311Error(400, "start_date and end_date may not span more than 90 days")
    if start and end and end < start:
        raise Open311Error(400, "end_date must not be before start_date")
    if start is None and end is None:
        start = timezone.now() - MAX_SPAN
    if start is not None:
        reports = reports.filter(created_at__gte=start)
    if end is not None:
        reports = reports.filter(created_at__lte=end)
    return list(reports.order_by("-created_at", "-id")[:MAX_RESULTS])


# The list of up to 1,000 requests is the same for every client until a report of the municipality changes.
@cached_for_anonymous("reports", everyone=True, slug_parameter="jurisdiction_id")
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
@public_view
@_errors
def requests(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.method == "POST":
        return _post_request(request, fmt)
    municipality = _jurisdiction(request)
    absolute = _absolute(request)
    content = [open311.request(report, absolute=absolute) for report in _requests(request, municipality)]
    return open311.render(fmt, "service_requests", content)


def _attributes(request: HttpRequest) -> dict[str, str | list[str]]:
    """attribute[code]=value and, for several values, attribute[code][]=value (the spec's form fields)."""
    found: dict[str, str | list[str]] = {}
    for key in list(request.POST.keys())[:200]:
        if not key.startswith("attribute[") or "]" not in key:
            continue
        code = key[len("attribute["):key.index("]")].translate(CHARSET_SAFE)
        if key.endswith("[]"):
            found[code] = request.POST.getlist(key)[:50]
        else:
            found[code] = request.POST.get(key, "")
    return found


def _post_request(request: HttpRequest, fmt: str) -> HttpResponse:
    try:
        request.POST  # noqa: B018  # parse now, so that a body too big or malformed is the spec's error
        files = request.FILES
    except (RequestDataTooBig, TooManyFieldsSent):
        raise Open311Error(413, "The request is too large.") from None
    except MultiPartParserError:
        raise Open311Error(400, "The request body could not be read.") from None
    municipality = _jurisdiction(request, post=True)
    api_key = selectors.api_key_for(municipality, _param(request, "api_key", post=True))
    if api_key is None:
        raise Open311Error(403, "api_key was not provided or is invalid")
    code = _param(request, "service_code", post=True)
    if not code:
        raise Open311Error(400, "service_code was not provided")
    service = selectors.service_by_code(municipality, code)
    if service is None:
        raise Open311Error(404, "service_code provided was not found")
    lat, lng = _param(request, "lat", post=True), _param(request, "long", post=True)
    address = _param(request, "address_string", post=True) or _param(request, "address_id", post=True)
    if not (lat and lng) and not address:
        raise Open311Error(400, "lat/long, address_string or address_id was not provided")
    media_url = _param(request, "media_url", post=True)
    if media_url and not (media_url.startswith(("https://", "http://")) and len(media_url) <= 500):
        raise Open311Error(400, "media_url must be an http(s) address of at most 500 characters")
    name = " ".join(part for part in (_param(request, "first_name", post=True),
                                      _param(request, "last_name", post=True)) if part)
    try:
        report = services.do_create_report(
            municipality=municipality, service=service, description=_param(request, "description", post=True),
            address=address, latitude=lat or None, longitude=lng or None, attributes=_attributes(request),
            photo=files.get("media"), media_url=media_url, source=Report.Source.OPEN311, api_key=api_key,
            contact_name=name, contact_email=_param(request, "email", post=True)[:254],
            contact_phone=_param(request, "phone", post=True))
    except ValidationError as error:
        status = 413 if getattr(error, "code", None) == "too_large" else 400
        raise Open311Error(status, " ".join(error.messages)) from None
    except PermissionDenied:
        raise Open311Error(403, "api_key was not provided or is invalid") from None
    return open311.render(fmt, "service_requests", [open311.created(report)], status=201)


@csrf_exempt
@require_http_methods(["GET", "HEAD"])
@public_view
@_errors
def request_detail(request: HttpRequest, service_request_id: str, fmt: str) -> HttpResponse:
    municipality = _jurisdiction(request)
    report = (selectors.reports_of(municipality).filter(pk=int(service_request_id)).first()
              if parse_id(service_request_id) is not None else None)
    if report is None:
        raise Open311Error(404, "service_request_id provided was not found")
    return open311.render(fmt, "service_requests", [open311.request(report, absolute=_absolute(request))])


@csrf_exempt
@require_http_methods(["GET", "HEAD"])
@public_view
@_errors
def token(request: HttpRequest, token: str, fmt: str) -> HttpResponse:
    municipality = _jurisdiction(request)
    token = token.translate(CHARSET_SAFE)[:64]
    report = Report.objects.filter(municipality=municipality, token=token).first() if token else None
    if report is None:
        raise Open311Error(404, "token provided was not found")
    return open311.render(fmt, "service_requests", [open311.token(report)])
