"""Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2/): the documents and their XML and JSON forms.

Each function builds the answer as plain Python data (lists of dicts, nested lists for the attributes and
values); ``render`` writes that data as JSON or as the spec's XML (its baseline format), so both forms always
carry the same content. Errors are the spec's list of ``{code, description}`` with the same HTTP status.
No personal data ever appears here: the reporter, their name, e-mail address and telephone stay inside.
"""

import json
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any
from xml.etree import ElementTree

from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone

from kommune.reports.models import Report, Service, ServiceAttribute

# The last change of this server's Open311 interface (the discovery document's changeset).
CHANGESET = datetime(2026, 12, 5, tzinfo=UTC)
SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
FORMATS = {"xml": "text/xml; charset=utf-8", "json": "application/json; charset=utf-8"}
# The element name of one entry of a list, by the list's name (the spec's XML).
ITEM_TAGS = {"services": "service", "service_requests": "request", "errors": "error", "attributes": "attribute",
             "values": "value", "endpoints": "endpoint", "formats": "format"}

Json = dict[str, Any]


class Open311Error(Exception):
    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.description = description


def w3(value: datetime | None) -> str | None:
    """The spec's date format (a subset of ISO 8601 with the offset), in Europe/Berlin."""
    return timezone.localtime(value).isoformat(timespec="seconds") if value else None


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _append(parent: ElementTree.Element, tag: str, value: Any) -> None:
    element = ElementTree.SubElement(parent, tag)
    if isinstance(value, list):
        item_tag = ITEM_TAGS[tag]
        for item in value:
            if isinstance(item, dict):
                _fill(ElementTree.SubElement(element, item_tag), item)
            else:
                ElementTree.SubElement(element, item_tag).text = _text(item)
    elif isinstance(value, dict):
        _fill(element, value)
    else:
        element.text = _text(value)


def _fill(element: ElementTree.Element, data: Json) -> None:
    for key, value in data.items():
        _append(element, key, value)


def to_xml(root: str, content: list | Json) -> bytes:
    """A list becomes ``<root><item>…</item>…</root>``, a dict ``<root>…</root>``."""
    element = ElementTree.Element(root)
    if isinstance(content, list):
        for item in content:
            _fill(ElementTree.SubElement(element, ITEM_TAGS[root]), item)
    else:
        _fill(element, content)
    return ElementTree.tostring(element, encoding="utf-8", xml_declaration=True)


def render(fmt: str, root: str, content: list | Json, *, status: int = 200) -> HttpResponse:
    body = json.dumps(content, ensure_ascii=False).encode() if fmt == "json" else to_xml(root, content)
    response = HttpResponse(body, content_type=FORMATS.get(fmt, FORMATS["xml"]), status=status)
    response["X-Content-Type-Options"] = "nosniff"
    return response


def error_response(fmt: str, errors: Iterable[Open311Error]) -> HttpResponse:
    errors = list(errors)
    content = [{"code": error.status, "description": error.description} for error in errors]
    return render(fmt, "errors", content, status=errors[0].status)


# --- The documents ----------------------------------------------------------------------------------------------


def discovery(*, base_url: str, contact: str, changeset: datetime | None) -> Json:
    return {
        "changeset": w3(changeset),
        "contact": contact,
        "key_service": contact,
        "endpoints": [{"specification": SPECIFICATION, "url": base_url, "changeset": w3(changeset),
                       "type": "production", "formats": ["text/xml", "application/json"]}],
    }


def service(service: Service, *, has_attributes: bool) -> Json:
    return {"service_code": service.code, "service_name": service.name, "description": service.description,
            "metadata": has_attributes, "type": "realtime", "keywords": service.keywords, "group": service.group}


def _attribute(attribute: ServiceAttribute) -> Json:
    data: Json = {"variable": True, "code": attribute.code, "datatype": attribute.datatype,
                  "required": attribute.required, "datatype_description": attribute.datatype_description,
                  "order": attribute.order, "description": attribute.description}
    if attribute.datatype in (ServiceAttribute.Datatype.SINGLEVALUELIST, ServiceAttribute.Datatype.MULTIVALUELIST):
        data["values"] = [{"key": str(value.get("key", "")), "name": str(value.get("name", ""))}
                          for value in attribute.values if isinstance(value, dict)]
    return data


def service_definition(service: Service) -> Json:
    return {"service_code": service.code, "attributes": [_attribute(a) for a in service.attributes.all()]}


def request(report: Report, *, absolute) -> Json:
    """One service request as the spec's GET requests describe it. ``absolute`` makes a path a full URL."""
    if report.photo:
        media_url = absolute(reverse("reports:photo", kwargs={"municipality_slug": report.municipality.slug,
                                                             "issue_id": report.pk}))
    else:
        media_url = report.media_url or None
    return {
        "service_request_id": str(report.pk),
        "status": report.open311_status,
        "status_notes": report.status_note or None,
        "service_name": report.service.name,
        "service_code": report.service.code,
        "description": report.description,
        "agency_responsible": report.department.name if report.department else None,
        "service_notice": None,
        "requested_datetime": w3(report.created_at),
        "updated_datetime": w3(report.updated_at),
        "expected_datetime": None,
        "address": report.address or None,
        "address_id": None,
        "zipcode": None,
        "lat": float(report.latitude) if report.latitude is not None else None,
        "long": float(report.longitude) if report.longitude is not None else None,
        "media_url": media_url,
    }


def created(report: Report) -> Json:
    return {"service_request_id": str(report.pk), "token": report.token, "service_notice": None,
            "account_id": None}


def token(report: Report) -> Json:
    return {"service_request_id": str(report.pk), "token": report.token}
