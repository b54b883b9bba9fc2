"""The events the moderation publishes (kommune.core.events); hiding and showing a comment are declared with
the comments (kommune.core.comments.events), whose record sets and search they change."""

from collections.abc import Iterable
from dataclasses import dataclass

from kommune.core.events import Event


@dataclass(frozen=True)
class ReportAnswered(Event):
    """target: the report; data: answer, dismissed. Only the person who reported hears of it."""

    name = "report.answered"
    requires = ("notifications", "opendata_records")

    def page_tags(self) -> Iterable[str]:
        return ()


@dataclass(frozen=True)
class UserBlocked(Event):
    """target: the block; data: user_id, until, reason."""

    name = "user.blocked"
    requires = ("opendata_records",)

    def page_tags(self) -> Iterable[str]:
        return ()


@dataclass(frozen=True)
class UserUnblocked(Event):
    """target: the block that was lifted (other active blocks of the person there end too)."""

    name = "user.unblocked"
    requires = ("opendata_records",)

    def page_tags(self) -> Iterable[str]:
        return ()


@dataclass(frozen=True)
class DecisionTaken(Event):
    """target: the ModerationAct of a decision about a person's contribution or about the person (a hide, a
    block). The person it affects receives the statement of reasons (Art. 17 DSA) in the site and by e-mail."""

    name = "moderation.decision"
    requires = ("notifications",)

    def page_tags(self) -> Iterable[str]:
        return ()


@dataclass(frozen=True)
class ReviewDecided(Event):
    """target: the ReviewRequest; data: upheld. The person who asked for the review hears the outcome."""

    name = "moderation.review_decided"
    requires = ("notifications",)

    def page_tags(self) -> Iterable[str]:
        return ()
