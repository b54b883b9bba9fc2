"""REST API of the newsletters: reads of the public archive (sent issues only). Registered in
NewslettersConfig.ready() (kommune.core.api.registry). Subscribers are never readable through the API."""

from datetime import datetime

from django.http import HttpRequest
from ninja import Field, Router, Schema

from kommune.core.access import get_for_tenant
from kommune.core.api import auth
from kommune.core.api.common import MunicipalitySlug, ObjectId, absolute, municipality_or_404
from kommune.core.api.errors import PAGE, READ, responses
from kommune.core.api.pagination import DEFAULT_LIMIT, Cursor, Limit, page, page_schema
from kommune.newsletters import selectors
from kommune.newsletters.models import Newsletter

router = Router(tags=["Newsletters"])
BASE = "/municipalities/{municipality_slug}/newsletters"


class BlockItemOut(Schema):
    title: str
    url: str
    date: str | None
    summary: str


class BlockOut(Schema):
    kind: str
    label: str
    items: list[BlockItemOut]


class NewsletterOut(Schema):
    id: int
    title: str
    intro: str
    body: str = Field(description="Markdown as written.")
    body_html: str = Field(description="The sanitised HTML of the text.")
    blocks: list[BlockOut] = Field(description="What the blocks (events, processes, proposals) gave when sent.")
    topic: str | None
    district: str | None
    sent_at: datetime
    recipients: int
    url: str

    @staticmethod
    def resolve_blocks(obj: Newsletter) -> list:
        return obj.block_snapshot

    @staticmethod
    def resolve_topic(obj: Newsletter) -> str | None:
        return obj.topic.name if obj.topic is not None else None

    @staticmethod
    def resolve_district(obj: Newsletter) -> str | None:
        return obj.district.name if obj.district is not None else None

    @staticmethod
    def resolve_recipients(obj: Newsletter) -> int:
        return obj.recipient_count

    @staticmethod
    def resolve_url(obj: Newsletter, context) -> str:
        return absolute(context["request"], obj.get_absolute_url())


NewsletterPage = page_schema("NewsletterPage", NewsletterOut)


@router.get(BASE, response=responses({200: NewsletterPage}, *PAGE), auth=auth.READ,
            openapi_extra=auth.OPTIONAL_TOKEN, summary="List the sent newsletters of a municipality")
def list_newsletters(request: HttpRequest, municipality_slug: MunicipalitySlug, cursor: Cursor = None,
                     limit: Limit = DEFAULT_LIMIT):
    """Newest first; drafts are never listed."""
    municipality = municipality_or_404(municipality_slug)
    return page(selectors.sent_newsletters(municipality), cursor, limit=limit, descending=True, field="sent_at")


@router.get(BASE + "/{newsletter_id}", response=responses({200: NewsletterOut}, *READ), auth=auth.READ,
            openapi_extra=auth.OPTIONAL_TOKEN, summary="Get a sent newsletter")
def get_newsletter(request: HttpRequest, municipality_slug: MunicipalitySlug, newsletter_id: ObjectId):
    municipality = municipality_or_404(municipality_slug)
    return get_for_tenant(selectors.sent_newsletters(municipality), municipality, pk=newsletter_id)
