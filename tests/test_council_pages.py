"""The council pages under /<municipality>/rat/ (kommune/council/pages.py): calendar and iCalendar feed, meeting,
paper, paper list with filters, committees and people; the text of PDF files in the search; the page cache
following the council's events; query counts that do not grow with the data."""

import io
import logging
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar
from pypdf import PdfReader, PdfWriter

from kommune.core import pagecache
from kommune.core.search import backends
from kommune.core.search.models import SearchDocument
from kommune.council.models import AgendaItem, Consultation, File, Meeting, Organization, Paper
from kommune.council.pdf import extract_text, render_pdf, text_pdf
from kommune.council.services import (
    do_mark_council_object_deleted,
    do_save_council_object,
    do_store_council_file_content,
)
from tests.factories_council import council, council_file

pytestmark = pytest.mark.django_db
BERLIN = ZoneInfo("Europe/Berlin")


def page(name: str, municipality, **kwargs) -> str:
    return reverse(f"council_pages:{name}", kwargs={"municipality_slug": municipality.slug, **kwargs})


def text(response) -> str:
    return response.content.decode()


def meeting_at(municipality, committee: Organization, when: datetime, name: str, **fields) -> Meeting:
    return Meeting.objects.create(municipality=municipality, organization=committee, name=name, start=when,
                                  end=when + timedelta(hours=2), **fields)


@pytest.fixture
def frozen():
    with time_machine.travel(datetime(2026, 11, 10, 12, 0, tzinfo=BERLIN), tick=False):
        yield


# --- The pages --------------------------------------------------------------------------------------------------


def test_every_page_answers_in_german_without_javascript(client, musterstadt):
    built = council(musterstadt, size=2)
    meeting, paper, person = built.meetings[0], built.papers[0], built.people[0]
    urls = [page("home", musterstadt), page("calendar", musterstadt), page("papers", musterstadt),
            page("organizations", musterstadt), page("people", musterstadt),
            page("meeting", musterstadt, meeting_id=meeting.pk), page("paper", musterstadt, paper_id=paper.pk),
            page("organization", musterstadt, organization_id=built.committee.pk),
            page("person", musterstadt, person_id=person.pk)]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert '<html lang="de"' in text(response), url
        assert "<script" not in text(response).split("</header>", 1)[1].split("<footer", 1)[0], url
    assert "Ratsinformation" in text(client.get(page("home", musterstadt)))


def test_the_meeting_page_shows_its_agenda_papers_and_files(client, musterstadt):
    built = council(musterstadt, size=1)
    meeting = built.meetings[0]
    item = meeting.agenda_items.get()
    item.result, item.resolution_text = "einstimmig beschlossen", "Der Rat stimmt zu."
    item.save()
    AgendaItem.objects.create(municipality=musterstadt, meeting=meeting, order=2, number="2", name="Geheimes",
                              public=False)
    body = text(client.get(page("meeting", musterstadt, meeting_id=meeting.pk)))
    assert "Punkt 0" in body and "einstimmig beschlossen" in body and "Der Rat stimmt zu." in body
    assert page("paper", musterstadt, paper_id=built.papers[0].pk) in body
    assert "Einladung 0" in body and "Anlage 0" in body  # the meeting's file and the agenda item's
    assert "nicht öffentlich" in body
    assert body.index("Punkt 0") < body.index("Geheimes")  # in the agenda's order


def test_the_paper_page_shows_its_files_and_its_path_through_the_committees(client, musterstadt, frozen):
    built = council(musterstadt, size=1)
    paper = built.papers[0]
    committee = Organization.objects.create(municipality=musterstadt, name="Bauausschuss")
    earlier = meeting_at(musterstadt, committee, timezone.now() - timedelta(days=20), "Sitzung Bauausschuss")
    item = AgendaItem.objects.create(municipality=musterstadt, meeting=earlier, order=1, name=paper.name,
                                     result="empfohlen")
    Consultation.objects.create(municipality=musterstadt, paper=paper, meeting=earlier, agenda_item=item,
                                organization=committee, role="Vorberatung")
    later = meeting_at(musterstadt, committee, timezone.now() + timedelta(days=20), "Sitzung im Dezember")
    Consultation.objects.create(municipality=musterstadt, paper=paper, meeting=later, organization=committee,
                                role="Anhörung")

    body = text(client.get(page("paper", musterstadt, paper_id=paper.pk)))

    assert "Vorlage 0" in body and reverse("council:file_access", kwargs={
        "municipality_slug": musterstadt.slug, "object_id": built.files[0].pk}) in body
    assert body.index("Vorberatung") < body.index("Entscheidung") < body.index("Anhörung")  # by meeting date
    assert "empfohlen" in body and "steht noch aus" in body
    assert page("meeting", musterstadt, meeting_id=earlier.pk) in body


