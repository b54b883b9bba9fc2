"""The events the adoptions app publishes (kommune.core.events)."""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import cast

from kommune.adoptions.models import Asset
from kommune.core.events import Event
from kommune.core.pagecache import register_page_tags


def asset_page_tags(asset: Asset) -> tuple[str, ...]:
    """The cached pages that show an asset: its own page and the map and list of all assets."""
    return (f"adoption-asset:{asset.pk}", "adoption-assets")


register_page_tags(Asset, asset_page_tags)


@dataclass(frozen=True)
class AssetEvent(Event):
    """target: the asset."""

    def page_tags(self) -> Iterable[str]:
        return asset_page_tags(cast(Asset, self.target))


@dataclass(frozen=True)
class AssetSaved(AssetEvent):
    """An asset created or updated by an import; data: created (bool)."""

    name = "adoptions.asset_saved"
    requires = ("search", "opendata_records", "pagecache")


@dataclass(frozen=True)
class AssetAdopted(AssetEvent):
    """data: season, public_name."""

    name = "adoptions.adopted"
    requires = ("notifications", "opendata_records", "pagecache")


@dataclass(frozen=True)
class AdoptionEnded(AssetEvent):
    """data: season."""

    name = "adoptions.ended"
    requires = ("notifications", "opendata_records", "pagecache")


@dataclass(frozen=True)
class CareRecorded(AssetEvent):
    """data: kind, done_on (ISO date)."""

    name = "adoptions.care_recorded"
    requires = ("notifications", "opendata_records", "pagecache")
