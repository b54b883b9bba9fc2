"""The iCalendar feeds (RFC 5545), parsed with the icalendar package; the required properties are checked one by
one, because the parser alone accepts calendars that lack them."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from icalendar import Calendar

from kommune.inclusion import services
from kommune.inclusion.models import Event
from tests.factories_inclusion import EventFactory, PartnerFactory

BERLIN = ZoneInfo("Europe/Berlin")


def _check_rfc5545(body: bytes) -> Calendar:
    assert b"\r\n" in body and body.count(b"\n") == body.count(b"\r\n"), "every line ends with CRLF"
    assert all(len(line) <= 75 for line in body.split(b"\r\n")), "lines are folded at 75 octets"
    calendar = Calendar.from_ical(body)
    assert calendar.get("PRODID") and str(calendar.get("VERSION")) == "2.0"
    tzids = {str(tz.get("TZID")) for tz in calendar.walk("VTIMEZONE")}
    events = calendar.walk("VEVENT")
    for event in events:
        for name in ("UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY"):
            assert event.get(name) is not None, f"{name} missing"
        assert event.decoded("DTSTAMP").utcoffset() == timedelta(0), "DTSTAMP is in UTC"
        for name in ("DTSTART", "DTEND"):
            tzid = event[name].params.get("TZID")
            assert tzid in tzids, f"{name} names TZID {tzid}, which has no VTIMEZONE"
    assert len({str(event["UID"]) for event in events}) == len(events), "UIDs are unique"
    return calendar


@pytest.fixture
def partner(musterstadt):
    return PartnerFactory(municipality=musterstadt, name="Stadtbibliothek Musterstadt mit einem sehr langen Namen, "
                                                        "damit die Zeile gefaltet werden muss")


def test_the_municipality_feed_is_rfc_5545_with_local_times_across_the_change_to_summer_time(
        client, musterstadt, partner, carol):
    with time_machine.travel(datetime(2027, 3, 1, 9, 0, tzinfo=BERLIN), tick=False):
        course = services.do_publish_event(
            actor=carol, municipality=musterstadt, first_day=date(2027, 3, 16), starts=time(10),
            ends=time(12), sessions=4,
            data={"title": "Smartphone-Kurs über die Zeitumstellung", "category": "smartphone", "partner": partner,
                  "capacity": 8, "description": "Vier Termine, immer dienstags um 10 Uhr. " * 5})
        EventFactory(partner=partner, title="Sicher im Netz", category="security",
                     starts_at=datetime(2027, 3, 29, 14, 0, tzinfo=BERLIN),
                     ends_at=datetime(2027, 3, 29, 16, 0, tzinfo=BERLIN))
        response = client.get("/musterstadt/events.ics")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    calendar = _check_rfc5545(response.content)
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Berlin"]
    events = {str(event["SUMMARY"]): event for event in calendar.walk("VEVENT")}
    series = events["Smartphone-Kurs über die Zeitumstellung"]
    assert series["RRULE"]["FREQ"] == ["WEEKLY"] and series["RRULE"]["COUNT"] == [4]
    assert str(series["UID"]) == f"course-{course.pk}@127.0.0.1"
    # The occurrences, expanded as a client does: always 10:00 local, 09:00 UTC before and 08:00 UTC after 28 March.
    start = series.decoded("DTSTART")
    assert start == datetime(2027, 3, 16, 10, 0, tzinfo=BERLIN)
    occurrences = [(start + timedelta(weeks=n)).replace(tzinfo=None).replace(tzinfo=BERLIN) for n in range(4)]
    assert [o.astimezone(ZoneInfo("UTC")).hour for o in occurrences] == [9, 9, 8, 8]
    single = events["Sicher im Netz"]
    assert single.decoded("DTSTART") == datetime(2027, 3, 29, 14, 0, tzinfo=BERLIN)
    assert single.decoded("DTSTART").utcoffset() == timedelta(hours=2)
    assert b"\r\n " in response.content  # a folded line (the long location)


def test_a_moved_session_makes_the_course_single_dates(client, musterstadt, partner, carol):
    course = services.do_publish_event(
        actor=carol, municipality=musterstadt, first_day=(datetime.now(BERLIN) + timedelta(days=2)).date(),
        starts=time(10), ends=time(12), sessions=3,
        data={"title": "Videotelefonie", "category": "video_calls", "partner": partner, "capacity": 8})
    second = course.sessions.order_by("starts_at")[1]
    Event.objects.filter(pk=second.pk).update(starts_at=second.starts_at + timedelta(hours=1),
                                              ends_at=second.ends_at + timedelta(hours=1))
    calendar = _check_rfc5545(client.get("/musterstadt/events.ics").content)
    events = calendar.walk("VEVENT")
    assert len(events) == 3 and not any(event.get("RRULE") for event in events)


def test_the_partner_and_category_feeds_hold_only_theirs(client, musterstadt, partner):
    other = PartnerFactory(municipality=musterstadt)
    EventFactory(partner=partner, title="Hier", category="smartphone")
    EventFactory(partner=other, title="Dort", category="security")
    by_partner = _check_rfc5545(client.get(f"/musterstadt/treffpunkte/{partner.slug}/veranstaltungen.ics").content)
    assert [str(e["SUMMARY"]) for e in by_partner.walk("VEVENT")] == ["Hier"]
    by_category = _check_rfc5545(client.get("/musterstadt/veranstaltungen/thema/security.ics").content)
    assert [str(e["SUMMARY"]) for e in by_category.walk("VEVENT")] == ["Dort"]
    assert client.get("/musterstadt/veranstaltungen/thema/unbekannt.ics").status_code == 404
