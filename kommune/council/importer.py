"""The OParl importer: crawls an OParl 1.0 or 1.1 endpoint (System -> Bodies -> the Body's lists, every list
through ``next`` to its end, every embedded object) and saves the objects as the council of a municipality.

Every object keeps its source ``id`` in ``oparl_id``, so a second run updates instead of duplicating; a later run
asks only for objects modified since the start of the last complete one. An object that is not what the
specification requires is logged and skipped, never the whole import. HTTP is plain ``urllib`` with a timeout and a
bounded number of retries with back-off on 5xx answers, timeouts and broken connections.
"""

import http.client
import json
import logging
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from urllib.error import HTTPError, URLError
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit
from urllib.request import Request, urlopen

from django.db import DatabaseError
from django.db.models import CharField, Model
from django.utils import timezone

from kommune.core.models import Municipality
from kommune.council.models import (
    AgendaItem,
    Consultation,
    CouncilObject,
    File,
    LegislativeTerm,
    Location,
    Meeting,
    Membership,
    OParlImport,
    Organization,
    Paper,
    Person,
)
from kommune.council.services import (
    do_finish_oparl_import,
    do_mark_council_object_deleted,
    do_save_council_object,
    do_store_council_file_content,
)

logger = logging.getLogger(__name__)

Json = dict[str, Any]
TYPE_PREFIXES = ("https://schema.oparl.org/1.0/", "https://schema.oparl.org/1.1/")
MODELS: dict[str, type[CouncilObject]] = {
    "LegislativeTerm": LegislativeTerm, "Location": Location, "Organization": Organization, "Person": Person,
    "Membership": Membership, "Meeting": Meeting, "AgendaItem": AgendaItem, "Paper": Paper,
    "Consultation": Consultation, "File": File,
}
# The Body's lists in an order in which most references point to objects imported before.
BODY_LISTS = ["legislativeTermList", "locationList", "organization", "person", "membership", "meeting", "paper",
              "agendaItem", "consultation", "file"]
# Asked for a little earlier than the last run started, so that a source whose clock runs behind ours loses nothing
# (a second import of an object only updates it).
CLOCK_MARGIN = timedelta(minutes=5)
FILE_ROLES = {"mainFile": File.Role.MAIN, "auxiliaryFile": File.Role.AUXILIARY, "invitation": File.Role.INVITATION,
              "resultsProtocol": File.Role.RESULTS_PROTOCOL, "verbatimProtocol": File.Role.VERBATIM_PROTOCOL,
              "resolutionFile": File.Role.RESOLUTION}


class FetchError(Exception):
    """A URL that did not answer with what we asked for, also after the retries."""


class InvalidObject(Exception):
    """An object that misses a field the import needs, or has one of the wrong type."""


class MissingReference(InvalidObject):
    """An object whose required parent (a membership's person, an agenda item's meeting) is not imported (yet)."""


@dataclass
class Http:
    timeout: float = 20.0
    attempts: int = 4
    backoff: float = 1.0  # seconds before the first retry, doubled for each further one
    max_json_bytes: int = 50 * 1024 * 1024
    max_file_bytes: int = 100 * 1024 * 1024

    def get(self, url: str, *, limit: int, accept: str = "*/*") -> bytes:
        if urlsplit(url).scheme not in ("http", "https"):
            raise FetchError(f"not an HTTP URL: {url}")
        for attempt in range(self.attempts):
            try:
                return self._get_once(url, limit=limit, accept=accept)
            except HTTPError as error:
                if error.code < 500 or attempt == self.attempts - 1:
                    raise FetchError(f"{url}: HTTP {error.code}") from error
                reason = f"HTTP {error.code}"
            except (URLError, TimeoutError, ConnectionError, http.client.HTTPException) as error:
                if attempt == self.attempts - 1:
                    raise FetchError(f"{url}: {error}") from error
                reason = str(error)
            delay = self.backoff * 2 ** attempt
            logger.warning("OParl import: %s (%s), retrying in %.1f s", url, reason, delay)
            time.sleep(delay)
        raise FetchError(url)  # pragma: no cover - the loop returns or raises

    def _get_once(self, url: str, *, limit: int, accept: str) -> bytes:
        request = Request(url, headers={"Accept": accept, "User-Agent": "Offene Kommune OParl importer"})
        with urlopen(request, timeout=self.timeout) as response:  # noqa: S310 - the scheme is checked above
            content: bytes = response.read(limit + 1)
        if len(content) > limit:
            raise FetchError(f"{url}: larger than {limit} bytes")
        return content

    def json(self, url: str) -> Json:
        content = self.get(url, limit=self.max_json_bytes, accept="application/json")
        try:
            data = json.loads(content)
        except ValueError as error:
            raise FetchError(f"{url}: not JSON") from error
        if not isinstance(data, dict):
            raise FetchError(f"{url}: not a JSON object")
        return data


