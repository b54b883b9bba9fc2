"""The pages of the digital-help network: calendar views, registering and cancelling without an account, the
organiser's participant list with CSV and assisted registration, the partner directory and its approval, the
printable programme as PDF."""

import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from pypdf import PdfReader

from kommune.core.models import AuditLogEntry
from kommune.inclusion.models import Event, Partner, Registration
from tests.factories_inclusion import EventFactory, PartnerFactory, RegistrationFactory, inclusion_world

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture
def partner(musterstadt):
    return PartnerFactory(municipality=musterstadt, name="Treffpunkt Altstadt", district="Altstadt")


def test_the_list_filters_by_topic_district_today_and_this_week(client, musterstadt, partner):
    other = PartnerFactory(municipality=musterstadt, district="Neustadt")
    with time_machine.travel(datetime(2027, 5, 12, 8, 0, tzinfo=BERLIN), tick=False):  # a Wednesday
        EventFactory(partner=partner, title="Heute Smartphone", starts_at=datetime(2027, 5, 12, 10, 0, tzinfo=BERLIN))
        EventFactory(partner=other, title="Freitag Banking", category="online_banking",
                     starts_at=datetime(2027, 5, 14, 10, 0, tzinfo=BERLIN))
        EventFactory(partner=partner, title="Nächste Woche", starts_at=datetime(2027, 5, 18, 10, 0, tzinfo=BERLIN))

        def titles(query: str) -> list[str]:
            response = client.get(f"/musterstadt/veranstaltungen/{query}")
            assert response.status_code == 200
            page = response.content.decode()
            return [t for t in ("Heute Smartphone", "Freitag Banking", "Nächste Woche") if t in page]

        assert titles("") == ["Heute Smartphone", "Freitag Banking", "Nächste Woche"]
        assert titles("?when=today") == ["Heute Smartphone"]
        assert titles("?when=week") == ["Heute Smartphone", "Freitag Banking"]
        assert titles("?category=online_banking") == ["Freitag Banking"]
        assert titles("?district=Altstadt") == ["Heute Smartphone", "Nächste Woche"]
        month = client.get("/musterstadt/veranstaltungen/monat/2027/5/").content.decode()
        assert "Heute Smartphone" in month and "Nächste Woche" in month
        assert client.get("/musterstadt/veranstaltungen/monat/2027/13/").status_code == 404
        assert client.get("/musterstadt/veranstaltungen/?seite=99").status_code == 404


def test_registering_without_an_account_and_cancelling_by_the_link(client, musterstadt, partner):
    event = EventFactory(partner=partner, capacity=1)
    url = f"/musterstadt/veranstaltungen/{event.pk}/anmelden/"
    response = client.post(url, {"name": "Erna Meyer", "phone": "", "email": ""})
    assert response.status_code == 400
    assert "Telefonnummer oder eine E-Mail-Adresse" in response.content.decode()
    assert not Registration.objects.exists()

    response = client.post(url, {"name": "Erna Meyer", "email": "erna@example.org", "waiting_list": "on"})
    assert response.status_code == 302
    registration = Registration.objects.get()
    page = client.get(response["Location"]).content.decode()
    assert "Sie sind angemeldet" in page
    response = client.post(url, {"name": "Erna Meyer", "email": "erna@example.org"})
    assert response.status_code == 400 and "bereits angemeldet" in response.content.decode()
    response = client.post(url, {"name": "Otto", "phone": "0421 5555"})  # full, waiting list declined
    assert response.status_code == 400 and "Alle Plätze sind vergeben" in response.content.decode()
    assert Registration.objects.count() == 1

    [confirmation] = mail.outbox
    cancel_link = next(line for line in confirmation.body.splitlines() if "/abmelden/" in line).strip()
    cancel_path = cancel_link.split("127.0.0.1:8000")[-1]
    assert "Möchten Sie die Anmeldung" in client.get(cancel_path).content.decode()
    client.post(cancel_path)
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CANCELLED
    assert client.get(cancel_path[:-3] + "xx/").status_code == 404


def test_the_organiser_sees_participants_exports_them_and_registers_a_caller(client, musterstadt, carol, alice):
    objects = inclusion_world(musterstadt)
    RegistrationFactory(event_id=objects.event_id, name="=HYPERLINK(\"x\")", phone="0421 1", email="")
    base = f"/musterstadt/veranstaltungen/{objects.event_id}/teilnehmende/"
    client.force_login(alice)
    assert client.get(base).status_code == 403
    client.force_login(carol)
    page = client.get(base).content.decode()
    assert "teilnehmerin@example.org" in page
    csv = client.get(base.rstrip("/") + ".csv").content.decode("utf-8-sig")
    assert "teilnehmerin@example.org" in csv and "'=HYPERLINK" in csv
    response = client.post(base, {"name": "Herr Yilmaz", "phone": "0421 424242", "waiting_list": "on"})
    assert response.status_code == 302
    assisted = Registration.objects.get(name="Herr Yilmaz")
    assert assisted.assisted_by == carol
    assert AuditLogEntry.objects.filter(action=AuditLogEntry.Action.INCLUSION_ASSISTED_REGISTRATION,
                                        actor=carol).exists()
    assert "Herr Yilmaz" in client.get(base + "?druck=1").content.decode()
    response = client.post(f"{base}{assisted.pk}/abmelden/")
    assisted.refresh_from_db()
    assert assisted.status == Registration.Status.CANCELLED


