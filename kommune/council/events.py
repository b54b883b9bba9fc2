"""The events the council app publishes (kommune.core.events)."""

from collections.abc import Iterable
from dataclasses import dataclass

from kommune.core.events import Event
from kommune.core.pagecache import page_tags_of


@dataclass(frozen=True)
class CouncilPaperAttached(Event):
    """Staff attached a council paper to a matter handed to the council (a citizen proposal). target and scope:
    the matter, so that its followers hear of it and its page shows the paper's path; data: referral, paper."""

    name = "council.paper_attached"
    requires = ("notifications", "pagecache")

    def page_tags(self) -> Iterable[str] | None:
        return page_tags_of(self.target)