def test_the_calendar_shows_a_month_by_committee_and_refuses_a_bad_month(client, musterstadt, frozen):
    built = council(musterstadt, size=0)
    other = Organization.objects.create(municipality=musterstadt, name="Jugendhilfeausschuss")
    november = datetime(2026, 11, 3, 17, 0, tzinfo=BERLIN)
    meeting_at(musterstadt, built.committee, november, "Ratssitzung im November")
    meeting_at(musterstadt, other, november + timedelta(days=7), "Jugend im November")
    meeting_at(musterstadt, built.committee, datetime(2026, 12, 1, 0, 30, tzinfo=BERLIN), "Ratssitzung Dezember")
    meeting_at(musterstadt, built.committee, datetime(2026, 10, 31, 23, 30, tzinfo=BERLIN), "Ratssitzung Oktober")

    body = text(client.get(page("calendar", musterstadt)))  # this month, in Berlin's time
    assert "Ratssitzung im November" in body and "Jugend im November" in body
    assert "Dezember" not in body.split("month-heading")[1].split("upcoming-heading")[0]
    assert "Ratssitzung Oktober" not in body
    assert "?monat=2026-10" in body and "?monat=2026-12" in body

    by_committee = text(client.get(page("calendar", musterstadt), {"gremium": other.pk, "monat": "2026-11"}))
    assert "Jugend im November" in by_committee and "Ratssitzung im November" not in by_committee
    december = text(client.get(page("calendar", musterstadt), {"monat": "2026-12"}))
    assert "Ratssitzung Dezember" in december

    for bad in ["2026-13", "kaputt", "0000-01", "2026-1"]:
        response = client.get(page("calendar", musterstadt), {"monat": bad})
        assert response.status_code == 400 and "zum Beispiel 2026-11" in text(response), bad
    unknown = client.get(page("calendar", musterstadt), {"gremium": "999999"})
    assert unknown.status_code == 200 and "Auswahl" in text(unknown)  # the field's error, all committees shown


def test_the_paper_list_filters_by_type_committee_and_date_and_pages(client, musterstadt):
    built = council(musterstadt, size=1)
    other = Organization.objects.create(municipality=musterstadt, name="Umweltausschuss")
    for number in range(30):
        Paper.objects.create(municipality=musterstadt, name=f"Anfrage Nummer {number}", reference=f"AF/{number}",
                             paper_type="Anfrage", date=date(2026, 1, 1) + timedelta(days=number))
    motion = Paper.objects.create(municipality=musterstadt, name="Antrag Bäume", paper_type="Antrag",
                                  date=date(2025, 6, 1))
    Consultation.objects.create(municipality=musterstadt, paper=motion, organization=other, role="Entscheidung")
    Paper.objects.create(municipality=musterstadt, name="Gelöschter Antrag", paper_type="Antrag", deleted=True)

    first = text(client.get(page("papers", musterstadt)))
    assert "32 Vorlagen" in first and "Anfrage Nummer 29" in first and "Anfrage Nummer 4" not in first
    assert "Gelöschter Antrag" not in first
    second = text(client.get(page("papers", musterstadt), {"seite": "2"}))
    assert "Anfrage Nummer 4" in second and "Antrag Bäume" in second  # oldest last
    assert "<title>Vorlagen – Seite 2" in second
    past_the_end = text(client.get(page("papers", musterstadt), {"seite": "9"}))
    assert "<title>Vorlagen – Seite 2" in past_the_end and "Antrag Bäume" in past_the_end  # the last page
    assert "<title>Vorlagen – Seite" not in first
    assert client.get(page("papers", musterstadt), {"seite": "kaputt"}).status_code == 200

    by_type = text(client.get(page("papers", musterstadt), {"typ": "Antrag"}))
    assert "1 Vorlage" in by_type and "Antrag Bäume" in by_type
    by_committee = text(client.get(page("papers", musterstadt), {"gremium": other.pk}))
    assert "Antrag Bäume" in by_committee and "Anfrage" not in by_committee.split("results-heading")[1]
    by_date = text(client.get(page("papers", musterstadt), {"von": "2026-01-10", "bis": "2026-01-12"}))
    assert "3 Vorlagen" in by_date and "Anfrage Nummer 9" in by_date
    pages = text(client.get(page("papers", musterstadt), {"typ": "Anfrage", "seite": "1"}))
    assert "typ=Anfrage&amp;seite=2" in pages  # the filter stays on the page links
    bad = client.get(page("papers", musterstadt), {"von": "gestern", "typ": "Unbekannt"})
    assert bad.status_code == 200 and "32 Vorlagen" in text(bad)  # reported at the fields, ignored
    assert built.papers[0].name in text(client.get(page("papers", musterstadt), {"gremium": built.committee.pk}))


