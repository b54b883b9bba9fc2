"""REST API reads of the council information: papers (with their files and path through the committees) and
meetings (with their agenda). Registered in CouncilConfig.ready() (kommune.core.api.registry). The complete
council information, in the German standard, is the OParl server (views.py); these operations give the same
objects in the shape of the platform's other resources, with cursors and filters like the web pages.
"""

from datetime import date, datetime

from django.http import HttpRequest
from django.urls import reverse
from ninja import P, QueryEx, Router, Schema

from kommune.core.access import get_for_tenant
from kommune.core.api import auth
from kommune.core.api.common import MunicipalitySlug, ObjectId, Text, absolute, municipality_or_404
from kommune.core.api.errors import PAGE, READ, responses
from kommune.core.api.pagination import DEFAULT_LIMIT, Cursor, Limit, check_cursor, page, page_schema
from kommune.council import selectors
from kommune.council.models import File, Meeting, Organization, Paper

router = Router(tags=["Council information"])

PAPERS = "/municipalities/{municipality_slug}/council/papers"
MEETINGS = "/municipalities/{municipality_slug}/council/meetings"

TypeFilter = QueryEx[Text | None, P(max_length=100, description="Only papers of this type, e.g. `Antrag`.")]
CommitteeFilter = QueryEx[int | None, P(ge=1, le=2**63 - 1, description="Only papers consulted by (or meetings "
                                                                         "of) this committee (its id).")]


class OrganizationRef(Schema):
    id: int
    name: str


class FileOut(Schema):
    id: int
    name: str
    file_name: str
    mime_type: str
    role: str
    size: int
    date: date | None
    access_url: str
    download_url: str


class ConsultationOut(Schema):
    meeting_id: int | None
    meeting_name: str | None
    meeting_start: datetime | None
    organization: OrganizationRef | None
    role: str
    authoritative: bool
    result: str | None


class PaperSummaryOut(Schema):
    id: int
    name: str
    reference: str
    paper_type: str
    date: date | None
    url: str


class PaperOut(PaperSummaryOut):
    originator: OrganizationRef | None
    under_direction_of: OrganizationRef | None
    files: list[FileOut]
    consultations: list[ConsultationOut]


class AgendaItemOut(Schema):
    number: str
    order: int
    name: str
    public: bool
    result: str
    resolution_text: str
    papers: list[PaperSummaryOut]
    files: list[FileOut]


class MeetingSummaryOut(Schema):
    id: int
    name: str
    organization: OrganizationRef | None
    start: datetime | None
    end: datetime | None
    state: str
    cancelled: bool
    location: str | None
    url: str


class MeetingOut(MeetingSummaryOut):
    files: list[FileOut]
    agenda: list[AgendaItemOut]


PaperPage = page_schema("CouncilPaperPage", PaperSummaryOut)
MeetingPage = page_schema("CouncilMeetingPage", MeetingSummaryOut)


def _organization(organization: Organization | None) -> dict | None:
    return None if organization is None else {"id": organization.pk, "name": organization.name}


def _file(request: HttpRequest, file: File) -> dict:
    kwargs = {"municipality_slug": file.municipality.slug, "object_id": file.pk}
    return {"id": file.pk, "name": file.name, "file_name": file.file_name, "mime_type": file.mime_type,
            "role": file.role, "size": file.size, "date": file.date,
            "access_url": absolute(request, reverse("council:file_access", kwargs=kwargs)),
            "download_url": absolute(request, reverse("council:file_download", kwargs=kwargs))}


def _paper_summary(request: HttpRequest, paper: Paper) -> dict:
    url = reverse("council_pages:paper", kwargs={"municipality_slug": paper.municipality.slug, "paper_id": paper.pk})
    return {"id": paper.pk, "name": paper.name, "reference": paper.reference, "paper_type": paper.paper_type,
            "date": paper.date, "url": absolute(request, url)}


def _meeting_summary(request: HttpRequest, meeting: Meeting) -> dict:
    url = reverse("council_pages:meeting", kwargs={"municipality_slug": meeting.municipality.slug,
                                                   "meeting_id": meeting.pk})
    return {"id": meeting.pk, "name": meeting.name, "organization": _organization(meeting.organization),
            "start": meeting.start, "end": meeting.end, "state": meeting.meeting_state,
            "cancelled": meeting.cancelled, "location": str(meeting.location) if meeting.location else None,
            "url": absolute(request, url)}


