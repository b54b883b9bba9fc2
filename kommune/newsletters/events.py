"""The events the newsletters publish (kommune.core.events)."""

from collections.abc import Iterable
from dataclasses import dataclass

from kommune.core.events import Event


@dataclass(frozen=True)
class NewsletterSent(Event):
    """target: the issue, now in the public archive (search, open data); data: recipients."""

    name = "newsletters.sent"
    requires = ("search", "opendata_records", "pagecache")

    def page_tags(self) -> Iterable[str]:
        return (f"newsletters:{self.municipality.pk}",)
