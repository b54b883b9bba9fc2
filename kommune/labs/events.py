"""The events the lab workspace publishes (kommune.core.events).

An event needs a municipality: a lab's event names the first member municipality that runs the sub-project (or
the lab's first municipality), which is also where the sub-project is found in the search. Only news that is
public is ever announced (``LabNewsPublished``, with a verb); the other events carry no verb, so nothing about
an internal item reaches an activity stream.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from kommune.core.events import Event, Visibility


@dataclass(frozen=True)
class LabEvent(Event):
    def page_tags(self) -> Iterable[str]:
        return ()  # the lab's pages are not cached


@dataclass(frozen=True)
class SubProjectChanged(LabEvent):
    """target: the sub-project (created, edited, visibility changed, links changed)."""

    name = "labs.subproject_changed"
    requires = ("search", "opendata_records")


@dataclass(frozen=True)
class LabNewsChanged(LabEvent):
    """target: the news (written, edited, visibility changed)."""

    name = "labs.news_changed"
    requires = ("search",)


@dataclass(frozen=True)
class LabNewsPublished(LabEvent):
    """target: news that became public for the first time; scope: the lab (its followers are told)."""

    name = "labs.news_published"
    requires = ("notifications",)


@dataclass(frozen=True)
class LabNewsDeleted(LabEvent):
    """target: the news, deleted (rebuilt with its primary key): it leaves the search, and the announcement of it
    leaves the activity streams (withdrawn)."""

    name = "labs.news_deleted"
    requires = ("notifications", "search")
    visibility = Visibility.WITHDRAWN
