"""The events the open-data app publishes (kommune.core.events).

Of the catalogue's pages only the municipality's home page is cached (its newest datasets)."""

from collections.abc import Iterable
from dataclasses import dataclass

from kommune.core.events import Event, Visibility


@dataclass(frozen=True)
class DatasetEvent(Event):
    """target: the dataset."""

    def page_tags(self) -> Iterable[str]:
        return ("home",)


@dataclass(frozen=True)
class DatasetPublished(DatasetEvent):
    name = "dataset.published"
    requires = ("notifications", "search", "pagecache")
    visibility = Visibility.PUBLISHED


@dataclass(frozen=True)
class DatasetUpdated(DatasetEvent):
    """data: changed, the names of the changed fields (or "resources")."""

    name = "dataset.updated"
    requires = ("search", "pagecache")


@dataclass(frozen=True)
class DatasetUnpublished(DatasetEvent):
    name = "dataset.unpublished"
    requires = ("notifications", "search", "pagecache")
    visibility = Visibility.WITHDRAWN


@dataclass(frozen=True)
class DatasetDeleted(DatasetEvent):
    name = "dataset.deleted"
    requires = ("search", "pagecache")
