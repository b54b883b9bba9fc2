"""The council objects as OParl 1.1 JSON (https://schema.oparl.org/1.1/).

Each ``*_object`` function turns one prefetched row into its OParl object; embedded objects (a paper's files and
consultations, a meeting's agenda) come from the prefetched relations, so that a list page costs a fixed number of
queries. ``omit_internal`` leaves out the embedded objects that the schema does not require.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import Model
from django.urls import reverse
from django.utils import timezone

from kommune.core.models import Municipality
from kommune.council.models import (
    AgendaItem,
    Consultation,
    File,
    LegislativeTerm,
    Location,
    Meeting,
    Membership,
    Organization,
    Paper,
    Person,
)

SCHEMA = "https://schema.oparl.org/1.1/"
OPARL_VERSION = "https://schema.oparl.org/1.1/"

Json = dict[str, Any]


def timestamp(value: datetime) -> str:
    return timezone.localtime(value).isoformat(timespec="seconds")


def day(value: date | None) -> str | None:
    return value.isoformat() if value else None


@dataclass(frozen=True)
class Urls:
    """Builds the absolute URLs of one municipality's OParl objects from one reversed prefix."""

    base: str  # https://host/oparl/v1.1/body/<slug>
    omit_internal: bool = False

    def body(self) -> str:
        return self.base

    def list(self, kind: str) -> str:
        return f"{self.base}/{kind}"

    def object(self, kind: str, pk: int | None) -> str | None:
        return f"{self.base}/{kind}/{pk}" if pk else None


def body_base(request_uri: Callable[[str], str], municipality: Municipality) -> str:
    return request_uri(reverse("council:body", kwargs={"municipality_slug": municipality.slug}))


def _common(obj: Model, kind: str, type_name: str, urls: Urls) -> Json:
    data: Json = {"id": urls.object(kind, obj.pk), "type": SCHEMA + type_name}
    return data


def _tail(data: Json, obj: Any) -> Json:
    """The attributes every object ends with; empty values are left out as the specification recommends."""
    data.update({"keyword": obj.keyword or None, "web": obj.web or None,
                 "created": timestamp(obj.created), "modified": timestamp(obj.modified)})
    if obj.deleted:
        data["deleted"] = True
    return {key: value for key, value in data.items() if value not in (None, "", [])}


def _deleted(obj: Any, kind: str, type_name: str, urls: Urls) -> Json:
    """A deleted object keeps only its identity and times (OParl 1.1, "Gelöschte Objekte")."""
    return {"id": urls.object(kind, obj.pk), "type": SCHEMA + type_name, "created": timestamp(obj.created),
            "modified": timestamp(obj.modified), "deleted": True}


def legislative_term_object(term: LegislativeTerm, urls: Urls) -> Json:
    if term.deleted:
        return _deleted(term, "legislativeTerm", "LegislativeTerm", urls)
    data = _common(term, "legislativeTerm", "LegislativeTerm", urls)
    data.update({"body": urls.body(), "name": term.name, "startDate": day(term.start_date),
                 "endDate": day(term.end_date)})
    return _tail(data, term)


def location_object(location: Location, urls: Urls) -> Json:
    if location.deleted:
        return _deleted(location, "location", "Location", urls)
    data = _common(location, "location", "Location", urls)
    data.update({"description": location.description, "geojson": location.geojson,
                 "streetAddress": location.street_address, "room": location.room,
                 "postalCode": location.postal_code, "subLocality": location.sub_locality,
                 "locality": location.locality})
    return _tail(data, location)


def _embedded_location(location: Location | None, urls: Urls) -> Json | None:
    if location is None or location.deleted or urls.omit_internal:
        return None
    return location_object(location, urls)


def membership_object(membership: Membership, urls: Urls) -> Json:
    if membership.deleted:
        return _deleted(membership, "membership", "Membership", urls)
    data = _common(membership, "membership", "Membership", urls)
    data.update({"person": urls.object("person", membership.person_id),
                 "organization": urls.object("organization", membership.organization_id),
                 "role": membership.role, "votingRight": membership.voting_right,
                 "startDate": day(membership.start_date), "endDate": day(membership.end_date),
                 "onBehalfOf": urls.object("organization", membership.on_behalf_of_id)})
    return _tail(data, membership)