def with_params(url: str, params: dict[str, str]) -> str:
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    query.update(params)
    return urlunsplit(parts._replace(query=urlencode(query)))


# Reading fields: each raises InvalidObject on a value of the wrong type.

def _type_name(obj: Any) -> str:
    if not isinstance(obj, dict):
        raise InvalidObject("not an object")
    kind, oparl_id = obj.get("type"), obj.get("id")
    if not isinstance(oparl_id, str) or not oparl_id.startswith(("http://", "https://")):
        raise InvalidObject(f"no valid id: {oparl_id!r}")
    if not isinstance(kind, str) or not kind.startswith(TYPE_PREFIXES):
        raise InvalidObject(f"{oparl_id}: not an OParl 1.0/1.1 type: {kind!r}")
    return kind.rsplit("/", 1)[1]


def _text(obj: Json, key: str) -> str:
    value = obj.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InvalidObject(f"{obj['id']}: {key} is not a string")
    return value


def _strings(obj: Json, key: str) -> list[str]:
    value = obj.get(key) or []
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise InvalidObject(f"{obj['id']}: {key} is not a list of strings")
    return value


def _bool(obj: Json, key: str, default: bool) -> bool:
    value = obj.get(key, default)
    if not isinstance(value, bool):
        raise InvalidObject(f"{obj['id']}: {key} is not a boolean")
    return value


def _int(obj: Json, key: str, default: int | None = None, maximum: int = 2**31) -> int:
    """A non-negative integer below ``maximum`` (the range of the column it goes into)."""
    value = obj.get(key, default)
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value < maximum:
        raise InvalidObject(f"{obj['id']}: {key} is not a non-negative integer of our range")
    return value


def _date(obj: Json, key: str) -> date | None:
    value = _text(obj, key)
    try:
        return date.fromisoformat(value[:10]) if value else None
    except ValueError as error:
        raise InvalidObject(f"{obj['id']}: {key} is not a date") from error


def _datetime(obj: Json, key: str) -> datetime | None:
    value = _text(obj, key)
    try:
        parsed = datetime.fromisoformat(value) if value else None
    except ValueError as error:
        raise InvalidObject(f"{obj['id']}: {key} is not a date-time") from error
    if parsed is not None and timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


def _url(obj: Json, key: str) -> str:
    value = _text(obj, key)
    return value if value.startswith(("http://", "https://")) and len(value) <= 200 else ""


def _first_url(obj: Json, key: str) -> str | None:
    """A reference that OParl 1.1 gives as a list and OParl 1.0 sometimes as one URL."""
    value = obj.get(key)
    if isinstance(value, list):
        value = value[0] if value else None
    if value is not None and not isinstance(value, str):
        raise InvalidObject(f"{obj['id']}: {key} is not a URL")
    return value