def test_a_new_partner_is_proposed_approved_and_listed(client, musterstadt, alice, carol):
    client.force_login(alice)
    response = client.post("/musterstadt/treffpunkte/neu/", {
        "name": "Computerclub 60plus", "kind": "association", "street": "Am Hafen 2", "postcode": "12345",
        "city": "Musterstadt", "district": "Hafen", "offers": ["smartphone", "security"], "hearing_loop": "on",
        "phone": "0421 606060"})
    assert response.status_code == 302, response.content.decode()[:2000]
    partner = Partner.objects.get(name="Computerclub 60plus")
    assert partner.state == Partner.State.PENDING
    assert "Computerclub 60plus" not in client.get("/musterstadt/treffpunkte/").content.decode()
    client.force_login(carol)
    client.post("/musterstadt/verwaltung/treffpunkte/", {"partner": partner.pk, "decision": "approve"})
    partner.refresh_from_db()
    assert partner.is_approved
    client.logout()
    assert "Computerclub 60plus" in client.get("/musterstadt/treffpunkte/?hearing_loop=on").content.decode()
    assert "Computerclub 60plus" not in client.get("/musterstadt/treffpunkte/?step_free=on").content.decode()
    assert "Computerclub 60plus" in client.get("/musterstadt/treffpunkte/?offer=security").content.decode()


def test_the_weekly_programme_renders_as_a_pdf(client, musterstadt, partner):
    with time_machine.travel(datetime(2027, 5, 10, 8, 0, tzinfo=BERLIN), tick=False):
        EventFactory(partner=partner, title="Online-Banking sicher nutzen", category="online_banking",
                     starts_at=datetime(2027, 5, 12, 10, 0, tzinfo=BERLIN))
        response = client.get("/musterstadt/veranstaltungen/programm.pdf?woche=2027-05-12")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Online-Banking sicher nutzen" in text and "Treffpunkt Altstadt" in text


def test_a_pending_partner_is_hidden_from_others(client, musterstadt, alice):
    pending = PartnerFactory(municipality=musterstadt, state=Partner.State.PENDING, submitted_by=alice)
    assert client.get(f"/musterstadt/treffpunkte/{pending.slug}/").status_code == 404
    client.force_login(alice)
    assert client.get(f"/musterstadt/treffpunkte/{pending.slug}/").status_code == 200


def test_a_course_session_page_sends_people_to_the_course(client, musterstadt):
    objects = inclusion_world(musterstadt)
    session = Event.objects.filter(course_id=objects.course_id).first()
    page = client.get(f"/musterstadt/veranstaltungen/{session.pk}/").content.decode()
    assert f"/musterstadt/veranstaltungen/kurs/{objects.course_id}/" in page
    course_page = client.get(f"/musterstadt/veranstaltungen/kurs/{objects.course_id}/").content.decode()
    assert "für den ganzen Kurs anmelden" in course_page.lower() or "Für den ganzen Kurs anmelden" in course_page
    assert timedelta(0) is not None


def test_an_approved_partner_reaches_the_cached_directory_and_the_calendars_districts(client, musterstadt, alice,
                                                                                     carol, partner, settings):
    settings.PAGE_CACHE_SECONDS = 300
    pending = PartnerFactory(municipality=musterstadt, name="Computerclub 60plus", district="Hafen",
                             state=Partner.State.PENDING)
    for _ in range(2):
        directory = client.get("/musterstadt/treffpunkte/")
    assert directory["X-Page-Cache"] == "hit" and "Computerclub 60plus" not in directory.content.decode()
    client.force_login(alice)
    for _ in range(2):  # the districts of the filter are shared by everyone: the second from the cache
        assert '<option value="Hafen"' not in client.get("/musterstadt/veranstaltungen/").content.decode()
    client.force_login(carol)
    client.post("/musterstadt/verwaltung/treffpunkte/", {"partner": pending.pk, "decision": "approve"})
    client.force_login(alice)
    assert '<option value="Hafen"' in client.get("/musterstadt/veranstaltungen/").content.decode()
    client.logout()
    directory = client.get("/musterstadt/treffpunkte/")
    assert directory["X-Page-Cache"] == "miss" and "Computerclub 60plus" in directory.content.decode()


def test_the_publish_link_follows_an_approved_partner_and_a_partner_role_without_a_query_for_others(
        client, musterstadt, alice, carol, bob):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from kommune.core.models import Role
    from tests.factories import MembershipFactory, OrganisationFactory

    publish = "/musterstadt/veranstaltungen/neu/"

    def calendar(person) -> tuple[str, list[str]]:
        client.force_login(person)
        client.get("/musterstadt/veranstaltungen/")
        with CaptureQueriesContext(connection) as queries:
            html = client.get("/musterstadt/veranstaltungen/").content.decode()
        return html, [query["sql"] for query in queries.captured_queries]

    html, queries = calendar(alice)
    assert publish not in html and not [sql for sql in queries if "submitted_by_id" in sql]
    client.post("/musterstadt/treffpunkte/neu/", {
        "name": "Computerclub 60plus", "kind": "association", "street": "Am Hafen 2", "postcode": "12345",
        "city": "Musterstadt", "district": "Hafen", "offers": ["smartphone"], "phone": "0421 606060"})
    assert publish not in calendar(alice)[0]  # still pending
    client.force_login(carol)
    client.post("/musterstadt/verwaltung/treffpunkte/", {"partner": Partner.objects.get().pk, "decision": "approve"})
    assert publish in calendar(alice)[0]

    organisation = OrganisationFactory()
    PartnerFactory(municipality=musterstadt, name="Bücherhalle", organisation=organisation)
    assert publish not in calendar(bob)[0]
    MembershipFactory(user=bob, municipality=musterstadt, role=Role.PARTNER, organisation=organisation)
    assert publish in calendar(bob)[0]