def organization_object(organization: Organization, urls: Urls) -> Json:
    if organization.deleted:
        return _deleted(organization, "organization", "Organization", urls)
    data = _common(organization, "organization", "Organization", urls)
    data.update({"body": urls.body(), "name": organization.name, "shortName": organization.short_name,
                 "membership": [urls.object("membership", m.pk) for m in organization.memberships.all()],
                 "organizationType": organization.organization_type,
                 "classification": organization.classification,
                 "subOrganizationOf": urls.object("organization", organization.sub_organization_of_id),
                 "startDate": day(organization.start_date), "endDate": day(organization.end_date),
                 "website": organization.website, "location": _embedded_location(organization.location, urls)})
    return _tail(data, organization)


def person_object(person: Person, urls: Urls) -> Json:
    if person.deleted:
        return _deleted(person, "person", "Person", urls)
    data = _common(person, "person", "Person", urls)
    memberships = None if urls.omit_internal else [membership_object(m, urls) for m in person.memberships.all()]
    data.update({"body": urls.body(), "name": person.name, "familyName": person.family_name,
                 "givenName": person.given_name, "formOfAddress": person.form_of_address, "affix": person.affix,
                 "title": person.title, "gender": person.gender, "email": person.email, "phone": person.phone,
                 "status": person.status, "life": person.life,
                 "location": urls.object("location", person.location_id),
                 "locationObject": _embedded_location(person.location, urls), "membership": memberships})
    return _tail(data, person)


def file_object(file: File, urls: Urls) -> Json:
    if file.deleted:
        return _deleted(file, "file", "File", urls)
    data = _common(file, "file", "File", urls)
    url = urls.object("file", file.pk)
    data.update({"name": file.name, "fileName": file.file_name, "mimeType": file.mime_type,
                 "date": day(file.date), "size": file.size, "sha1Checksum": file.sha1_checksum,
                 "text": file.text, "accessUrl": f"{url}/access", "downloadUrl": f"{url}/download",
                 "paper": [urls.object("paper", file.paper_id)] if file.paper_id else None,
                 "meeting": [urls.object("meeting", file.meeting_id)] if file.meeting_id else None,
                 "agendaItem": [urls.object("agendaItem", file.agenda_item_id)] if file.agenda_item_id else None})
    return _tail(data, file)


def _files(files: list[File], role: str, urls: Urls) -> list[Json]:
    return [file_object(file, urls) for file in files if file.role == role]


def _one_file(files: list[File], role: str, urls: Urls) -> Json | None:
    found = _files(files, role, urls)
    return found[0] if found else None


def consultation_object(consultation: Consultation, urls: Urls) -> Json:
    if consultation.deleted:
        return _deleted(consultation, "consultation", "Consultation", urls)
    data = _common(consultation, "consultation", "Consultation", urls)
    organization = urls.object("organization", consultation.organization_id)
    data.update({"paper": urls.object("paper", consultation.paper_id),
                 "agendaItem": urls.object("agendaItem", consultation.agenda_item_id),
                 "meeting": urls.object("meeting", consultation.meeting_id),
                 "organization": [organization] if organization else None,
                 "authoritative": consultation.authoritative, "role": consultation.role})
    return _tail(data, consultation)


def agenda_item_object(item: AgendaItem, urls: Urls) -> Json:
    if item.deleted:
        return _deleted(item, "agendaItem", "AgendaItem", urls)
    data = _common(item, "agendaItem", "AgendaItem", urls)
    files = list(item.files.all())
    consultations = list(item.consultations.all())
    data.update({"meeting": urls.object("meeting", item.meeting_id), "number": item.number, "order": item.order,
                 "name": item.name, "public": item.public,
                 "consultation": urls.object("consultation", consultations[0].pk) if consultations else None,
                 "result": item.result, "resolutionText": item.resolution_text,
                 "start": timestamp(item.start) if item.start else None,
                 "end": timestamp(item.end) if item.end else None})
    if not urls.omit_internal:
        data.update({"resolutionFile": _one_file(files, File.Role.RESOLUTION, urls),
                     "auxiliaryFile": _files(files, File.Role.AUXILIARY, urls)})
    return _tail(data, item)