@dataclass
class Report:
    saved: Counter[str] = field(default_factory=Counter)
    deleted: Counter[str] = field(default_factory=Counter)
    skipped: list[str] = field(default_factory=list)
    failed_pages: list[str] = field(default_factory=list)
    files_fetched: int = 0

    @property
    def complete(self) -> bool:
        return not self.failed_pages


@dataclass
class Parent:
    """The object an embedded object sits in, and the attribute it sits under."""

    instance: CouncilObject
    key: str


class BodyImport:
    """Imports one OParl Body into one municipality."""

    def __init__(self, *, http: Http, municipality: Municipality, fetch_files: bool = True) -> None:
        self.http = http
        self.municipality = municipality
        self.fetch_files = fetch_files
        self.report = Report()
        self._deferred: list[tuple[Json, Parent | None]] = []
        self._deferred_ids: set[str] = set()
        self._saved_ids: set[str] = set()
        self._deferring = True

    # Crawling

    def run(self, *, system_url: str, body: Json) -> Report:
        source = OParlImport.objects.filter(municipality=self.municipality, body_id=body["id"]).first()
        since = source.last_success - CLOCK_MARGIN if source and source.last_success else None
        started = timezone.now()
        for term in body.get("legislativeTerm") or []:
            if isinstance(term, dict):
                self.save(term)
        for key in BODY_LISTS:
            url = body.get(key)
            if isinstance(url, str):
                for obj in self.pages(url, since):
                    self.save(obj)
        self._deferring = False
        for obj, parent in self._deferred:  # references to objects that came later in the crawl
            self.save(obj, parent)
        if self.report.complete:
            do_finish_oparl_import(municipality=self.municipality, system_url=system_url, body_id=body["id"],
                                   started=started)
        return self.report

    def pages(self, url: str, since: datetime | None) -> Iterator[Json]:
        """The objects of a list, page after page through ``next``; a page that fails also after the retries
        ends the list (the run then does not count as complete, so the next one starts from the same time)."""
        if since is not None:
            url = with_params(url, {"modified_since": since.isoformat(timespec="seconds")})
        seen: set[str] = set()
        while url and url not in seen:
            seen.add(url)
            try:
                page = self.http.json(url)
            except FetchError as error:
                logger.error("OParl import: list page failed, rest of the list skipped: %s", error)
                self.report.failed_pages.append(url)
                return
            data = page.get("data")
            if not isinstance(data, list):
                logger.error("OParl import: %s is not a list page", url)
                self.report.failed_pages.append(url)
                return
            yield from data
            links = page.get("links")
            next_url = links.get("next") if isinstance(links, dict) else None
            url = next_url if isinstance(next_url, str) else ""

    # Saving

    def save(self, obj: Any, parent: Parent | None = None) -> CouncilObject | None:
        try:
            return self._save(obj, parent)
        except MissingReference:
            if self._deferring:  # the parent may come later in the crawl: try once more at the end
                self._defer(obj, parent)
                return None
            logger.warning("OParl import: object skipped, its parent is unknown: %s", obj.get("id"))
            self.report.skipped.append(f"{obj.get('id')}: parent unknown")
            return None
        except InvalidObject as error:
            logger.warning("OParl import: object skipped: %s", error)
            self.report.skipped.append(str(error))
            return None
        except DatabaseError as error:  # a value our columns cannot hold (a number out of range, ...)
            logger.warning("OParl import: object not saved: %s: %s", obj.get("id"), error)
            self.report.skipped.append(f"{obj.get('id')}: {error}")
            return None

    def _save(self, obj: Any, parent: Parent | None) -> CouncilObject | None:
        type_name = _type_name(obj)
        model = MODELS.get(type_name)
        if model is None:
            raise InvalidObject(f"{obj['id']}: {type_name} is not imported")
        if obj.get("deleted") is True:
            if do_mark_council_object_deleted(municipality=self.municipality, model=model, oparl_id=obj["id"]):
                self.report.deleted[type_name] += 1
            return None
        fields = self._fields(type_name, obj, parent)
        fields.update(self._common(obj))
        instance = do_save_council_object(municipality=self.municipality, model=model, oparl_id=obj["id"],
                                          fields=_clipped(model, fields))
        if obj["id"] not in self._saved_ids:  # objects saved again (embedded twice, deferred) count once
            self._saved_ids.add(obj["id"])
            self.report.saved[type_name] += 1
        self._save_embedded(type_name, obj, instance)
        if isinstance(instance, File):
            self._fetch_content(instance, obj)
        return instance

    def _defer(self, obj: Json, parent: Parent | None) -> None:
        key = obj["id"]
        if self._deferring and key not in self._deferred_ids:
            self._deferred_ids.add(key)
            self._deferred.append((obj, parent))

    def _common(self, obj: Json) -> Json:
        fields: Json = {"keyword": _strings(obj, "keyword"), "web": _url(obj, "web")}
        created = _datetime(obj, "created")
        if created is not None:
            fields["created"] = created
        return fields

    def _ref[M: CouncilObject](self, model: type[M], url: str | None, obj: Json, parent: Parent | None) -> M | None:
        if not url:
            return None
        found = model._default_manager.filter(municipality=self.municipality, oparl_id=url).first()
        if found is None:
            self._defer(obj, parent)
        return found

    def _location(self, obj: Json, key: str, parent: Parent | None) -> Location | None:
        value = obj.get(key)
        if isinstance(value, list):
            value = value[0] if value else None
        if isinstance(value, dict):
            saved = self.save(value)
            return saved if isinstance(saved, Location) else None
        if value is None or isinstance(value, str):
            return self._ref(Location, value, obj, parent)
        raise InvalidObject(f"{obj['id']}: {key} is not a location")

    def _parent_or_ref[M: CouncilObject](self, model: type[M], obj: Json, key: str,
                                         parent: Parent | None) -> M | None:
        if parent is not None and isinstance(parent.instance, model):
            return parent.instance
        return self._ref(model, _first_url(obj, key), obj, parent)

    def _fields(self, type_name: str, obj: Json, parent: Parent | None) -> Json:
        builders: dict[str, Callable[[Json, Parent | None], Json]] = {
            "LegislativeTerm": self._legislative_term, "Location": self._location_fields,
            "Organization": self._organization, "Person": self._person, "Membership": self._membership,
            "Meeting": self._meeting, "AgendaItem": self._agenda_item, "Paper": self._paper,
            "Consultation": self._consultation, "File": self._file,
        }
        return builders[type_name](obj, parent)

    def _legislative_term(self, obj: Json, parent: Parent | None) -> Json:
        return {"name": _text(obj, "name"), "start_date": _date(obj, "startDate"), "end_date": _date(obj, "endDate")}

    def _location_fields(self, obj: Json, parent: Parent | None) -> Json:
        geojson = obj.get("geojson")
        if geojson is not None and not isinstance(geojson, dict):
            raise InvalidObject(f"{obj['id']}: geojson is not an object")
        return {"description": _text(obj, "description"), "geojson": geojson,
                "street_address": _text(obj, "streetAddress"), "room": _text(obj, "room"),
                "postal_code": _text(obj, "postalCode"), "sub_locality": _text(obj, "subLocality"),
                "locality": _text(obj, "locality")}

    def _organization(self, obj: Json, parent: Parent | None) -> Json:
        kind = _text(obj, "organizationType")
        return {"name": _text(obj, "name"), "short_name": _text(obj, "shortName"),
                "organization_type": kind if kind in Organization.Type.values else Organization.Type.OTHER,
                "classification": _text(obj, "classification"),
                "sub_organization_of": self._ref(Organization, _first_url(obj, "subOrganizationOf"), obj, parent),
                "start_date": _date(obj, "startDate"), "end_date": _date(obj, "endDate"),
                "website": _url(obj, "website"), "location": self._location(obj, "location", parent)}

    def _person(self, obj: Json, parent: Parent | None) -> Json:
        name = _text(obj, "name") or " ".join(filter(None, [_text(obj, "givenName"), _text(obj, "familyName")]))
        location_key = "locationObject" if isinstance(obj.get("locationObject"), dict) else "location"
        return {"name": name, "family_name": _text(obj, "familyName"), "given_name": _text(obj, "givenName"),
                "form_of_address": _text(obj, "formOfAddress"), "affix": _text(obj, "affix"),
                "title": _strings(obj, "title"), "gender": _text(obj, "gender"), "email": _strings(obj, "email"),
                "phone": _strings(obj, "phone"), "status": _strings(obj, "status"), "life": _text(obj, "life"),
                "location": self._location(obj, location_key, parent)}

    def _membership(self, obj: Json, parent: Parent | None) -> Json:
        person = self._parent_or_ref(Person, obj, "person", parent)
        organization = self._ref(Organization, _first_url(obj, "organization"), obj, parent)
        if person is None or organization is None:
            raise MissingReference(f"{obj['id']}: person or organization unknown")
        return {"person": person, "organization": organization, "role": _text(obj, "role"),
                "voting_right": _bool(obj, "votingRight", True), "start_date": _date(obj, "startDate"),
                "end_date": _date(obj, "endDate"),
                "on_behalf_of": self._ref(Organization, _first_url(obj, "onBehalfOf"), obj, parent)}

    def _meeting(self, obj: Json, parent: Parent | None) -> Json:
        state = _text(obj, "meetingState")
        return {"name": _text(obj, "name"),
                "meeting_state": state if state in Meeting.State.values else Meeting.State.SCHEDULED,
                "cancelled": _bool(obj, "cancelled", False), "start": _datetime(obj, "start"),
                "end": _datetime(obj, "end"), "location": self._location(obj, "location", parent),
                "organization": self._ref(Organization, _first_url(obj, "organization"), obj, parent)}

    def _agenda_item(self, obj: Json, parent: Parent | None) -> Json:
        meeting = self._parent_or_ref(Meeting, obj, "meeting", parent)
        if meeting is None:
            raise MissingReference(f"{obj['id']}: meeting unknown")
        return {"meeting": meeting, "number": _text(obj, "number"), "order": _int(obj, "order"),
                "name": _text(obj, "name"), "public": _bool(obj, "public", True), "result": _text(obj, "result"),
                "resolution_text": _text(obj, "resolutionText"), "start": _datetime(obj, "start"),
                "end": _datetime(obj, "end")}

    def _paper(self, obj: Json, parent: Parent | None) -> Json:
        return {"name": _text(obj, "name"), "reference": _text(obj, "reference"), "date": _date(obj, "date"),
                "paper_type": _text(obj, "paperType"),
                "originator_organization": self._ref(Organization, _first_url(obj, "originatorOrganization"),
                                                     obj, parent),
                "under_direction_of": self._ref(Organization, _first_url(obj, "underDirectionOf"), obj, parent),
                "location": self._location(obj, "location", parent)}

    def _consultation(self, obj: Json, parent: Parent | None) -> Json:
        paper = self._parent_or_ref(Paper, obj, "paper", parent)
        if paper is None:
            raise MissingReference(f"{obj['id']}: paper unknown")
        return {"paper": paper, "agenda_item": self._ref(AgendaItem, _first_url(obj, "agendaItem"), obj, parent),
                "meeting": self._ref(Meeting, _first_url(obj, "meeting"), obj, parent),
                "organization": self._ref(Organization, _first_url(obj, "organization"), obj, parent),
                "authoritative": _bool(obj, "authoritative", False), "role": _text(obj, "role")}

    def _file(self, obj: Json, parent: Parent | None) -> Json:
        if not _text(obj, "accessUrl"):
            raise InvalidObject(f"{obj['id']}: no accessUrl")
        fields: Json = {"name": _text(obj, "name") or _text(obj, "fileName"), "file_name": _text(obj, "fileName"),
                        "mime_type": _text(obj, "mimeType") or "application/octet-stream",
                        "date": _date(obj, "date"), "size": _int(obj, "size", 0, maximum=2**63)}
        if _text(obj, "text"):  # else the text extracted from the fetched PDF stays (a later run fetches no more)
            fields["text"] = _text(obj, "text")
        if parent is not None:
            fields["role"] = FILE_ROLES.get(parent.key, File.Role.AUXILIARY)
            for model, name in [(Paper, "paper"), (Meeting, "meeting"), (AgendaItem, "agenda_item")]:
                if isinstance(parent.instance, model):
                    fields[name] = parent.instance
            return fields
        owners = {"paper": self._ref(Paper, _first_url(obj, "paper"), obj, parent),
                  "meeting": self._ref(Meeting, _first_url(obj, "meeting"), obj, parent),
                  "agenda_item": self._ref(AgendaItem, _first_url(obj, "agendaItem"), obj, parent)}
        fields.update({name: owner for name, owner in owners.items() if owner is not None})
        return fields

    def _save_embedded(self, type_name: str, obj: Json, instance: CouncilObject) -> None:
        keys = {"Person": ["membership"], "Meeting": ["agendaItem", "invitation", "resultsProtocol",
                                                      "verbatimProtocol", "auxiliaryFile"],
                "AgendaItem": ["resolutionFile", "auxiliaryFile"],
                "Paper": ["mainFile", "auxiliaryFile", "consultation"]}.get(type_name, [])
        for key in keys:
            value = obj.get(key)
            for embedded in value if isinstance(value, list) else [value]:
                if isinstance(embedded, dict):  # OParl 1.0 and omit_internal give URLs: their lists bring them
                    self.save(embedded, Parent(instance, key))

    def _fetch_content(self, file: File, obj: Json) -> None:
        checksum = _text(obj, "sha1Checksum")  # ours is computed from the stored content, never copied
        if not self.fetch_files or (file.file and checksum and checksum == file.sha1_checksum):
            return
        url = _text(obj, "downloadUrl") or _text(obj, "accessUrl")
        try:
            content = self.http.get(url, limit=self.http.max_file_bytes)
        except FetchError as error:
            logger.warning("OParl import: file not fetched: %s", error)
            self.report.skipped.append(f"file content {url}: {error}")
            return
        # The source's own text of the file wins; else ours is extracted from the PDF (pdf.extract_text).
        do_store_council_file_content(file=file, content=content, extract=not _text(obj, "text"))
        self.report.files_fetched += 1