def test_committee_and_person_pages_show_the_members(client, musterstadt):
    built = council(musterstadt, size=2)
    person = built.people[0]
    former = person.memberships.filter(organization=built.committee).get()
    former.end_date = timezone.localdate() - timedelta(days=1)
    former.save()
    committee = text(client.get(page("organization", musterstadt, organization_id=built.committee.pk)))
    assert "Person 1" in committee and "Person 0" not in committee  # only current members
    profile = text(client.get(page("person", musterstadt, person_id=person.pk)))
    assert "Frühere Mitgliedschaften" in profile and "Rat" in profile
    listing = text(client.get(page("organizations", musterstadt)))
    assert "Partei" in listing and "1 Mitglied" in listing


def test_objects_of_another_municipality_and_deleted_ones_are_not_found(client, musterstadt, anderstadt):
    foreign = council(anderstadt, size=1)
    own = council(musterstadt, size=1)
    assert client.get(page("paper", musterstadt, paper_id=foreign.papers[0].pk)).status_code == 404
    assert client.get(page("meeting", musterstadt, meeting_id=foreign.meetings[0].pk)).status_code == 404
    do_mark_council_object_deleted(municipality=musterstadt, model=Paper, oparl_id="x")  # nothing to delete
    own.papers[0].deleted = True
    own.papers[0].save()
    assert client.get(page("paper", musterstadt, paper_id=own.papers[0].pk)).status_code == 404


# --- The iCalendar feed -----------------------------------------------------------------------------------------


def test_the_calendar_feed_is_valid_icalendar(client, musterstadt, frozen):
    built = council(musterstadt, size=2)
    cancelled = meeting_at(musterstadt, built.committee, datetime(2026, 11, 20, 18, 0, tzinfo=BERLIN),
                           "Abgesagte Sitzung", cancelled=True)
    Meeting.objects.create(municipality=musterstadt, name="Ohne Termin")  # no start: not in the feed
    Meeting.objects.create(municipality=musterstadt, name="Vor zwei Jahren",
                           start=timezone.now() - timedelta(days=800))

    response = client.get(page("calendar_feed", musterstadt))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    raw = response.content
    assert b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"")  # every line ends with CRLF
    calendar = Calendar.from_ical(raw)
    assert str(calendar["PRODID"]) == "-//Offene Kommune//Ratsinformation//DE"
    assert str(calendar["VERSION"]) == "2.0"
    zones = calendar.walk("VTIMEZONE")
    assert [str(zone["TZID"]) for zone in zones] == ["Europe/Berlin"]
    assert zones[0].walk("STANDARD") and zones[0].walk("DAYLIGHT")
    events = calendar.walk("VEVENT")
    assert sorted(str(event["SUMMARY"]) for event in events) == ["Abgesagte Sitzung", "Sitzung 0", "Sitzung 1"]
    uids = [str(event["UID"]) for event in events]
    assert len(set(uids)) == 3
    for event in events:
        assert event["DTSTAMP"].dt.tzinfo is not None and event["DTSTAMP"].dt.utcoffset() == timedelta(0)
        assert event["DTSTART"].params["TZID"] == "Europe/Berlin"
        assert str(event["URL"]).startswith("http://testserver/musterstadt/rat/sitzungen/")
    by_summary = {str(event["SUMMARY"]): event for event in events}
    assert str(by_summary["Abgesagte Sitzung"]["STATUS"]) == "CANCELLED"
    assert by_summary["Abgesagte Sitzung"]["DTSTART"].dt == cancelled.start
    assert str(by_summary["Sitzung 0"]["LOCATION"]).startswith("Ratssaal")
    # The same meeting keeps its UID on the next fetch, and a committee's feed has only its meetings.
    again = Calendar.from_ical(client.get(page("calendar_feed", musterstadt)).content)
    assert sorted(str(event["UID"]) for event in again.walk("VEVENT")) == sorted(uids)
    other = Organization.objects.create(municipality=musterstadt, name="Anderer Ausschuss")
    meeting_at(musterstadt, other, timezone.now() + timedelta(days=3), "Nur dieser Ausschuss")
    only = Calendar.from_ical(client.get(page("calendar_feed", musterstadt), {"gremium": other.pk}).content)
    assert [str(event["SUMMARY"]) for event in only.walk("VEVENT")] == ["Nur dieser Ausschuss"]


