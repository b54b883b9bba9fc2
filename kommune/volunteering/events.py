"""The events the volunteering app publishes (kommune.core.events)."""

from collections.abc import Iterable
from dataclasses import dataclass

from kommune.core.events import Event, Visibility
from kommune.core.pagecache import register_page_tags
from kommune.volunteering.models import Project, Shift

# Every public page of the volunteer projects carries the tag "volunteering".


PAGE_TAGS = ("volunteering",)  # the tag of a page is the municipality's own (kommune.core.pagecache)


register_page_tags(Project, lambda _obj: PAGE_TAGS)
register_page_tags(Shift, lambda _obj: PAGE_TAGS)


@dataclass(frozen=True)
class VolunteeringEvent(Event):
    def page_tags(self) -> Iterable[str]:
        return PAGE_TAGS


@dataclass(frozen=True)
class VolunteerProjectPublished(VolunteeringEvent):
    """target: the project."""

    name = "volunteering.project_published"
    requires = ("notifications", "search", "opendata_records", "pagecache")
    visibility = Visibility.PUBLISHED


@dataclass(frozen=True)
class VolunteerProjectUpdated(VolunteeringEvent):
    name = "volunteering.project_updated"
    requires = ("search", "opendata_records", "pagecache")


@dataclass(frozen=True)
class ShiftAdded(VolunteeringEvent):
    """target: the new shift; scope: its project (the project's followers hear of it)."""

    name = "volunteering.shift_added"
    requires = ("notifications", "opendata_records", "pagecache")  # search: through VolunteerProjectUpdated


@dataclass(frozen=True)
class SignedUp(VolunteeringEvent):
    """target: the sign-up; scope: the shift."""

    name = "volunteering.signed_up"
    requires = ("volunteering_mail", "opendata_records", "pagecache")


@dataclass(frozen=True)
class SignUpCancelled(VolunteeringEvent):
    name = "volunteering.sign_up_cancelled"
    requires = ("volunteering_mail", "opendata_records", "pagecache")


@dataclass(frozen=True)
class AttendanceConfirmed(VolunteeringEvent):
    """target: the sign-up whose attendance (and hours) the organisers confirmed."""

    name = "volunteering.attendance_confirmed"
    requires = ("opendata_records", "pagecache")
