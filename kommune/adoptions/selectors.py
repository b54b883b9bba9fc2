"""Reads of adoptions that the pages, the API and the open data share."""

from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.utils import timezone

from kommune.adoptions.models import Adoption, Asset, CareEntry
from kommune.core import cursor as cursor_module
from kommune.core.cursor import KeysetPage
from kommune.core.models import Municipality

PAGE_SIZE = 50


def assets(municipality: Municipality, *, kind: str = "", state: str = "",
           season: int | None = None) -> QuerySet[Asset]:
    """The municipality's assets, each with ``adopted`` (a running adoption this season) and that adoption
    prefetched as ``running``; ``state`` "free" or "adopted" filters on it."""
    season = season or timezone.localdate().year
    running = Adoption.objects.filter(season=season, ended_at__isnull=True)
    queryset = (Asset.objects.filter(municipality=municipality).select_related("municipality")
                .annotate(adopted=Exists(running.filter(asset=OuterRef("pk"))))
                .prefetch_related(Prefetch("adoptions", queryset=running, to_attr="running")))
    if kind:
        queryset = queryset.filter(kind=kind)
    if state == "free":
        queryset = queryset.filter(adopted=False)
    elif state == "adopted":
        queryset = queryset.filter(adopted=True)
    return queryset


def asset_page(municipality: Municipality, *, kind: str, state: str, cursor: str | None,
               size: int = PAGE_SIZE) -> KeysetPage:
    """Raises kommune.core.cursor.InvalidCursor for a cursor that was not made here."""
    return cursor_module.keyset_page(assets(municipality, kind=kind, state=state), field="created_at",
                                     cursor=cursor, size=size)


def recent_entries(asset: Asset, limit: int = 30) -> list[CareEntry]:
    return list(asset.care_entries.select_related("adoption").order_by("-done_on", "-id")[:limit])


def points_geojson(items: list[Asset]) -> dict:
    """The assets as GeoJSON points for the map macro (kommune/core/jinja2/macros/map.html)."""
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [float(a.longitude), float(a.latitude)]},
         "properties": {"title": a.name, "url": a.get_absolute_url(),
                        "text": f"{a.get_kind_display()} · {_state_label(a)}"}}
        for a in items]}


def _state_label(asset: Asset) -> str:
    from django.utils.translation import gettext as _

    return str(_("adopted")) if getattr(asset, "adopted", False) else str(_("free to adopt"))
