"""The REST API v1 at /api/v1/ (django-ninja), its OpenAPI 3.1 schema at /api/v1/openapi.json.

The API is built on first use, after every app's ready() has registered its router (registry.py), so the framework
imports none of the apps that offer endpoints (processes, comments, the feature apps). Everything under /api/v1/
answers in the API's error format (errors.py), also unknown paths and methods; the documentation page
/api/v1/docs/ is an ordinary page of the site (views.py).
"""

import functools
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.urls import URLPattern, URLResolver, reverse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Router

from kommune.core.api import errors
from kommune.core.api.registry import registered_routers
from kommune.core.api.routes import me, municipalities

TITLE = "Offene Kommune API"
VERSION = "1.0.0"
NAMESPACE = "api_v1"
DESCRIPTION = (
    "Read and write access to the participation of the municipalities on this platform: processes, comments, "
    "reactions, citizen proposals and supports. Reading public data needs no token; writing needs a personal "
    "access token with the scope “write” (`Authorization: Bearer ok_…`). Errors: "
    '`{"error": {"code": …, "message": …, "fields": {…}}}`. Lists: `{"items": […], "next": <cursor>}`. '
    "The documentation page is /api/v1/docs/."
)


class KommuneAPI(NinjaAPI):
    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._schemas: dict[str, dict] = {}

    def create_response(self, request: HttpRequest, data, *, status: int | None = None,
                        temporal_response: HttpResponse | None = None) -> HttpResponse:
        response = super().create_response(request, data, status=status, temporal_response=temporal_response)
        # The language follows the token's owner, and answers differ by token: caches must keep them apart.
        response["Content-Language"] = translation.get_language()
        patch_vary_headers(response, ("Authorization",))
        return response

    def get_openapi_operation_id(self, operation) -> str:
        return operation.view_func.__name__

    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: dict | None = None):
        # The schema depends only on the code: build it once per process (ninja builds it on every request).
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        if path_prefix not in self._schemas:
            self._schemas[path_prefix] = super().get_openapi_schema(path_prefix=path_prefix)
        return self._schemas[path_prefix]


fallback = Router()


@fallback.api_operation(["GET", "POST", "PUT", "PATCH", "DELETE"], "/{path:rest}", auth=None,
                        include_in_schema=False)
def unknown_path(request: HttpRequest, rest: str):
    translation.activate(settings.LANGUAGE_CODE)  # no token is read here: the API's default language
    raise errors.not_found()


@functools.cache
def get_api() -> KommuneAPI:
    api = KommuneAPI(title=TITLE, version=VERSION, description=DESCRIPTION, urls_namespace=NAMESPACE,
                     openapi_url="/openapi.json", docs_url=None)
    errors.install(api)
    api.add_router("", municipalities.router)
    for registration in registered_routers():  # processes, comments, then the feature apps
        api.add_router(registration.prefix, registration.router, tags=list(registration.tags) or None)
    api.add_router("", me.router)
    api.add_router("", fallback)
    return api


def _in_error_format(view: Callable, api: KommuneAPI) -> Callable:
    """ninja answers an unsupported method with a plain-text 405 and knows no HEAD: answer HEAD like GET
    (the server drops the body) and the 405 in the API's format."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method == "HEAD":
            request.method = "GET"
        response = view(request, *args, **kwargs)
        if isinstance(response, HttpResponseNotAllowed):
            translation.activate(settings.LANGUAGE_CODE)  # no token was read: the API's default language
            allowed = response["Allow"]
            response = errors.render(api, request, 405, "method_not_allowed",
                                     _("This method is not possible here. Possible: %(methods)s.")
                                     % {"methods": allowed})
            response["Allow"] = allowed
        return response

    return wrapper


def _index(request: HttpRequest, **kwargs) -> HttpResponse:
    """/api/v1/ itself: where to read on, and every resource with its methods, read from the OpenAPI schema (so
    the list names what every app registered and never goes stale)."""
    schema = get_api().get_openapi_schema()
    resources = [{"path": path, "methods": [method.upper() for method in operations],
                  "summaries": [operation.get("summary", "") for operation in operations.values()]}
                 for path, operations in schema["paths"].items()]
    return JsonResponse({"title": TITLE, "version": VERSION, "docs": request.build_absolute_uri(reverse("api:docs")),
                         "openapi": request.build_absolute_uri(reverse(f"{NAMESPACE}:openapi-json")),
                         "resources": resources})


def _only_get(view: Callable) -> Callable:
    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"])
        return view(request, *args, **kwargs)

    return wrapper


def _wrap(patterns: list, api: KommuneAPI) -> list:
    for pattern in patterns:
        if isinstance(pattern, URLPattern):
            if pattern.name == "api-root":
                pattern.callback = _index
            if pattern.name in ("api-root", "openapi-json"):
                pattern.callback = _only_get(pattern.callback)
            pattern.callback = _in_error_format(pattern.callback, api)
        elif isinstance(pattern, URLResolver):
            _wrap(pattern.url_patterns, api)
    return patterns


def urls() -> tuple[list, str, str]:
    """For config/urls.py: ``path("api/v1/", urls())``."""
    patterns, app_name, namespace = get_api().urls
    return _wrap(patterns, get_api()), app_name, namespace
