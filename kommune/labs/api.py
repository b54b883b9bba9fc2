"""REST API of the lab workspace: reads of a lab's sub-projects (with their tasks, notes, documents and links)
and its news. Without a token, or with the token of a non-member, only public items; the token of a member of
the lab (``labs.view_internal``) also reads the lab-internal ones. Registered in LabsConfig.ready()."""

from datetime import date, datetime

from django.http import HttpRequest
from ninja import Field, P, PathEx, Router, Schema

from kommune.core.api import auth
from kommune.core.api.common import SLUG_PATTERN, ObjectId, absolute
from kommune.core.api.errors import PAGE, READ, responses
from kommune.core.api.pagination import DEFAULT_LIMIT, Cursor, Limit, page, page_schema
from kommune.core.models import Lab
from kommune.core.tenants import tenant_or_404
from kommune.labs import selectors
from kommune.labs.models import News, SubProject

router = Router(tags=["Labs"])
BASE = "/labs/{lab_slug}"
LabSlug = PathEx[str, P(pattern=SLUG_PATTERN, max_length=60, description="The lab's address.")]


class SubProjectOut(Schema):
    id: int
    title: str
    goal: str
    description: str
    state: str
    visibility: str = Field(description="public, or internal (only members of the lab read those).")
    starts_on: date | None
    ends_on: date | None
    municipalities: list[str] = Field(description="Slugs of the municipalities that run the sub-project.")
    url: str

    @staticmethod
    def resolve_municipalities(obj: SubProject) -> list[str]:
        return [m.slug for m in obj.municipalities.all()]

    @staticmethod
    def resolve_url(obj: SubProject, context) -> str:
        return absolute(context["request"], obj.get_absolute_url())


class TaskOut(Schema):
    id: int
    title: str
    due_on: date | None
    done: bool
    visibility: str


class NoteOut(Schema):
    id: int
    title: str
    met_on: date
    html: str
    visibility: str


class DocumentOut(Schema):
    id: int
    title: str
    size: int
    visibility: str
    url: str


class LinkOut(Schema):
    kind: str
    title: str
    municipality: str
    url: str


class SubProjectDetailOut(SubProjectOut):
    """The items the reader may see, read by get_lab_subproject and attached to the sub-project as ``_visible``."""

    tasks: list[TaskOut]
    notes: list[NoteOut]
    documents: list[DocumentOut]
    links: list[LinkOut]

    @staticmethod
    def resolve_tasks(obj: SubProject) -> list[dict]:
        return obj._visible["tasks"]  # type: ignore[attr-defined]

    @staticmethod
    def resolve_notes(obj: SubProject) -> list[dict]:
        return obj._visible["notes"]  # type: ignore[attr-defined]

    @staticmethod
    def resolve_documents(obj: SubProject) -> list[dict]:
        return obj._visible["documents"]  # type: ignore[attr-defined]

    @staticmethod
    def resolve_links(obj: SubProject) -> list[dict]:
        return obj._visible["links"]  # type: ignore[attr-defined]


class NewsOut(Schema):
    id: int
    title: str
    html: str
    published_at: datetime
    subproject_id: int | None
    visibility: str
    url: str

    @staticmethod
    def resolve_url(obj: News, context) -> str:
        return absolute(context["request"], obj.get_absolute_url())


SubProjectPage = page_schema("LabSubProjectPage", SubProjectOut)
NewsPage = page_schema("LabNewsPage", NewsOut)


def _lab(slug: str) -> Lab:
    return tenant_or_404(Lab, slug)


@router.get(BASE + "/subprojects", response=responses({200: SubProjectPage}, *PAGE), auth=auth.READ,
            openapi_extra=auth.OPTIONAL_TOKEN, summary="List the sub-projects of a lab")
def list_lab_subprojects(request: HttpRequest, lab_slug: LabSlug, cursor: Cursor = None, limit: Limit = DEFAULT_LIMIT):
    lab = _lab(lab_slug)
    return page(selectors.subprojects(lab, member=selectors.is_member(request.user, lab)), cursor, limit=limit,
                descending=True)


@router.get(BASE + "/subprojects/{subproject_id}", response=responses({200: SubProjectDetailOut}, *READ),
            auth=auth.READ, openapi_extra=auth.OPTIONAL_TOKEN, summary="Get a sub-project of a lab")
def get_lab_subproject(request: HttpRequest, lab_slug: LabSlug, subproject_id: ObjectId):
    lab = _lab(lab_slug)
    member = selectors.is_member(request.user, lab)
    sp = selectors.subproject_or_404(lab, subproject_id, member=member)
    sp._visible = {  # type: ignore[attr-defined]
        "tasks": [{"id": t.pk, "title": t.title, "due_on": t.due_on, "done": t.is_done, "visibility": t.visibility}
                  for t in selectors.tasks(sp, member=member)],
        "notes": [{"id": n.pk, "title": n.title, "met_on": n.met_on, "html": n.html, "visibility": n.visibility}
                  for n in selectors.notes(sp, member=member)],
        "documents": [{"id": d.pk, "title": d.title, "size": d.size, "visibility": d.visibility,
                       "url": absolute(request, d.get_absolute_url())}
                      for d in selectors.documents(sp, member=member).select_related("lab")],
        "links": [{"kind": link.kind_label, "title": link.title, "municipality": link.municipality,
                   "url": absolute(request, link.url) if link.url else ""} for link in selectors.links(sp)],
    }
    return sp


@router.get(BASE + "/news", response=responses({200: NewsPage}, *PAGE), auth=auth.READ,
            openapi_extra=auth.OPTIONAL_TOKEN, summary="List the news of a lab")
def list_lab_news(request: HttpRequest, lab_slug: LabSlug, cursor: Cursor = None, limit: Limit = DEFAULT_LIMIT):
    lab = _lab(lab_slug)
    return page(selectors.news(lab, member=selectors.is_member(request.user, lab)).select_related("lab"), cursor,
                limit=limit, descending=True, field="published_at")
