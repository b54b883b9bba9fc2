"""The events of the accountability trail in the council app (kommune.core.events); imported in
CouncilConfig.ready() through trail.py."""

from collections.abc import Iterable
from dataclasses import dataclass

from kommune.core.events import Event
from kommune.core.pagecache import page_tags_of
from kommune.core.trail import PAGE_TAG


@dataclass(frozen=True)
class CouncilPaperAttached(Event):
    """Staff attached a council paper to a matter handed to the council (a citizen proposal). target and scope:
    the matter, so that its followers hear of it and its page shows the paper's path; data: referral, paper."""

    name = "council.paper_attached"
    requires = ("notifications", "pagecache")

    def page_tags(self) -> Iterable[str] | None:
        tags = page_tags_of(self.target)
        return None if tags is None else (*tags, PAGE_TAG)
