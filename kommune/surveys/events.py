"""The events the surveys app publishes (kommune.core.events)."""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import cast

from kommune.core.events import Event, Visibility
from kommune.core.pagecache import register_page_tags
from kommune.surveys.models import OpinionMap, Statement, Survey


def survey_page_tags(survey: Survey) -> tuple[str, ...]:
    return (f"survey:{survey.pk}", "surveys")


def map_page_tags(opinion_map: OpinionMap) -> tuple[str, ...]:
    return (f"opinion-map:{opinion_map.pk}", "surveys")


register_page_tags(Survey, survey_page_tags)
register_page_tags(OpinionMap, map_page_tags)


@dataclass(frozen=True)
class SurveyEvent(Event):
    """target: the survey; scope: its process."""

    def page_tags(self) -> Iterable[str]:
        return survey_page_tags(cast(Survey, self.target))


@dataclass(frozen=True)
class SurveyPublished(SurveyEvent):
    name = "survey.published"
    requires = ("notifications", "search", "opendata_records", "pagecache")
    visibility = Visibility.PUBLISHED

    def page_tags(self) -> Iterable[str]:
        return (*survey_page_tags(cast(Survey, self.target)), "home")  # the home page's section lists it


@dataclass(frozen=True)
class SurveyAnswered(SurveyEvent):
    """A response was stored (data: channel); the results and the open data change. Nobody is notified."""

    name = "survey.answered"
    requires = ("opendata_records", "pagecache")


@dataclass(frozen=True)
class OpinionMapEvent(Event):
    """target: the opinion map; scope: its process."""

    def page_tags(self) -> Iterable[str]:
        return map_page_tags(cast(OpinionMap, self.target))


@dataclass(frozen=True)
class OpinionMapPublished(OpinionMapEvent):
    name = "opinion_map.published"
    requires = ("notifications", "search", "opendata_records", "pagecache")
    visibility = Visibility.PUBLISHED

    def page_tags(self) -> Iterable[str]:
        return (*map_page_tags(cast(OpinionMap, self.target)), "home")


@dataclass(frozen=True)
class OpinionMapComputed(OpinionMapEvent):
    """The groups were computed again (data: k, participants)."""

    name = "opinion_map.computed"
    requires = ("opendata_records", "pagecache")


@dataclass(frozen=True)
class StatementEvent(Event):
    """target: the statement; scope: its opinion map's process."""

    def page_tags(self) -> Iterable[str]:
        return map_page_tags(cast(Statement, self.target).opinion_map)


@dataclass(frozen=True)
class StatementPosted(StatementEvent):
    name = "opinion_statement.posted"
    requires = ("opendata_records", "pagecache")


@dataclass(frozen=True)
class StatementVoted(StatementEvent):
    """data: value."""

    name = "opinion_statement.voted"
    requires = ("pagecache",)


@dataclass(frozen=True)
class StatementHidden(StatementEvent):
    """Hidden by the moderation (kommune.core.moderation); data: reason."""

    name = "opinion_statement.hidden"
    requires = ("notifications", "opendata_records", "pagecache")
    visibility = Visibility.HIDDEN


@dataclass(frozen=True)
class StatementUnhidden(StatementEvent):
    name = "opinion_statement.unhidden"
    requires = ("notifications", "opendata_records", "pagecache")
    visibility = Visibility.SHOWN
