"""The record set "adoption-seasons": per asset and season, whether it was adopted and what care was recorded.
Without personal data: no adopters' accounts, no notes, no photos; only counts and the public name the adopters
chose to show on the map."""

from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.db.models import Count, Max
from django.db.models.functions import ExtractYear
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kommune.adoptions.events import AdoptionEnded, AssetAdopted, AssetSaved, CareRecorded
from kommune.adoptions.models import Adoption, Asset, CareEntry, CareKind
from kommune.core.models import Municipality
from kommune.core.records import Column, register_record_set

COLUMNS = (
    Column("id", "string", _("Asset number and season, e.g. 17-2026."), required=True),
    Column("asset_id", "integer", _("Number of the asset on this platform."), required=True),
    Column("season", "integer", _("The season (calendar year)."), required=True),
    Column("kind", "string", _("Kind: hedge, tree, bed, bench or water_point."), required=True),
    Column("name", "string", _("Name of the asset."), required=True),
    Column("geometry_type", "string", _("Point or LineString."), required=True),
    Column("latitude", "number", _("Latitude of the asset's point (WGS 84; for a line its middle)."),
           required=True),
    Column("longitude", "number", _("Longitude of the asset's point (WGS 84; for a line its middle)."),
           required=True),
    Column("adopted", "boolean", _("Whether someone adopted it in this season."), required=True),
    Column("adopted_by", "string", _("The name the adopters chose to show, if any.")),
    Column("watering_count", "integer", _("Waterings recorded in the season."), required=True),
    Column("cutting_count", "integer", _("Cut-backs recorded in the season."), required=True),
    Column("trimming_count", "integer", _("Gentle trimmings recorded in the season."), required=True),
    Column("planting_count", "integer", _("Plantings recorded in the season."), required=True),
    Column("cleaning_count", "integer", _("Litter clearings recorded in the season."), required=True),
    Column("other_count", "integer", _("Other care recorded in the season."), required=True),
    Column("last_care_on", "date", _("Date of the last care entry in the season, if any.")),
    Column("url", "string", _("Address of the asset on this platform."), required=True),
)

CHANGED_BY = (AssetSaved, AssetAdopted, AdoptionEnded, CareRecorded)


def rows(municipality: Municipality) -> Iterator[dict[str, Any]]:
    """Three queries: the assets, the adoptions and the care counts; every asset appears for the current season
    and for every season with an adoption or an entry."""
    assets = {asset.pk: asset for asset in
              Asset.objects.filter(municipality=municipality).select_related("municipality").order_by("pk")}
    adopted: dict[tuple[int, int], str] = {}
    for asset_id, season, public_name, ended_at in Adoption.objects.filter(municipality=municipality).values_list(
            "asset_id", "season", "public_name", "ended_at").order_by("adopted_at", "pk"):
        if ended_at is None or (asset_id, season) not in adopted:
            adopted[(asset_id, season)] = public_name
    counts: dict[tuple[int, int], dict[str, int]] = defaultdict(dict)
    last: dict[tuple[int, int], Any] = {}
    for row in (CareEntry.objects.filter(municipality=municipality).annotate(season=ExtractYear("done_on"))
                .values("asset_id", "season", "kind").annotate(count=Count("pk"), last=Max("done_on"))
                .order_by()):
        key = (row["asset_id"], row["season"])
        counts[key][row["kind"]] = row["count"]
        last[key] = max(filter(None, (last.get(key), row["last"])))
    current = timezone.localdate().year
    keys = sorted({(pk, current) for pk in assets} | set(adopted) | set(counts))
    site = settings.SITE_URL.rstrip("/")
    for asset_id, season in keys:
        asset = assets.get(asset_id)
        if asset is None:
            continue
        key = (asset_id, season)
        yield {
            "id": f"{asset_id}-{season}", "asset_id": asset_id, "season": season, "kind": asset.kind,
            "name": asset.name, "geometry_type": asset.geometry.get("type", "Point"),
            "latitude": float(asset.latitude), "longitude": float(asset.longitude),
            "adopted": key in adopted, "adopted_by": adopted.get(key, ""),
            **{f"{kind}_count": counts[key].get(kind, 0) for kind in CareKind.values},
            "last_care_on": last.get(key),
            "url": site + asset.get_absolute_url(),
        }


def register() -> None:
    register_record_set(
        key="adoption-seasons", title=_("Adoptions of public green"),
        description=_("The hedges, trees, beds, benches and water points residents can adopt, per season: "
                      "whether they were adopted and how often they were watered, trimmed, planted or cleared. "
                      "Without personal data."),
        columns=COLUMNS, rows=rows, changed_by=CHANGED_BY, themes=("ENVI", "GOVE"),
        keywords=("Baumpatenschaft", "Heckenmanagement", "Grünpflege", "Co-Produktion"),
    )