@router.get(PAPERS, response=responses({200: PaperPage}, *PAGE), auth=auth.READ, openapi_extra=auth.OPTIONAL_TOKEN,
            summary="List council papers")
def list_papers(request: HttpRequest, municipality_slug: MunicipalitySlug, paper_type: TypeFilter = None,
                committee: CommitteeFilter = None, cursor: Cursor = None, limit: Limit = DEFAULT_LIMIT):
    """Papers, latest first (by the time they were added), filtered by type and by a committee that consults
    them. The text of their documents is found by the site search."""
    check_cursor(cursor)
    municipality = municipality_or_404(municipality_slug)
    organization = selectors.committees(municipality=municipality).filter(pk=committee).first() if committee else None
    if committee and organization is None:
        return {"items": [], "next": None}
    papers = selectors.papers_for_list(municipality=municipality, paper_type=paper_type or "",
                                       organization=organization).select_related("municipality")
    result = page(papers, cursor, limit=limit, descending=True, field="created")
    return {"items": [_paper_summary(request, paper) for paper in result["items"]], "next": result["next"]}


@router.get(PAPERS + "/{paper_id}", response=responses({200: PaperOut}, *READ), auth=auth.READ,
            openapi_extra=auth.OPTIONAL_TOKEN, summary="Get a council paper")
def get_paper(request: HttpRequest, municipality_slug: MunicipalitySlug, paper_id: ObjectId):
    """A paper with its documents and its path through the committees (in the order of the meetings)."""
    municipality = municipality_or_404(municipality_slug)
    paper = get_for_tenant(selectors.paper_for_page(municipality=municipality).select_related("municipality"),
                           municipality, pk=paper_id)
    for file in paper.files.all():
        file.municipality = municipality
    return {**_paper_summary(request, paper), "originator": _organization(paper.originator_organization),
            "under_direction_of": _organization(paper.under_direction_of),
            "files": [_file(request, file) for file in paper.files.all()],
            "consultations": [{
                "meeting_id": c.meeting_id, "meeting_name": c.meeting.name if c.meeting else None,
                "meeting_start": c.meeting.start if c.meeting else None,
                "organization": _organization(c.organization), "role": c.role, "authoritative": c.authoritative,
                "result": c.agenda_item.result if c.agenda_item else None} for c in paper.consultations.all()]}


@router.get(MEETINGS, response=responses({200: MeetingPage}, *PAGE), auth=auth.READ,
            openapi_extra=auth.OPTIONAL_TOKEN, summary="List council meetings")
def list_meetings(request: HttpRequest, municipality_slug: MunicipalitySlug, committee: CommitteeFilter = None,
                  cursor: Cursor = None, limit: Limit = DEFAULT_LIMIT):
    """Meetings with a date, the latest first, optionally of one committee."""
    check_cursor(cursor)
    municipality = municipality_or_404(municipality_slug)
    meetings = (Meeting.objects.filter(municipality=municipality, deleted=False, start__isnull=False)
                .select_related("municipality", "organization", "location"))
    if committee:
        meetings = meetings.filter(organization_id=committee)
    result = page(meetings, cursor, limit=limit, descending=True, field="start")
    return {"items": [_meeting_summary(request, meeting) for meeting in result["items"]], "next": result["next"]}


@router.get(MEETINGS + "/{meeting_id}", response=responses({200: MeetingOut}, *READ), auth=auth.READ,
            openapi_extra=auth.OPTIONAL_TOKEN, summary="Get a council meeting")
def get_meeting(request: HttpRequest, municipality_slug: MunicipalitySlug, meeting_id: ObjectId):
    """A meeting with its documents and its agenda (each item with its papers, result and documents)."""
    municipality = municipality_or_404(municipality_slug)
    meeting = get_for_tenant(selectors.meeting_for_page(municipality=municipality), municipality, pk=meeting_id)
    meeting.municipality = municipality

    def files(owner) -> list[dict]:
        found = list(owner.files.all())
        for file in found:
            file.municipality = municipality
        return [_file(request, file) for file in found]

    agenda = []
    for item in meeting.agenda_items.all():
        papers = [c.paper for c in item.consultations.all()]
        for paper in papers:
            paper.municipality = municipality
        agenda.append({"number": item.number, "order": item.order, "name": item.name, "public": item.public,
                       "result": item.result, "resolution_text": item.resolution_text,
                       "papers": [_paper_summary(request, paper) for paper in papers], "files": files(item)})
    return {**_meeting_summary(request, meeting), "files": files(meeting), "agenda": agenda}
