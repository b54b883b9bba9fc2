"""The events about comments (kommune.core.events): posted and edited by the comments app, hidden and shown
again by the moderation."""

from collections.abc import Iterable
from dataclasses import dataclass

from kommune.core.events import Event, Visibility
from kommune.core.pagecache import page_tags_of


@dataclass(frozen=True)
class CommentEvent(Event):
    """target: the comment, scope: the process or other container whose page shows the discussion."""

    def page_tags(self) -> Iterable[str] | None:
        return page_tags_of(self.scope)


@dataclass(frozen=True)
class CommentPosted(CommentEvent):
    name = "comment.posted"
    requires = ("notifications", "search", "opendata_records", "pagecache")


@dataclass(frozen=True)
class CommentEdited(CommentEvent):
    name = "comment.edited"
    requires = ("search", "opendata_records", "pagecache")


@dataclass(frozen=True)
class CommentHidden(CommentEvent):
    name = "comment.hidden"
    requires = ("notifications", "search", "opendata_records", "pagecache")
    visibility = Visibility.HIDDEN


@dataclass(frozen=True)
class CommentUnhidden(CommentEvent):
    name = "comment.unhidden"
    requires = ("notifications", "search", "opendata_records", "pagecache")
    visibility = Visibility.SHOWN
