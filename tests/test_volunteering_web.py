"""The volunteer projects' pages, exports, PDF, API, search, follows, person page and open data."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from kommune.accounts.services import do_update_profile
from kommune.core.models import AuditLogEntry
from kommune.core.notifications.models import Notification
from kommune.core.notifications.services import do_follow
from kommune.volunteering import records, services, tokens
from kommune.volunteering.models import Project, Shift, SignUp
from tests.factories_api import api_token
from tests.factories_volunteering import ShiftFactory, SignUpFactory, VolunteerProjectFactory


def url(name: str, municipality, **kwargs) -> str:
    return reverse(f"volunteering:{name}", kwargs={"municipality_slug": municipality.slug, **kwargs})


@pytest.fixture
def project(musterstadt):
    return VolunteerProjectFactory(municipality=musterstadt, title="Gemeinschaftsgarten Südpark")


def test_the_list_filters_by_skill_district_and_date_and_works_without_javascript(client, musterstadt, project):
    soon = ShiftFactory(project=project, title="Beete anlegen", skills=",gardening,", district="Südpark",
                        latitude="51.95", longitude="7.62")
    ShiftFactory(project=project, title="Bänke bauen", skills=",crafts,", district="Altstadt",
                 starts_at=timezone.now() + timedelta(days=20))
    ShiftFactory(project=project, title="Gießdienst", starts_at=None, ends_at=None, skills="")
    ShiftFactory(project=project, title="Vorbei", starts_at=timezone.now() - timedelta(days=1))
    page = client.get(url("list", musterstadt)).content.decode()
    assert "Beete anlegen" in page and "Bänke bauen" in page and "Gießdienst" in page and "Vorbei" not in page
    assert 'data-geojson="' in page and soon.get_absolute_url() in page  # the map and the list with the same shift
    gardening = client.get(url("list", musterstadt), {"skill": "gardening"}).content.decode()
    assert "Beete anlegen" in gardening and "Bänke bauen" not in gardening
    altstadt = client.get(url("list", musterstadt), {"district": "Altstadt"}).content.decode()
    assert "Bänke bauen" in altstadt and "Beete anlegen" not in altstadt
    day = (timezone.localdate() + timedelta(days=10)).isoformat()
    later = client.get(url("list", musterstadt), {"date_from": day}).content.decode()
    assert "Bänke bauen" in later and "Beete anlegen" not in later and "Gießdienst" in later
    bad = client.get(url("list", musterstadt), {"date_from": "kaputt", "skill": "jonglieren"})
    assert bad.status_code == 400 and "Beete anlegen" in bad.content.decode()
    assert client.get(url("list", musterstadt), {"seite": "99"}).status_code == 404


def test_signing_up_needs_a_login_and_a_full_shift_says_so(client, musterstadt, project, alice, bob):
    shift = ShiftFactory(project=project, capacity=1)
    anonymous = client.post(url("sign_up", musterstadt, shift_id=shift.pk))
    assert anonymous.status_code == 302 and "/konto/anmelden/" in anonymous["Location"]
    client.force_login(alice)
    response = client.post(url("sign_up", musterstadt, shift_id=shift.pk), {"phone": "0251 123456"}, follow=True)
    assert "Sie sind für diese Schicht eingetragen" in response.content.decode()
    again = client.post(url("sign_up", musterstadt, shift_id=shift.pk), {"phone": ""})
    assert again.status_code == 400 and "bereits eingetragen" in again.content.decode()
    client.force_login(bob)
    page = client.get(shift.get_absolute_url()).content.decode()
    assert "Diese Schicht ist voll" in page and 'action="' + url("sign_up", musterstadt, shift_id=shift.pk) not in page
    full = client.post(url("sign_up", musterstadt, shift_id=shift.pk))
    assert full.status_code == 400 and "Diese Schicht ist voll" in full.content.decode()
    assert SignUp.objects.count() == 1


def test_cancelling_by_the_signed_link(client, musterstadt, anderstadt, project, alice):
    shift = ShiftFactory(project=project)
    row = services.do_sign_up(shift=shift, user=alice)
    link = url("cancel", musterstadt, token=tokens.cancel_token(row))
    assert link in mail.outbox[-1].body
    assert "Möchten Sie die Anmeldung" in client.get(link).content.decode()
    client.post(link)
    row.refresh_from_db()
    shift.refresh_from_db()
    assert row.status == "cancelled" and shift.signed_up_count == 0
    assert "bereits storniert" in client.post(link, follow=True).content.decode()
    assert client.get(url("cancel", musterstadt, token="kaputt")).status_code == 404
    assert client.get(url("cancel", anderstadt, token=tokens.cancel_token(row))).status_code == 404


def test_the_organiser_list_exports_prints_enters_a_caller_and_confirms_attendance(client, musterstadt, project,
                                                                                    carol, alice):
    shift = ShiftFactory(project=project, title="Beete anlegen", capacity=3)
    services.do_sign_up(shift=shift, user=alice, phone="0251 123456")
    client.force_login(alice)
    assert client.get(url("roster", musterstadt, shift_id=shift.pk)).status_code == 403
    assert client.get(url("roster_csv", musterstadt, shift_id=shift.pk)).status_code == 403
    client.force_login(carol)
    roster = url("roster", musterstadt, shift_id=shift.pk)
    assert "alice@example.org" in client.get(roster).content.decode()
    response = client.post(roster, {"name": "Renate Hoffmann", "phone": "0251 445501", "email": ""}, follow=True)
    assert "Renate Hoffmann ist eingetragen" in response.content.decode()
    assert SignUp.objects.get(name="Renate Hoffmann").assisted_by == carol
    assert client.post(roster, {"name": "", "phone": ""}).status_code == 400
    client.post(roster, {"name": "=1+2", "phone": "0251 999999", "email": ""})
    csv = client.get(url("roster_csv", musterstadt, shift_id=shift.pk))
    text = csv.content.decode("utf-8-sig")
    assert "Renate Hoffmann" in text and "'=1+2" in text and csv["Content-Type"].startswith("text/csv")
    xlsx = client.get(url("roster_xlsx", musterstadt, shift_id=shift.pk))
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["Alice", "Renate Hoffmann", "=1+2"]
    printed = client.get(roster + "?druck=1").content.decode()
    assert "Unterschrift" in printed and "Eine Person eintragen" not in printed

    renate = SignUp.objects.get(name="Renate Hoffmann")
    client.post(url("roster_cancel", musterstadt, shift_id=shift.pk, sign_up_id=renate.pk))
    assert AuditLogEntry.objects.filter(action=AuditLogEntry.Action.VOLUNTEER_ASSISTED_CANCELLATION).exists()

    Shift.objects.filter(pk=shift.pk).update(starts_at=timezone.now() - timedelta(hours=5),
                                             ends_at=timezone.now() - timedelta(hours=2))
    own = SignUp.objects.get(user=alice)
    attendance = url("attendance", musterstadt, shift_id=shift.pk, sign_up_id=own.pk)
    assert "24" in client.post(attendance, {"attended": "yes", "hours": "99"}, follow=True).content.decode()
    own = SignUp.objects.get(user=alice)
    assert own.hours is None and own.attendance == "open"
    client.post(attendance, {"attended": "yes", "hours": "2,5"})
    own.refresh_from_db()
    assert own.hours == Decimal("2.50") and own.attendance == "attended"


def test_my_volunteering_the_person_page_setting_and_the_pdf(client, musterstadt, project, alice, erin):
    past = ShiftFactory(project=project, starts_at=timezone.now() - timedelta(days=3), signed_up_count=1)
    SignUpFactory(shift=past, user=alice, name="Alice", hours=Decimal("3"), attendance="attended")
    do_update_profile(user=alice, display_name="Alice", real_name="", language="de", public_profile=True)
    person_page = reverse("people:person", kwargs={"municipality_slug": musterstadt.slug, "user_id": alice.pk})
    assert "Gemeinschaftsgarten Südpark" not in client.get(person_page).content.decode()  # not allowed yet

    assert client.get(url("mine", musterstadt)).status_code == 302
    client.force_login(alice)
    mine = client.get(url("mine", musterstadt)).content.decode()
    assert "3 Stunden insgesamt" in mine and "Gemeinschaftsgarten Südpark" in mine
    client.post(url("mine", musterstadt), {"show_on_profile": "on"})
    client.logout()
    shown = client.get(person_page).content.decode()
    assert "Gemeinschaftsgarten Südpark: 3 Stunden in 1 Schicht" in shown

    client.force_login(alice)
    pdf = client.get(url("certificate", musterstadt))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    client.force_login(erin)
    assert client.get(url("certificate", musterstadt)).status_code == 200  # erin's own, empty confirmation


def test_publishing_a_project_and_a_shift_through_the_pages(client, musterstadt, carol, alice):
    client.force_login(alice)
    assert client.get(url("project_create", musterstadt)).status_code == 403
    client.force_login(carol)
    response = client.post(url("project_create", musterstadt), {
        "title": "Lesepaten", "summary": "Vorlesen in der Bibliothek.", "publisher": "municipality"})
    project = Project.objects.get()
    assert response["Location"] == url("shift_create", musterstadt, volunteer_project_id=project.pk)
    day = (timezone.localdate() + timedelta(days=7)).isoformat()
    response = client.post(url("shift_create", musterstadt, volunteer_project_id=project.pk), {
        "title": "Einführungsabend", "day": day, "starts": "18:00", "ends": "20:00", "place_name": "Bibliothek",
        "capacity": "15", "accessibility": "suitable", "skills": ["teaching", "languages"],
        "latitude": "51,96", "longitude": "7,63"})
    assert response.status_code == 302, response.content.decode()[:3000]
    shift = Shift.objects.get()
    assert shift.skill_list == ["teaching", "languages"] and shift.hours() == Decimal("2.00")
    bad = client.post(url("shift_create", musterstadt, volunteer_project_id=project.pk), {
        "title": "Zu früh", "day": "2000-01-01", "starts": "10:00", "place_name": "X", "capacity": "2",
        "accessibility": "suitable"})
    assert bad.status_code == 400 and Shift.objects.count() == 1
    assert client.get(url("organise", musterstadt)).status_code == 200


def test_api_reads_and_the_persons_own_sign_up_and_cancellation(client, musterstadt, project, alice, bob):
    shift = ShiftFactory(project=project, capacity=1, skills=",gardening,")
    base = "/api/v1/municipalities/musterstadt/volunteering"
    projects = client.get(base + "/projects").json()
    assert [item["id"] for item in projects["items"]] == [project.pk]
    detail = client.get(f"{base}/projects/{project.pk}").json()
    assert detail["shifts"][0]["people_needed"] == 1 and detail["shifts"][0]["skills"] == ["gardening"]
    assert [item["id"] for item in client.get(base + "/shifts?skill=gardening").json()["items"]] == [shift.pk]
    assert client.get(base + "/shifts?skill=crafts").json()["items"] == []
    assert client.get(f"{base}/shifts/{shift.pk}").json()["free_places"] == 1

    secret = api_token(alice)
    auth = {"Authorization": f"Bearer {secret}"}
    assert client.post(f"{base}/shifts/{shift.pk}/sign-ups", {}, content_type="application/json").status_code == 401
    created = client.post(f"{base}/shifts/{shift.pk}/sign-ups", {"phone": "0251 123456"},
                          content_type="application/json", headers=auth)
    assert created.status_code == 201 and created.json()["status"] == "confirmed"
    twice = client.post(f"{base}/shifts/{shift.pk}/sign-ups", {}, content_type="application/json", headers=auth)
    assert twice.status_code == 422
    full = client.post(f"{base}/shifts/{shift.pk}/sign-ups", {}, content_type="application/json",
                       headers={"Authorization": f"Bearer {api_token(bob)}"})
    assert full.status_code == 422 and full.json()["error"]["code"] == "full"
    sign_up_id = created.json()["id"]
    assert client.post(f"{base}/sign-ups/{sign_up_id}/cancel", headers={
        "Authorization": f"Bearer {api_token(bob)}"}).status_code == 404
    mine = client.get(base + "/sign-ups", headers=auth).json()
    assert [item["id"] for item in mine["items"]] == [sign_up_id]
    cancelled = client.post(f"{base}/sign-ups/{sign_up_id}/cancel", headers=auth)
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert SignUp.objects.get().status == "cancelled"


def test_searchable_followable_and_open_data_without_names(client, musterstadt, carol, alice):
    project = services.do_create_project(actor=carol, municipality=musterstadt, data={
        "title": "Gemeinschaftsgarten Südpark", "summary": "Ein Garten für alle."})
    do_follow(user=alice, target=project)
    begin = timezone.now() + timedelta(days=4)
    shift = services.do_add_shift(actor=carol, project=project, skills=["gardening"], data={
        "title": "Kompost verteilen", "starts_at": begin, "ends_at": begin + timedelta(hours=2),
        "place_name": "Garten", "capacity": 4, "accessibility": "partly"})
    assert Notification.objects.filter(user=alice).exists()  # the followers hear of the new shift

    search = reverse("search:municipality_search", kwargs={"municipality_slug": musterstadt.slug})
    found = client.get(search, {"q": "Kompost"})
    assert "Gemeinschaftsgarten Südpark" in found.content.decode()

    services.do_sign_up(shift=shift, user=alice)
    services.do_sign_up(shift=shift, assisted_by=carol, name="Renate Hoffmann", phone="0251 445501")
    [project_row] = list(records.project_rows(musterstadt))
    assert (project_row["shifts"], project_row["people_needed"], project_row["signed_up"]) == (1, 4, 2)
    [shift_row] = list(records.shift_rows(musterstadt))
    assert shift_row["signed_up"] == 2 and shift_row["skills"] == "gardening" and shift_row["hours"] == 0
    text = repr(project_row) + repr(shift_row)
    assert "Alice" not in text and "Renate" not in text and "0251" not in text
    from kommune.core.records import record_set

    for key in ("volunteer_projects", "volunteer_shifts"):
        # Short file names: the key names the files; with the longest demo slug the stored path stays far below
        # the 100 characters of the file field.
        assert record_set(key) is not None and len(f"{key}-datapackage.json") < 40
        assert len(f"opendata/landkreis-beispielkreis-{key}-datapackage.json") < 90


def test_a_foreign_municipalitys_objects_are_404(client, musterstadt, anderstadt, project, dave):
    shift = ShiftFactory(project=project)
    assert client.get(url("project", anderstadt, volunteer_project_id=project.pk)).status_code == 404
    assert client.get(url("shift", anderstadt, shift_id=shift.pk)).status_code == 404
    client.force_login(dave)
    assert client.get(url("roster", anderstadt, shift_id=shift.pk)).status_code == 404
    assert client.get(url("roster", musterstadt, shift_id=shift.pk)).status_code == 403


def test_a_new_shift_reaches_the_cached_list_and_its_district_filter(client, musterstadt, project, carol, alice,
                                                                        settings):
    settings.PAGE_CACHE_SECONDS = 300
    ShiftFactory(project=project, title="Beete anlegen", district="Altstadt")
    client.force_login(alice)
    for _ in range(2):  # the second from the cache: the listing and the districts are shared by everyone
        assert '<option value="Hafen"' not in client.get(url("list", musterstadt)).content.decode()
    assert client.logout() is None and client.get(url("list", musterstadt))["X-Page-Cache"] == "miss"
    assert client.get(url("list", musterstadt))["X-Page-Cache"] == "hit"
    services.do_add_shift(actor=carol, project=project, skills=[], data={
        "title": "Steg streichen", "starts_at": timezone.now() + timedelta(days=5), "place_name": "Hafen",
        "district": "Hafen", "capacity": 2})
    anonymous = client.get(url("list", musterstadt))
    assert anonymous["X-Page-Cache"] == "miss" and "Steg streichen" in anonymous.content.decode()
    client.force_login(alice)
    page = client.get(url("list", musterstadt)).content.decode()
    assert "Steg streichen" in page and '<option value="Hafen"' in page
