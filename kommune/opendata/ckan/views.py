"""The CKAN Action API dispatcher: /api/3/action/<action> and /api/action/<action>, GET or POST.

It is a read-only machine endpoint that changes nothing, so POST needs no CSRF token (``csrf_exempt``) and no
session: clients send JSON bodies as ckanapi and CKAN harvesters do. Answers use CKAN's envelopes:
``{"help": ..., "success": true, "result": ...}`` or ``{"help": ..., "success": false, "error": {"__type": ...,
"message": ...}}`` with CKAN's HTTP status (400, 403, 404, 409). Every refusal leaves in that envelope, never as an
HTML page: a wrong method (405), a body above DATA_UPLOAD_MAX_MEMORY_SIZE (413), the rate limit shared with the
REST API (429, kommune.core.ratelimit.api_limit) and an error of our own (500).
"""

import json
import logging
import re
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import HttpRequest, JsonResponse, QueryDict
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from kommune.core import ratelimit
from kommune.core.access import public_view
from kommune.opendata.ckan.actions import ACTIONS
from kommune.opendata.ckan.errors import (
    ActionError,
    AuthorizationError,
    BadRequest,
    MethodNotAllowed,
    RateLimited,
    RequestTooLarge,
    ServerError,
)
from kommune.opendata.ckan.params import Params

logger = logging.getLogger("django.request")
METHODS = ("GET", "HEAD", "POST")

# Actions of CKAN that write: this catalogue is maintained in its own management area, never through CKAN.
WRITE_ACTION = re.compile(r".*_(create|update|patch|delete|purge|revise)$|^(member|follow|unfollow)_.*")


def _help_url(action: str) -> str:
    return f"{settings.SITE_URL}/api/3/action/help_show?{urlencode({'name': action[:100]})}"


def _request_data(request: HttpRequest) -> dict[str, Any]:
    if request.method == "POST" and _body(request).strip():
        if request.content_type == "application/x-www-form-urlencoded" or (request.content_type or "").startswith(
                "multipart/"):
            return {key: values[0] if len(values) == 1 else values for key, values in _form(request).lists()}
        try:
            data = json.loads(request.body)
        except (ValueError, UnicodeDecodeError, RecursionError) as error:
            raise BadRequest(_("Bad request - JSON Error: %(error)s") % {"error": error}) from None
        if not isinstance(data, dict):
            raise BadRequest(_("Bad request - JSON Error: the body must be a JSON object."))
        return data
    return {key: values[0] if len(values) == 1 else values for key, values in request.GET.lists()}


def _call(action: str, request: HttpRequest) -> Any:
    function = ACTIONS.get(action)
    if function is None:
        if WRITE_ACTION.match(action):
            raise AuthorizationError(_("This catalogue is read-only: %(action)s is not allowed.") % {"action": action})
        raise BadRequest(_("Bad request - Action name not known: %(action)s") % {"action": action[:100]})
    return function(Params(_request_data(request)))


def _body(request: HttpRequest) -> bytes:
    try:
        return request.body
    except RequestDataTooBig:
        raise RequestTooLarge(_("Request too large: at most %(size)d bytes are accepted.") % {
            "size": settings.DATA_UPLOAD_MAX_MEMORY_SIZE}) from None


def _form(request: HttpRequest) -> QueryDict:
    try:
        return request.POST
    except RequestDataTooBig:
        raise
    except (SuspiciousOperation, MultiPartParserError) as error:  # too many fields, a broken multipart body
        raise BadRequest(_("Bad request - %(error)s") % {"error": error}) from None


def _check_rate(request: HttpRequest) -> None:
    verdict = ratelimit.hit(ratelimit.api_limit(), f"ip:{ratelimit.client_address(request)}")
    if not verdict.allowed:
        raise RateLimited(ratelimit.too_many_requests(verdict), retry_after=verdict.retry_after)


def _result(request: HttpRequest, action: str) -> Any:
    if request.method not in METHODS:
        raise MethodNotAllowed(_("Method not allowed: use GET or POST."))
    _check_rate(request)
    return _call(action, request)


@csrf_exempt
@public_view
def action(request: HttpRequest, action: str) -> JsonResponse:
    envelope: dict[str, Any] = {"help": _help_url(action)}
    try:
        envelope |= {"success": True, "result": _result(request, action)}
        status = 200
    except ActionError as error:
        envelope |= {"success": False, "error": error.as_dict()}
        status = error.status
    except Exception as error:  # noqa: BLE001 - a client of the CKAN API gets CKAN's envelope, never an HTML page
        logger.error("Internal Server Error: %s", request.path, exc_info=error,
                     extra={"status_code": 500, "request": request})
        failure = ServerError(_("Internal server error. Please try again later."))
        envelope |= {"success": False, "error": failure.as_dict()}
        status = failure.status
    response = JsonResponse(envelope, status=status, json_dumps_params={"ensure_ascii": False})
    if status == 405:
        response["Allow"] = ", ".join(METHODS)
    elif status == 429:
        response["Retry-After"] = str(envelope["error"].get("retry_after", 60))
    return response