def test_an_empty_feed_still_defines_its_time_zone(client, musterstadt):
    calendar = Calendar.from_ical(client.get(page("calendar_feed", musterstadt)).content)
    assert not calendar.walk("VEVENT") and calendar.walk("VTIMEZONE")


# --- PDF text and the search ------------------------------------------------------------------------------------


def encrypted_pdf() -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(text_pdf("Geheim", ["Radwege im Geheimen"]))))
    writer.encrypt(user_password="geheim", owner_password="besitz", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_the_text_of_a_rendered_pdf_is_extracted():
    content = render_pdf(title="Radverkehrskonzept 2030", lines=["Bis 2030 entstehen 25 Kilometer neue Radwege."])
    assert content.startswith(b"%PDF-")
    extracted = extract_text(content)
    assert "Radverkehrskonzept 2030" in extracted and "25 Kilometer neue Radwege" in extracted


@pytest.mark.parametrize("content", [b"", b"%PDF-1.4\nkaputt", b"kein PDF", encrypted_pdf()],
                         ids=["empty", "truncated", "not-a-pdf", "encrypted"])
def test_a_bad_or_encrypted_pdf_gives_no_text_and_no_error(content, caplog):
    with caplog.at_level(logging.WARNING, logger="kommune.council.pdf"):
        assert extract_text(content) == ""
    assert "PDF text not extracted" in caplog.text


def found_papers(query: str, municipality) -> set[int]:
    hits = backends.search(query, limit=50, municipality=municipality)
    docs = SearchDocument.objects.in_bulk([doc_id for doc_id, _ in hits.ranked])
    return {docs[doc_id].object_id for doc_id, _ in hits.ranked if docs[doc_id].kind == "paper"}


def test_a_papers_pdf_text_is_found_with_an_inflected_german_word(musterstadt, anderstadt):
    paper = do_save_council_object(municipality=musterstadt, model=Paper, oparl_id="https://ris.example/paper/1",
                                   fields={"name": "Mobilität in der Innenstadt", "paper_type": "Antrag"})
    file = do_save_council_object(municipality=musterstadt, model=File, oparl_id="https://ris.example/file/1",
                                  fields={"name": "Antragstext", "file_name": "antrag.pdf", "paper": paper,
                                          "role": File.Role.MAIN})
    assert found_papers("Fahrradständer", musterstadt) == set()
    content = render_pdf(title="Antrag", lines=["Am Bahnhof werden vierzig neue Fahrradständer aufgestellt."])

    do_store_council_file_content(file=file, content=content)

    assert "vierzig neue Fahrradständer" in File.objects.get(pk=file.pk).text
    assert found_papers("Fahrradständern", musterstadt) == {paper.pk}  # an inflected form of the word in the PDF
    assert found_papers("fahrradständer bahnhöfe", musterstadt) == {paper.pk}
    assert found_papers("Fahrradständer", anderstadt) == set()
    document = SearchDocument.objects.get(kind="paper", object_id=paper.pk)
    assert document.url == page("paper", musterstadt, paper_id=paper.pk)

    do_mark_council_object_deleted(municipality=musterstadt, model=Paper, oparl_id="https://ris.example/paper/1")
    assert found_papers("Fahrradständer", musterstadt) == set()


def test_a_bad_pdf_is_stored_without_text_and_the_source_text_is_kept(musterstadt):
    paper = council(musterstadt, size=1).papers[0]
    file = council_file(musterstadt, "Kaputt", paper=paper)
    stored = do_store_council_file_content(file=file, content=b"%PDF-1.7\n\x00\x01 zerbrochen")
    assert stored.text == "" and stored.size == 22 and stored.file.read().endswith(b"zerbrochen")
    given = council_file(musterstadt, "Mit Text", paper=paper)
    given.text = "Der Text der Quelle."
    given.save()
    kept = do_store_council_file_content(file=given, content=render_pdf(title="Anders", lines=["Anders."]),
                                         extract=False)
    assert kept.text == "Der Text der Quelle."


# --- The page cache and the query counts ------------------------------------------------------------------------


def test_the_pages_are_cached_for_visitors_and_refreshed_by_the_councils_events(client, musterstadt, frozen,
                                                                               settings):
    settings.PAGE_CACHE_SECONDS = 300
    paper = do_save_council_object(municipality=musterstadt, model=Paper, oparl_id="https://ris.example/paper/7",
                                   fields={"name": "Alter Titel", "paper_type": "Antrag"})
    urls = [page("paper", musterstadt, paper_id=paper.pk), page("papers", musterstadt), page("home", musterstadt)]
    for url in urls:
        assert client.get(url)[pagecache.HIT_HEADER] == "miss"
        assert client.get(url)[pagecache.HIT_HEADER] == "hit"
    client.get(reverse("core:municipality_home", kwargs={"municipality_slug": musterstadt.slug}))

    do_save_council_object(municipality=musterstadt, model=Paper, oparl_id="https://ris.example/paper/7",
                           fields={"name": "Neuer Titel", "paper_type": "Antrag"})

    for url in urls[:2]:
        fresh = client.get(url)
        assert fresh[pagecache.HIT_HEADER] == "miss" and "Neuer Titel" in text(fresh)
    # A paper leaves the municipality's other pages in the cache; a meeting refreshes the calendar and the home
    # page's section of the next meetings.
    municipality_home = reverse("core:municipality_home", kwargs={"municipality_slug": musterstadt.slug})
    assert client.get(municipality_home)[pagecache.HIT_HEADER] == "hit"
    calendar = page("calendar", musterstadt)
    client.get(calendar)
    do_save_council_object(municipality=musterstadt, model=Meeting, oparl_id="https://ris.example/meeting/1",
                           fields={"name": "Sondersitzung", "start": timezone.now() + timedelta(days=2)})
    assert "Sondersitzung" in text(client.get(calendar))
    assert "Sondersitzung" in text(client.get(municipality_home))


def queries_for(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("name", ["home", "calendar", "papers", "organizations", "people", "meeting", "paper",
                                  "organization", "person"])
def test_the_query_count_does_not_grow_with_the_data(client, musterstadt, name, frozen):
    def url(built) -> str:
        kwargs = {"meeting": {"meeting_id": built.meetings[0].pk}, "paper": {"paper_id": built.papers[0].pk},
                  "organization": {"organization_id": built.committee.pk},
                  "person": {"person_id": built.people[0].pk}}.get(name, {})
        return page(name, musterstadt, **kwargs)

    def grow(built, count: int) -> None:  # more meetings this month, agenda items, papers and consultations
        meeting = built.meetings[0]
        for number in range(count):
            extra = meeting_at(musterstadt, built.committee, timezone.now() + timedelta(hours=number + 1),
                               f"Weitere Sitzung {number}")
            item = AgendaItem.objects.create(municipality=musterstadt, meeting=meeting, order=10 + number,
                                             name=f"Punkt {number}")
            paper = built.papers[0] if number % 2 else Paper.objects.create(municipality=musterstadt,
                                                                            name=f"Vorlage {number}")
            Consultation.objects.create(municipality=musterstadt, paper=paper, meeting=extra, agenda_item=item,
                                        organization=built.committee, role="Beratung")
            council_file(musterstadt, f"Datei {number}", agenda_item=item)

    built = council(musterstadt, size=2)
    client.get(url(built))  # warm-up: sessions, content types
    small = queries_for(client, url(built))
    grow(built, 6)
    assert queries_for(client, url(built)) == small


def test_the_paper_list_is_shared_by_logged_in_visitors_and_renewed_by_a_new_paper(client, musterstadt, alice,
                                                                                    bob, frozen, settings):
    settings.PAGE_CACHE_SECONDS = 300
    do_save_council_object(municipality=musterstadt, model=Paper, oparl_id="https://ris.example/paper/1",
                           fields={"name": "Haushaltssatzung", "paper_type": "Vorlage"})
    url = page("papers", musterstadt)
    client.force_login(alice)
    client.get(url)  # renders the list once, and the header's unread count
    other = Client()
    other.force_login(bob)
    other.get(url)
    with CaptureQueriesContext(connection) as shared:
        listed = other.get(url)
    assert "Haushaltssatzung" in text(listed) and "1 Vorlage" in text(listed)
    assert not any("council_paper" in query["sql"] for query in shared.captured_queries)

    do_save_council_object(municipality=musterstadt, model=Paper, oparl_id="https://ris.example/paper/2",
                           fields={"name": "Radverkehrskonzept", "paper_type": "Antrag"})
    fresh = text(other.get(url))
    assert "Radverkehrskonzept" in fresh and "2 Vorlagen" in fresh
