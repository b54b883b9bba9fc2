"""Consultations in the REST API (reads): the list of a municipality's consultations, one consultation with the
paragraphs of its current version and their comment counts, and the published consideration table. Comments on
a paragraph are read and written through the core comments' endpoints (target type ``consultations.paragraph``);
comments on a passage are written on the web page."""

from datetime import datetime
from typing import Literal

from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils import timezone
from ninja import Field, Router, Schema

from kommune.consultations import selectors
from kommune.consultations.models import Consultation, Paragraph
from kommune.core.access import get_for_tenant
from kommune.core.api import auth
from kommune.core.api.common import MunicipalitySlug, ObjectId, absolute, municipality_or_404
from kommune.core.api.errors import PAGE, READ, responses
from kommune.core.api.pagination import DEFAULT_LIMIT, Cursor, Limit, check_cursor, page, page_schema
from kommune.core.comments.registry import target_key

router = Router(tags=["Consultations"])

BASE = "/municipalities/{municipality_slug}/consultations"


class ConsultationOut(Schema):
    id: int
    title: str
    summary: str
    process: str
    comments_open_at: datetime
    comments_close_at: datetime
    period: Literal["upcoming", "running", "finished"]
    considerations_published_at: datetime | None
    url: str

    @staticmethod
    def resolve_process(obj: Consultation) -> str:
        return obj.process.slug

    @staticmethod
    def resolve_period(obj: Consultation) -> str:
        return obj.period_state(timezone.now())

    @staticmethod
    def resolve_url(obj: Consultation, context) -> str:
        return absolute(context["request"], obj.get_absolute_url())


ConsultationPage = page_schema("ConsultationPage", ConsultationOut)


class ParagraphData(Schema):
    level: int | None = Field(None, description="A heading's level (1 = chapter).")
    items: list[str] | None = Field(None, description="A list's items.")
    ordered: bool | None = Field(None, description="Whether a list is numbered.")
    rows: list[list[str]] | None = Field(None, description="A table's rows of cells; the first row is the head.")


class ParagraphOut(Schema):
    id: int
    position: int
    chapter: str
    kind: Literal["heading", "text", "list", "table"]
    text: str = Field(description="The plain text; passages are quoted from it (list items joined by newlines, "
                                  "table cells by tabs and rows by newlines).")
    data: ParagraphData
    comment_count: int
    comments_url: str


class ConsultationDetailOut(ConsultationOut):
    version: int
    paragraphs: list[ParagraphOut]


class ConsiderationOut(Schema):
    number: int
    chapter: str
    version: int
    paragraph: int
    passage: str
    comment: str
    received: datetime
    disposition: Literal["taken_up", "partly", "not_taken_up", "noted"]
    answer: str


def _consultation(request: HttpRequest, municipality_slug: str, consultation_id: int) -> Consultation:
    municipality = municipality_or_404(municipality_slug)
    return get_for_tenant(selectors.consultations_for(municipality, request.user), municipality, pk=consultation_id)


@router.get(BASE, response=responses({200: ConsultationPage}, *PAGE), auth=auth.READ,
            openapi_extra=auth.OPTIONAL_TOKEN, summary="List consultations")
def list_consultations(request: HttpRequest, municipality_slug: MunicipalitySlug, cursor: Cursor = None,
                       limit: Limit = DEFAULT_LIMIT):
    """The published consultations on draft texts, the latest created first."""
    municipality = municipality_or_404(municipality_slug)
    check_cursor(cursor)
    return page(selectors.public_consultations(municipality), cursor, limit=limit, descending=True)


@router.get(BASE + "/{consultation_id}", response=responses({200: ConsultationDetailOut}, *READ), auth=auth.READ,
            openapi_extra=auth.OPTIONAL_TOKEN, summary="Get a consultation with its current draft")
def get_consultation(request: HttpRequest, municipality_slug: MunicipalitySlug, consultation_id: ObjectId):
    """The consultation with the paragraphs of the current version of its draft and their comment counts."""
    consultation = _consultation(request, municipality_slug, consultation_id)
    version = selectors.current_version(consultation)
    if version is None:
        raise Http404
    paragraphs = selectors.version_paragraphs(version)
    counts = selectors.comment_counts(paragraphs)
    slug = consultation.municipality.slug

    def comments_url(paragraph: Paragraph) -> str:
        return absolute(request, reverse("api_v1:list_comments", kwargs={
            "municipality_slug": slug, "target_type": target_key(paragraph), "target_id": paragraph.pk}))

    consultation.version = version.number  # type: ignore[attr-defined]  # read by ConsultationDetailOut
    consultation.paragraphs = [  # type: ignore[attr-defined]
        {"id": p.pk, "position": p.position, "chapter": str(p.chapter), "kind": p.kind, "text": p.text,
         "data": p.data, "comment_count": counts.get(p.pk, 0), "comments_url": comments_url(p)} for p in paragraphs]
    return consultation


@router.get(BASE + "/{consultation_id}/considerations", response=responses({200: list[ConsiderationOut]}, *READ),
            auth=auth.READ, openapi_extra=auth.OPTIONAL_TOKEN, summary="Get the consideration table")
def get_considerations(request: HttpRequest, municipality_slug: MunicipalitySlug, consultation_id: ObjectId):
    """Every comment with its disposition and reasoned answer, once the table is published (404 before)."""
    consultation = _consultation(request, municipality_slug, consultation_id)
    if consultation.considerations_published_at is None:
        raise Http404
    return [{"number": row.number, "chapter": row.chapter_title, "version": row.paragraph.version.number,
             "paragraph": row.paragraph.position, "passage": row.passage.quote if row.passage else "",
             "comment": row.comment.text, "received": row.comment.created_at,
             "disposition": row.answer.disposition, "answer": row.answer.text}
            for row in selectors.table_rows(consultation, answered_only=True) if row.answer is not None]
