"""The one error format of the REST API, and the mapping of every refusal to it.

    {"error": {"code": "not_found", "message": "…", "fields": {"text": ["…"]}}}

``code`` is stable and meant for programs; ``message`` is a sentence for people, in the language of the token's
owner (German without a token); ``fields`` names the input fields that were wrong (empty otherwise).
"""

import logging
from collections.abc import Callable, Mapping

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as RequestValidationError

from kommune.core.cursor import InvalidCursor

logger = logging.getLogger("django.request")


class ErrorDetail(Schema):
    code: str
    message: str
    fields: dict[str, list[str]] = {}


class ErrorOut(Schema):
    error: ErrorDetail


class ApiError(Exception):
    """A refusal the API answers with ``status`` in its error format (raised by auth, rate limit and routes)."""

    def __init__(self, status: int, code: str, message: str, *, fields: Mapping[str, list[str]] | None = None,
                 headers: Mapping[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.fields = dict(fields or {})
        self.headers = dict(headers or {})


def not_found() -> ApiError:
    return ApiError(404, "not_found", _("Not found. The address may be wrong, or the object belongs to another "
                                        "municipality or is not public."))


def render(api: NinjaAPI, request: HttpRequest, status: int, code: str, message: str,
           fields: Mapping[str, list[str]] | None = None) -> HttpResponse:
    body = {"error": {"code": code, "message": str(message), "fields": dict(fields or {})}}
    return api.create_response(request, body, status=status)


# --- Input errors of the request itself (pydantic), in the person's language ------------------------------------


def _pydantic_message(error: dict) -> str:
    context = error.get("ctx") or {}
    kind = error.get("type", "")
    messages = {
        "missing": _("This field is required."),
        "extra_forbidden": _("This field is not known here."),
        "string_type": _("Please send a text (a JSON string)."),
        "string_too_long": _("This text is too long: at most %(max_length)s characters."),
        "string_too_short": _("This text is too short: at least %(min_length)s characters."),
        "string_pattern_mismatch": _("This value has an invalid format."),
        "int_type": _("Please send a whole number."),
        "int_parsing": _("Please send a whole number."),
        "int_from_float": _("Please send a whole number."),
        "float_type": _("Please send a number."),
        "float_parsing": _("Please send a number."),
        "finite_number": _("Please send a number."),
        "bool_type": _("Please send true or false."),
        "bool_parsing": _("Please send true or false."),
        "greater_than_equal": _("This number must be at least %(ge)s."),
        "less_than_equal": _("This number must be at most %(le)s."),
        "greater_than": _("This number must be greater than %(gt)s."),
        "less_than": _("This number must be less than %(lt)s."),
        "literal_error": _("Please send one of these values: %(expected)s."),
        "enum": _("Please send one of these values: %(expected)s."),
        "date_type": _("Please send a date in the form YYYY-MM-DD."),
        "date_parsing": _("Please send a date in the form YYYY-MM-DD."),
        "date_from_datetime_parsing": _("Please send a date in the form YYYY-MM-DD."),
        "datetime_type": _("Please send a date and time in ISO 8601 form, with a time zone."),
        "datetime_parsing": _("Please send a date and time in ISO 8601 form, with a time zone."),
        "datetime_from_date_parsing": _("Please send a date and time in ISO 8601 form, with a time zone."),
        "timezone_aware": _("Please send a date and time in ISO 8601 form, with a time zone."),
        "too_long": _("Please send at most %(max_length)s entries."),
        "list_type": _("Please send a list (a JSON array)."),
        "model_type": _("Please send a JSON object."),
        "dict_type": _("Please send a JSON object."),
        "value_error": _("This value is not valid."),
        "control_character": _("The text contains an invisible control character (%(code)s) that is not allowed. "
                               "Please remove it; it often comes along when text is copied from another program."),
    }
    template = messages.get(kind, _("This value is not valid."))
    try:
        return template % {key: str(value) for key, value in context.items()}
    except (KeyError, TypeError, ValueError):
        return _("This value is not valid.")


def _field_name(location: tuple) -> str:
    """("body", "payload", "text") -> "text"; ("query", "limit") -> "limit"; the whole body -> "body"."""
    parts = [str(part) for part in location]
    if parts and parts[0] == "body":
        return ".".join(parts[2:]) or "body"
    return ".".join(parts[1:]) or (parts[0] if parts else "request")


def request_fields(errors: list[dict]) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for error in errors:
        fields.setdefault(_field_name(tuple(error.get("loc", ()))), []).append(_pydantic_message(error))
    return fields


def validation_fields(error: DjangoValidationError) -> tuple[str, str, dict[str, list[str]]]:
    """The code, message and field messages of a service's ValidationError."""
    if hasattr(error, "error_dict"):
        fields = {name: [str(message) for message in messages] for name, messages in error.message_dict.items()}
        first = next((messages[0] for messages in fields.values() if messages), _("Please check your input."))
        return "invalid", first, fields
    codes = [item.code for item in error.error_list if item.code]
    return (codes[0] if codes else "invalid"), " ".join(str(message) for message in error.messages), {}


# --- The handlers ---------------------------------------------------------------------------------------------


def install(api: NinjaAPI) -> None:
    """Replace ninja's default handlers: every refusal, whatever raised it, leaves in our format."""

    def api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
        response = render(api, request, exc.status, exc.code, exc.message, exc.fields)
        for name, value in exc.headers.items():
            response[name] = value
        return response

    def http_404(request: HttpRequest, exc: Http404) -> HttpResponse:
        return api_error(request, not_found())

    def permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return render(api, request, 403, "forbidden", _("You are not allowed to do this."))

    def invalid(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        code, message, fields = validation_fields(exc)
        if code == "rate_limited":  # a service's own limit, e.g. comments per minute
            response = render(api, request, 429, code, message, fields)
            response["Retry-After"] = "60"
            return response
        return render(api, request, 422, code, message, fields)

    def invalid_cursor(request: HttpRequest, exc: InvalidCursor) -> HttpResponse:
        message = str(InvalidCursor.message)
        return render(api, request, 400, "invalid_cursor", message, {"cursor": [message]})

    def invalid_request(request: HttpRequest, exc: RequestValidationError) -> HttpResponse:
        return render(api, request, 422, "invalid_request", _("Please check your input."),
                      request_fields(exc.errors))

    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        response = render(api, request, 401, "token_missing", _("This request needs an access token."))
        response["WWW-Authenticate"] = "Bearer"
        return response

    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if exc.status_code == 400:  # ninja's only own 400: a body that is not JSON
            return render(api, request, 400, "bad_request", _("The request body is not valid JSON."))
        return render(api, request, exc.status_code, "error", str(exc))

    def too_large(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        return render(api, request, 413, "request_too_large",
                      _("The request body is too large: at most %(size)d bytes are accepted.")
                      % {"size": settings.DATA_UPLOAD_MAX_MEMORY_SIZE})

    def suspicious(request: HttpRequest, exc: SuspiciousOperation) -> HttpResponse:
        # Django's refusals of malformed requests (too many fields, a broken multipart body).
        return render(api, request, 400, "bad_request", _("The request is malformed."))

    def server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.error("Internal Server Error: %s", request.path, exc_info=exc,
                     extra={"status_code": 500, "request": request})
        return render(api, request, 500, "server_error",
                      _("Something went wrong on our side. Please try again later."))

    _handle(api, ApiError, api_error)
    _handle(api, Http404, http_404)
    _handle(api, PermissionDenied, permission_denied)
    _handle(api, DjangoValidationError, invalid)
    _handle(api, InvalidCursor, invalid_cursor)
    _handle(api, RequestValidationError, invalid_request)
    _handle(api, AuthenticationError, unauthenticated)
    _handle(api, HttpError, http_error)
    _handle(api, RequestDataTooBig, too_large)
    _handle(api, SuspiciousOperation, suspicious)
    _handle(api, Exception, server_error)


def _handle[E: Exception](api: NinjaAPI, exc_class: type[E], handler: Callable[[HttpRequest, E], HttpResponse]) -> None:
    # ninja types a handler as taking the exception or its class, but it only ever passes the raised instance.
    api.add_exception_handler(exc_class, handler)  # type: ignore[arg-type]


def responses(ok: dict, *errors: int) -> dict:
    """A ninja ``response=`` mapping: the success answers plus ErrorOut for each error status, so that the
    OpenAPI schema documents every answer an operation can give."""
    return {**ok, **{status: ErrorOut for status in errors}}


# The errors every operation can answer: a bad or revoked token, a rate limit, bad input.
COMMON = (401, 422, 429)
READ = (*COMMON, 404)
PAGE = (*READ, 400)  # 400: a malformed cursor
# 400: a body that is not JSON; 403: a read-only token or a missing right; 413: a body above
# DATA_UPLOAD_MAX_MEMORY_SIZE.
WRITE = (*READ, 400, 403, 413)
