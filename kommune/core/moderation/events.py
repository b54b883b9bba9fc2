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
