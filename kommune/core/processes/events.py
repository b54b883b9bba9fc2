"""The events the processes app publishes (kommune.core.events)."""

from collections.abc import Iterable
from dataclasses import dataclass

from kommune.core.events import Event, Visibility
from kommune.core.pagecache import register_page_tags
from kommune.core.processes.models import Process


def process_page_tags(process: Process) -> tuple[str, ...]:
    """The cached pages of one process (detail with its discussion, news)."""
    return (f"process:{process.slug}",)


register_page_tags(Process, process_page_tags)

# A process is listed on the home page and the process list, under its slug, in the open records; its publishing,
# withdrawal or edit (which may change its slug and dates) leaves every page of the municipality stale
# (page_tags None): these are rare writes of the staff.


@dataclass(frozen=True)
class ProcessPublished(Event):
    name = "process.published"
    requires = ("notifications", "search", "opendata_records", "pagecache")
    visibility = Visibility.PUBLISHED


@dataclass(frozen=True)
class ProcessUnpublished(Event):
    name = "process.unpublished"
    requires = ("notifications", "search", "opendata_records", "pagecache")
    visibility = Visibility.WITHDRAWN


@dataclass(frozen=True)
class ProcessUpdated(Event):
    name = "process.updated"
    requires = ("notifications", "search", "opendata_records", "pagecache")


@dataclass(frozen=True)
class ProcessNewsPosted(Event):
    """target: the ProcessNews, scope: its process."""

    name = "process.news"
    requires = ("notifications", "pagecache")

    def page_tags(self) -> Iterable[str] | None:
        return process_page_tags(self.scope) if isinstance(self.scope, Process) else None
