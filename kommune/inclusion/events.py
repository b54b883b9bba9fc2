"""The events the digital-help app publishes (kommune.core.events)."""

from collections.abc import Iterable
from dataclasses import dataclass

from kommune.core.events import Event, Visibility
from kommune.core.pagecache import register_page_tags
from kommune.inclusion.models import Course, Partner, Registration
from kommune.inclusion.models import Event as CalendarEvent

# Every public page of the calendar and the directory carries the tag "inclusion"; a write
# changes few enough pages that dropping them all is simpler than tracking which list shows what.


PAGE_TAGS = ("inclusion",)  # the tag of a page is the municipality's own (kommune.core.pagecache)


register_page_tags(Partner, lambda _obj: PAGE_TAGS)
register_page_tags(CalendarEvent, lambda _obj: PAGE_TAGS)
register_page_tags(Course, lambda _obj: PAGE_TAGS)


@dataclass(frozen=True)
class InclusionEvent(Event):
    def page_tags(self) -> Iterable[str]:
        return PAGE_TAGS


@dataclass(frozen=True)
class PartnerProposed(InclusionEvent):
    """target: the partner, waiting for approval; data: notify_users (the team who decides)."""

    name = "inclusion.partner_proposed"
    requires = ("notifications",)


@dataclass(frozen=True)
class PartnerApproved(InclusionEvent):
    name = "inclusion.partner_approved"
    requires = ("notifications", "search", "opendata_records", "pagecache")
    visibility = Visibility.PUBLISHED


@dataclass(frozen=True)
class PartnerRejected(InclusionEvent):
    name = "inclusion.partner_rejected"
    requires = ("notifications",)


@dataclass(frozen=True)
class PartnerUpdated(InclusionEvent):
    name = "inclusion.partner_updated"
    requires = ("search", "opendata_records", "pagecache")


@dataclass(frozen=True)
class EventPublished(InclusionEvent):
    """target: the event (a single date) or the course; scope: the partner (its followers hear of it)."""

    name = "inclusion.event_published"
    requires = ("notifications", "search", "opendata_records", "pagecache")


@dataclass(frozen=True)
class EventUpdated(InclusionEvent):
    name = "inclusion.event_updated"
    requires = ("search", "opendata_records", "pagecache")


@dataclass(frozen=True)
class EventCancelled(InclusionEvent):
    name = "inclusion.event_cancelled"
    requires = ("search", "opendata_records", "pagecache", "inclusion_mail")


@dataclass(frozen=True)
class RegistrationConfirmed(InclusionEvent):
    """target: the registration, with a place."""

    name = "inclusion.registration_confirmed"
    requires = ("inclusion_mail", "pagecache")


@dataclass(frozen=True)
class RegistrationWaiting(InclusionEvent):
    """target: the registration, on the waiting list."""

    name = "inclusion.registration_waiting"
    requires = ("inclusion_mail", "pagecache")


@dataclass(frozen=True)
class RegistrationMovedUp(InclusionEvent):
    """target: the registration that moved from the waiting list to a place after someone cancelled."""

    name = "inclusion.registration_moved_up"
    requires = ("inclusion_mail", "pagecache")


@dataclass(frozen=True)
class RegistrationCancelled(InclusionEvent):
    name = "inclusion.registration_cancelled"
    requires = ("inclusion_mail", "pagecache")


REGISTRATION_EVENTS = (RegistrationConfirmed, RegistrationWaiting, RegistrationMovedUp, RegistrationCancelled)
__all__ = ["REGISTRATION_EVENTS", "Registration"]
