"""REST API of adoptions: the assets with their state, one asset with its care log, and adopting one.
Registered in AdoptionsConfig.ready() (kommune.core.api.registry). Writes call kommune/adoptions/services.py."""

from datetime import date, datetime
from typing import Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, P, QueryEx, Router, Schema, Status

from kommune.adoptions import selectors, services
from kommune.adoptions.models import Asset
from kommune.core.access import get_for_tenant
from kommune.core.api import auth
from kommune.core.api.common import MunicipalitySlug, ObjectId, Text, absolute, municipality_or_404
from kommune.core.api.errors import PAGE, READ, WRITE, responses
from kommune.core.api.pagination import DEFAULT_LIMIT, Cursor, Limit, page_schema
from kommune.core.types import AuthenticatedHttpRequest

router = Router(tags=["Adoptions of public green"])

BASE = "/municipalities/{municipality_slug}/adoption-assets"
Kind = Literal["hedge", "tree", "bed", "bench", "water_point"]
KindFilter = QueryEx[Kind | None, P(description="Only assets of this kind.")]
StateFilter = QueryEx[Literal["free", "adopted"] | None, P(description="Only free or only adopted assets (this "
                                                                         "season).")]


class GeometryOut(Schema):
    type: Literal["Point", "LineString"]
    coordinates: list[float] | list[list[float]] = Field(description="[longitude, latitude], or a list of them.")


class AssetOut(Schema):
    id: int
    kind: Kind
    name: str
    description: str
    geometry: GeometryOut = Field(description="GeoJSON geometry (Point or LineString, WGS 84).")
    latitude: float
    longitude: float
    adopted: bool = Field(description="Whether someone looks after it this season.")
    adopted_by: str | None = Field(description="The name the adopters chose to show, if any.")
    url: str

    @staticmethod
    def resolve_adopted(obj: Asset) -> bool:
        return bool(getattr(obj, "running", None))

    @staticmethod
    def resolve_adopted_by(obj: Asset) -> str | None:
        running = getattr(obj, "running", None)
        return (running[0].public_name or None) if running else None

    @staticmethod
    def resolve_url(obj: Asset, context) -> str:
        return absolute(context["request"], obj.get_absolute_url())


class CareEntryOut(Schema):
    kind: Literal["watering", "cutting", "trimming", "planting", "cleaning", "other"]
    done_on: date
    note: str
    has_photo: bool

    @staticmethod
    def resolve_has_photo(obj) -> bool:
        return bool(obj.photo)


class AssetDetailOut(AssetOut):
    care_log: list[CareEntryOut] = Field(description="The latest 30 entries, newest first.")


class AdoptIn(Schema):
    public_name: Text = Field("", max_length=100, description="The name to show on the map; empty: anonymous.")


class AdoptionOut(Schema):
    asset_id: int
    season: int
    public_name: str
    adopted_at: datetime


AssetPage = page_schema("AdoptionAssetPage", AssetOut)


@router.get(BASE, response=responses({200: AssetPage}, *PAGE), auth=auth.READ, openapi_extra=auth.OPTIONAL_TOKEN,
            summary="List the assets to adopt")
def list_assets(request: HttpRequest, municipality_slug: MunicipalitySlug, kind: KindFilter = None,
                state: StateFilter = None, cursor: Cursor = None, limit: Limit = DEFAULT_LIMIT):
    """Hedges, trees, beds, benches and water points, newest first, with their adoption this season."""
    municipality = municipality_or_404(municipality_slug)
    page = selectors.asset_page(municipality, kind=kind or "", state=state or "", cursor=cursor or None, size=limit)
    return {"items": page.items, "next": page.next_cursor}


@router.get(BASE + "/{asset_id}", response=responses({200: AssetDetailOut}, *READ), auth=auth.READ,
            openapi_extra=auth.OPTIONAL_TOKEN, summary="Get an asset with its care log")
def get_asset(request: HttpRequest, municipality_slug: MunicipalitySlug, asset_id: ObjectId):
    municipality = municipality_or_404(municipality_slug)
    asset = get_for_tenant(selectors.assets(municipality), municipality, pk=asset_id)
    asset.care_log = selectors.recent_entries(asset)  # type: ignore[attr-defined]
    return asset


@router.post(BASE + "/{asset_id}/adoptions", response=responses({201: AdoptionOut}, *WRITE), auth=auth.WRITE,
             summary="Adopt an asset for this season")
def adopt_asset(request: AuthenticatedHttpRequest, municipality_slug: MunicipalitySlug, asset_id: ObjectId,
                payload: AdoptIn):
    """Needs a confirmed account of the municipality; an asset has one adoption per season."""
    municipality = municipality_or_404(municipality_slug)
    asset = get_for_tenant(Asset, municipality, pk=asset_id)
    adoption = services.do_adopt(asset=asset, actor=request.user, public_name=payload.public_name,
                                 season=timezone.localdate().year)
    return Status(201, adoption)
