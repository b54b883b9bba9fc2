"""The events the proposals app publishes (kommune.core.events)."""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import cast

from kommune.core.events import Event, Visibility
from kommune.core.pagecache import register_page_tags
from kommune.proposals.models import Proposal


def proposal_page_tags(proposal: Proposal) -> tuple[str, ...]:
    """The cached pages that show a proposal: its own, the list (supports, comment counts) and the home page's
    section (the proposals collecting the most supports)."""
    return (f"proposal:{proposal.pk}", "proposals", "home")


register_page_tags(Proposal, proposal_page_tags)


@dataclass(frozen=True)
class ProposalEvent(Event):
    """target and scope: the proposal."""

    def page_tags(self) -> Iterable[str]:
        return proposal_page_tags(cast(Proposal, self.target))


@dataclass(frozen=True)
class ProposalPublished(ProposalEvent):
    name = "proposal.published"
    requires = ("notifications", "search", "opendata_records", "pagecache")
    visibility = Visibility.PUBLISHED


@dataclass(frozen=True)
class ProposalUpdated(ProposalEvent):
    name = "proposal.updated"
    requires = ("search", "opendata_records", "pagecache")


@dataclass(frozen=True)
class ProposalSupported(ProposalEvent):
    name = "proposal.supported"
    requires = ("opendata_records", "pagecache")


@dataclass(frozen=True)
class ProposalSupportWithdrawn(ProposalEvent):
    name = "proposal.support_withdrawn"
    requires = ("opendata_records", "pagecache")


@dataclass(frozen=True)
class ProposalSignaturesAdded(ProposalEvent):
    """data: count, received_on."""

    name = "proposal.signatures_added"
    requires = ("opendata_records", "pagecache")


@dataclass(frozen=True)
class ProposalThresholdReached(ProposalEvent):
    """data: notify_staff (the staff who must answer hear of it, looked up at delivery)."""

    name = "proposal.threshold_reached"
    requires = ("notifications", "opendata_records", "pagecache")


@dataclass(frozen=True)
class ProposalAnswered(ProposalEvent):
    name = "proposal.answered"
    requires = ("notifications", "search", "opendata_records", "pagecache")


@dataclass(frozen=True)
class ProposalReferred(ProposalEvent):
    name = "proposal.referred"
    requires = ("notifications", "pagecache")


@dataclass(frozen=True)
class ProposalExpired(ProposalEvent):
    name = "proposal.expired"
    requires = ("notifications", "opendata_records", "pagecache")


@dataclass(frozen=True)
class ProposalWithdrawn(ProposalEvent):
    """The author withdrew the proposal; data: reason. Its supports stay, the collection ends."""

    name = "proposal.withdrawn"
    requires = ("notifications", "search", "opendata_records", "pagecache")


@dataclass(frozen=True)
class ProposalHidden(ProposalEvent):
    """Hidden by the moderation (kommune.core.moderation); data: reason."""

    name = "proposal.hidden"
    requires = ("notifications", "search", "opendata_records", "pagecache")
    visibility = Visibility.HIDDEN


@dataclass(frozen=True)
class ProposalUnhidden(ProposalEvent):
    name = "proposal.unhidden"
    requires = ("notifications", "search", "opendata_records", "pagecache")
    visibility = Visibility.SHOWN


@dataclass(frozen=True)
class ProposalUpdateAdded(ProposalEvent):
    """Staff added an update under the answer (a decision, the start or end of the implementation); data: update
    (its id), kind. Its followers hear of it."""

    name = "proposal.update_added"
    requires = ("notifications", "opendata_records", "pagecache")
