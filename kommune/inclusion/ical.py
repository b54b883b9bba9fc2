"""The calendar feeds (RFC 5545) of the digital-help network, written with the ``icalendar`` package.

Every VEVENT carries UID (stable: ``<kind>-<pk>@<host>``), DTSTAMP (UTC), DTSTART and DTEND in local time with
TZID=Europe/Berlin, and the calendar a VTIMEZONE for that TZID (generated from the zoneinfo database by
icalendar), PRODID and VERSION. icalendar writes CRLF line ends and folds lines longer than 75 octets.

A course whose sessions are weekly at the same local time and none was moved or cancelled is one VEVENT with
``RRULE:FREQ=WEEKLY;COUNT=n`` (so calendar clients show it as a series); any other course is written as its
single dates.
"""

from datetime import timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, vRecur
from icalendar import Event as VEvent

from kommune.inclusion.models import Course, Event

BERLIN = ZoneInfo("Europe/Berlin")
PRODID = "-//Offene Kommune//Digitalhilfe-Kalender//DE"


def _host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "offene-kommune.invalid"


def _is_weekly(sessions: list[Event]) -> bool:
    if len(sessions) < 2 or any(session.is_cancelled for session in sessions):
        return False
    first = sessions[0]
    start, length = first.starts_at.astimezone(BERLIN), first.ends_at - first.starts_at
    for number, session in enumerate(sessions):
        local = session.starts_at.astimezone(BERLIN)
        if (local.date() != start.date() + timedelta(weeks=number) or local.time() != start.time()
                or session.ends_at - session.starts_at != length):
            return False
    return True


def _location(event: Event) -> str:
    if event.partner is not None:
        return f"{event.partner.name}, {event.partner.address_line}"
    return event.online_url or "online"


def _vevent(event: Event, uid: str, stamp, title: str) -> VEvent:
    vevent = VEvent()
    vevent.add("uid", uid)
    vevent.add("dtstamp", stamp)
    vevent.add("dtstart", event.starts_at.astimezone(BERLIN))
    vevent.add("dtend", event.ends_at.astimezone(BERLIN))
    vevent.add("summary", title)
    if event.description:
        vevent.add("description", event.description)
    vevent.add("location", _location(event))
    vevent.add("categories", [event.get_category_display()])
    vevent.add("url", settings.SITE_URL + (event.course.get_absolute_url() if event.course_id and event.course
                                           else event.get_absolute_url()))
    vevent.add("status", "CANCELLED" if event.is_cancelled else "CONFIRMED")
    vevent.add("last-modified", event.updated_at)
    if event.partner is not None and event.partner.latitude is not None and event.partner.longitude is not None:
        vevent.add("geo", (float(event.partner.latitude), float(event.partner.longitude)))
    return vevent


def calendar_bytes(events: list[Event], name: str, *, sessions_of: dict[int, list[Event]] | None = None) -> bytes:
    """A VCALENDAR of ``events``. ``sessions_of``: every session of the courses among them (course id -> dates),
    so that a regular course becomes one recurring VEVENT."""
    stamp = timezone.now()
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Europe/Berlin")
    host = _host()
    done_courses: set[int] = set()
    for event in events:
        course_id = event.course_id
        sessions = (sessions_of or {}).get(course_id or 0, [])
        if course_id and _is_weekly(sessions):
            if course_id in done_courses:
                continue
            done_courses.add(course_id)
            first = sessions[0]
            vevent = _vevent(first, f"course-{course_id}@{host}", stamp, event.course.title if event.course
                             else first.title)
            vevent.add("rrule", vRecur(freq="WEEKLY", count=len(sessions)))
            calendar.add_component(vevent)
            continue
        calendar.add_component(_vevent(event, f"event-{event.pk}@{host}", stamp, event.title))
    calendar.add_missing_timezones()
    return calendar.to_ical()


def course_sessions(events: list[Event]) -> dict[int, list[Event]]:
    """The sessions of the courses among ``events``, in one query."""
    course_ids = {event.course_id for event in events if event.course_id}
    found: dict[int, list[Event]] = {}
    if course_ids:
        for session in Event.objects.filter(course_id__in=course_ids).order_by("starts_at", "pk"):
            found.setdefault(session.course_id, []).append(session)  # type: ignore[arg-type]
    return found


__all__ = ["Course", "calendar_bytes", "course_sessions"]
