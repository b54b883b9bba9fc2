"""GET /municipalities and /municipalities/{slug}: the municipalities of the installation."""

from django.http import HttpRequest
from ninja import Router, Schema

from kommune.core.api import auth
from kommune.core.api.common import MunicipalitySlug, absolute, municipality_or_404
from kommune.core.api.errors import PAGE, READ, responses
from kommune.core.api.pagination import DEFAULT_LIMIT, Cursor, Limit, page, page_schema
from kommune.core.models import Municipality

router = Router(tags=["Municipalities"])


class MunicipalityOut(Schema):
    slug: str
    name: str
    kind: str
    federal_state: str
    official_key: str
    regional_key: str
    population: int | None
    website: str
    url: str

    @staticmethod
    def resolve_url(obj: Municipality, context) -> str:
        return absolute(context["request"], obj.get_absolute_url())


MunicipalityPage = page_schema("MunicipalityPage", MunicipalityOut)


@router.get("/municipalities", response=responses({200: MunicipalityPage}, *PAGE), auth=auth.READ,
            openapi_extra=auth.OPTIONAL_TOKEN, summary="List municipalities")
def list_municipalities(request: HttpRequest, cursor: Cursor = None, limit: Limit = DEFAULT_LIMIT):
    """All municipalities of this installation, in the order they joined."""
    return page(Municipality.objects.all(), cursor, limit=limit, descending=False)


@router.get("/municipalities/{municipality_slug}", response=responses({200: MunicipalityOut}, *READ),
            auth=auth.READ, openapi_extra=auth.OPTIONAL_TOKEN, summary="Get a municipality")
def get_municipality(request: HttpRequest, municipality_slug: MunicipalitySlug):
    return municipality_or_404(municipality_slug)