def _clipped(model: type[Model], fields: Json) -> Json:
    """Texts longer than our columns are cut rather than failing the object."""
    clipped = dict(fields)
    for name, value in fields.items():
        model_field = model._meta.get_field(name)
        if isinstance(value, str) and isinstance(model_field, CharField) and model_field.max_length:
            clipped[name] = value[: model_field.max_length]
    return clipped


def bodies(http: Http, system_url: str) -> list[Json]:
    """The Bodies of an OParl System."""
    system = http.json(system_url)
    if _type_name(system) != "System" or not isinstance(system.get("body"), str):
        raise FetchError(f"{system_url}: not an OParl System")
    found: list[Json] = []
    url = system["body"]
    seen: set[str] = set()
    while url and url not in seen:
        seen.add(url)
        page = http.json(url)
        found += [body for body in page.get("data") or [] if isinstance(body, dict)]
        links = page.get("links")
        next_url = links.get("next") if isinstance(links, dict) else None
        url = next_url if isinstance(next_url, str) else ""
    return found


def municipality_for(body: Json, slug: str | None) -> Municipality | None:
    """The municipality given on the command line, else the one with the Body's official municipality key."""
    if slug:
        return Municipality.objects.filter(slug=slug).first()
    ags = body.get("ags")
    return Municipality.objects.filter(official_key=ags).first() if isinstance(ags, str) and ags else None