def meeting_object(meeting: Meeting, urls: Urls) -> Json:
    if meeting.deleted:
        return _deleted(meeting, "meeting", "Meeting", urls)
    data = _common(meeting, "meeting", "Meeting", urls)
    organization = urls.object("organization", meeting.organization_id)
    data.update({"name": meeting.name, "meetingState": meeting.meeting_state, "cancelled": meeting.cancelled,
                 "start": timestamp(meeting.start) if meeting.start else None,
                 "end": timestamp(meeting.end) if meeting.end else None,
                 "organization": [organization] if organization else None})
    if not urls.omit_internal:
        files = list(meeting.files.all())
        data.update({"location": _embedded_location(meeting.location, urls),
                     "invitation": _one_file(files, File.Role.INVITATION, urls),
                     "resultsProtocol": _one_file(files, File.Role.RESULTS_PROTOCOL, urls),
                     "verbatimProtocol": _one_file(files, File.Role.VERBATIM_PROTOCOL, urls),
                     "auxiliaryFile": _files(files, File.Role.AUXILIARY, urls),
                     "agendaItem": [agenda_item_object(item, urls) for item in meeting.agenda_items.all()]})
    return _tail(data, meeting)


def paper_object(paper: Paper, urls: Urls) -> Json:
    if paper.deleted:
        return _deleted(paper, "paper", "Paper", urls)
    data = _common(paper, "paper", "Paper", urls)
    originator = urls.object("organization", paper.originator_organization_id)
    direction = urls.object("organization", paper.under_direction_of_id)
    data.update({"body": urls.body(), "name": paper.name, "reference": paper.reference, "date": day(paper.date),
                 "paperType": paper.paper_type, "originatorOrganization": [originator] if originator else None,
                 "underDirectionOf": [direction] if direction else None})
    if not urls.omit_internal:
        files = list(paper.files.all())
        location = _embedded_location(paper.location, urls)
        data.update({"mainFile": _one_file(files, File.Role.MAIN, urls),
                     "auxiliaryFile": _files(files, File.Role.AUXILIARY, urls),
                     "location": [location] if location else None,
                     "consultation": [consultation_object(c, urls) for c in paper.consultations.all()]})
    return _tail(data, paper)


@dataclass(frozen=True)
class Kind:
    """One OParl object type: its list's path segment, its model and how it is written."""

    path: str
    model: type[Model]
    render: Callable[[Any, Urls], Json]


KINDS: dict[str, Kind] = {kind.path: kind for kind in [
    Kind("organization", Organization, organization_object),
    Kind("person", Person, person_object),
    Kind("meeting", Meeting, meeting_object),
    Kind("paper", Paper, paper_object),
    Kind("agendaItem", AgendaItem, agenda_item_object),
    Kind("consultation", Consultation, consultation_object),
    Kind("file", File, file_object),
    Kind("location", Location, location_object),
    Kind("legislativeTerm", LegislativeTerm, legislative_term_object),
    Kind("membership", Membership, membership_object),
]}


def body_object(municipality: Municipality, terms: list[LegislativeTerm], urls: Urls, system: str) -> Json:
    data: Json = {
        "id": urls.body(), "type": SCHEMA + "Body", "system": system, "shortName": municipality.name,
        "name": municipality.name, "website": municipality.website or None,
        "ags": municipality.official_key, "rgs": municipality.regional_key or None,
        "contactEmail": municipality.contact_email or None,
        "organization": urls.list("organization"), "person": urls.list("person"),
        "meeting": urls.list("meeting"), "paper": urls.list("paper"),
        "legislativeTerm": [legislative_term_object(term, urls) for term in terms],
        "agendaItem": urls.list("agendaItem"), "consultation": urls.list("consultation"),
        "file": urls.list("file"), "locationList": urls.list("location"),
        "legislativeTermList": urls.list("legislativeTerm"), "membership": urls.list("membership"),
        "classification": municipality.get_kind_display(),
        "created": timestamp(municipality.created_at), "modified": timestamp(municipality.created_at),
    }
    return {key: value for key, value in data.items() if value is not None}


def system_object(*, system: str, bodies: str, website: str) -> Json:
    return {"id": system, "type": SCHEMA + "System", "oparlVersion": OPARL_VERSION, "body": bodies,
            "name": "Offene Kommune", "website": website}
