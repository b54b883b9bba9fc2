"""The events the council services publish (kommune.core.events): what the importer (or staff) saved or deleted.

Every council page shows many kinds of objects (a meeting its agenda, papers and files; a paper its path through
the committees), so they all carry one page-cache tag, ``council``: a change anywhere refreshes the council pages
of that municipality and no other page (a meeting also the home page, home_section.py). A paper is searchable with
the text of its files, so a paper's event is also published when one of its files (or its fetched content)
changes.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from kommune.core.events import Event
from kommune.core.trail import PAGE_TAG as TRAIL_TAG
from kommune.council.models import Meeting

PAGE_TAG = "council"


@dataclass(frozen=True)
class CouncilEvent(Event):
    """target: the council object. A meeting also shows in the home page's section of the next meetings; papers,
    consultations and meetings in the accountability trail of the proposals handed to the council."""

    def page_tags(self) -> Iterable[str]:
        return (PAGE_TAG, TRAIL_TAG, "home") if isinstance(self.target, Meeting) else (PAGE_TAG, TRAIL_TAG)


@dataclass(frozen=True)
class CouncilObjectSaved(CouncilEvent):
    name = "council.object_saved"
    requires = ("pagecache",)


@dataclass(frozen=True)
class CouncilObjectDeleted(CouncilEvent):
    name = "council.object_deleted"
    requires = ("pagecache",)


@dataclass(frozen=True)
class PaperChanged(CouncilEvent):
    """target: the paper, saved itself or with a file of its saved, fetched or deleted."""

    name = "council.paper_changed"
    requires = ("search", "pagecache")


@dataclass(frozen=True)
class PaperDeleted(CouncilEvent):
    name = "council.paper_deleted"
    requires = ("search", "pagecache")
