"""The meeting calendar as iCalendar (RFC 5545), for calendar apps that subscribe to it.

Every event has a UID that stays the same across fetches (so that an app updates its copy instead of adding one),
a DTSTAMP (when the meeting last changed, in UTC), its start and end in Europe/Berlin with the VTIMEZONE that
defines that zone, and the meeting page as URL. A cancelled meeting stays in the feed with STATUS:CANCELLED, so
that the apps remove it from their view. The icalendar package writes the lines (CRLF, folded at 75 octets).
"""

from zoneinfo import ZoneInfo

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, Timezone

from kommune.core.models import Municipality
from kommune.council.models import Meeting, Organization

PRODID = "-//Offene Kommune//Ratsinformation//DE"


def meeting_uid(meeting: Meeting) -> str:
    """Globally unique and the same on every fetch: the municipality and the meeting's id."""
    return f"sitzung-{meeting.pk}-{meeting.municipality_id}@offene-kommune.de"


def _location(meeting: Meeting) -> str:
    location = meeting.location
    if location is None:
        return ""
    parts = [location.description, location.room if location.room not in location.description else "",
             location.street_address, " ".join(filter(None, [location.postal_code, location.locality]))]
    return ", ".join(part for part in parts if part)


def meetings_ical(request: HttpRequest, municipality: Municipality, meetings: list[Meeting], *,
                  committee: Organization | None = None) -> bytes:
    zone = ZoneInfo(settings.TIME_ZONE)
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    name = _("Council meetings of %(name)s") % {"name": municipality.name}
    if committee is not None:
        name = f"{committee.name} – {municipality.name}"
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", settings.TIME_ZONE)
    for meeting in meetings:
        if meeting.start is None:
            continue
        event = Event()
        event.add("uid", meeting_uid(meeting))
        event.add("dtstamp", meeting.modified)  # a UTC date-time (the value is stored in UTC)
        event.add("dtstart", meeting.start.astimezone(zone))
        if meeting.end is not None and meeting.end > meeting.start:
            event.add("dtend", meeting.end.astimezone(zone))
        event.add("summary", meeting.name)
        if meeting.organization is not None:
            event.add("categories", [meeting.organization.name])
        location = _location(meeting)
        if location:
            event.add("location", location)
        address = request.build_absolute_uri(reverse("council_pages:meeting", kwargs={
            "municipality_slug": municipality.slug, "meeting_id": meeting.pk}))
        event.add("url", address)
        event.add("description", _("Agenda and papers: %(url)s") % {"url": address})
        event.add("status", "CANCELLED" if meeting.cancelled else "CONFIRMED")
        cal.add_component(event)
    # The VTIMEZONE of Europe/Berlin, which the start and end times refer to (TZID), even in an empty feed.
    cal.add_component(Timezone.from_tzid(settings.TIME_ZONE))
    return cal.to_ical()
