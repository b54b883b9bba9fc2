"""The CKAN Action API dispatcher: /api/3/action/<action> and /api/action/<action>, GET or POST.

It is a read-only machine endpoint that changes nothing, so POST needs no CSRF token (``csrf_exempt``) and no
session: clients send JSON bodies as ckanapi and CKAN harvesters do. Answers use CKAN's envelopes:
``{"help": ..., "success": true, "result": ...}`` or ``{"help": ..., "success": false, "error": {"__type": ...,
"message": ...}}`` with CKAN's HTTP status (400, 403, 404, 409).
"""

import json
import re
from typing import Any

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from kommune.core.access import public_view
from kommune.opendata.ckan.actions import ACTIONS
from kommune.opendata.ckan.errors import ActionError, AuthorizationError, BadRequest
from kommune.opendata.ckan.params import Params

# Actions of CKAN that write: this catalogue is maintained in its own management area, never through CKAN.
WRITE_ACTION = re.compile(r".*_(create|update|patch|delete|purge|revise)$|^(member|follow|unfollow)_.*")


def _help_url(action: str) -> str:
    return f"{settings.SITE_URL}/api/3/action/help_show?name={action}"


def _request_data(request: HttpRequest) -> dict[str, Any]:
    if request.method == "POST" and request.body.strip():
        if request.content_type == "application/x-www-form-urlencoded" or (request.content_type or "").startswith(
                "multipart/"):
            return {key: values[0] if len(values) == 1 else values for key, values in request.POST.lists()}
        try:
            data = json.loads(request.body)
        except (ValueError, UnicodeDecodeError) as error:
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
        raise BadRequest(_("Bad request - Action name not known: %(action)s") % {"action": action})
    return function(Params(_request_data(request)))


@csrf_exempt
@public_view
@require_http_methods(["GET", "HEAD", "POST"])
def action(request: HttpRequest, action: str) -> JsonResponse:
    envelope: dict[str, Any] = {"help": _help_url(action)}
    try:
        envelope |= {"success": True, "result": _call(action, request)}
        status = 200
    except ActionError as error:
        envelope |= {"success": False, "error": error.as_dict()}
        status = error.status
    return JsonResponse(envelope, status=status, json_dumps_params={"ensure_ascii": False})
