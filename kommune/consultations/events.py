"""The events the consultations app publishes (kommune.core.events)."""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import cast

from kommune.consultations.models import Consultation
from kommune.core.events import Event, Visibility
from kommune.core.pagecache import register_page_tags


def consultation_page_tags(consultation: Consultation) -> tuple[str, ...]:
    return (f"consultation:{consultation.pk}", "consultations")


register_page_tags(Consultation, consultation_page_tags)


@dataclass(frozen=True)
class ConsultationEvent(Event):
    """target: the consultation; scope: its process."""

    def page_tags(self) -> Iterable[str]:
        return consultation_page_tags(cast(Consultation, self.target))


@dataclass(frozen=True)
class ConsultationPublished(ConsultationEvent):
    name = "consultation.published"
    requires = ("notifications", "search", "opendata_records", "pagecache")
    visibility = Visibility.PUBLISHED


@dataclass(frozen=True)
class ConsultationUpdated(ConsultationEvent):
    name = "consultation.updated"
    requires = ("search", "pagecache")


@dataclass(frozen=True)
class DraftVersionAdded(ConsultationEvent):
    """data: number, the new version's number."""

    name = "consultation.version_added"
    requires = ("notifications", "search", "pagecache")


@dataclass(frozen=True)
class ConsiderationsChanged(ConsultationEvent):
    """Staff answered comments (before the table is published: only staff see it)."""

    name = "consultation.considerations_changed"
    requires = ("pagecache",)


@dataclass(frozen=True)
class ConsiderationsPublished(ConsultationEvent):
    """data: notify_users, everyone who commented."""

    name = "consultation.considerations_published"
    requires = ("notifications", "opendata_records", "pagecache")
