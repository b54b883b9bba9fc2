"""Issue reports (kommune/reports): the journeys of residents and staff, the rules of the services, the
notifications, overdue reports, privacy, open data, the REST API and the query counts of the lists."""

import io
import re
from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from kommune.core.notifications.followables import content_type_id, target_key
from kommune.core.notifications.models import Follow, Notification
from kommune.core.notifications.selectors import FOLLOWS
from kommune.core.photos import clean_photo
from kommune.core.privacy import export_sections, run_anonymisers
from kommune.core.records import record_set
from kommune.reports import records, selectors, services
from kommune.reports.forms import sign_pending
from kommune.reports.models import PendingPhoto, Report, ReportSettings
from tests.factories_api import ApiClient, api_token
from tests.factories_reports import DepartmentFactory, IssueReportFactory, ServiceFactory, lamp_service

LAT, LNG = Decimal("51.961850"), Decimal("7.624310")


def jpeg(*, gps: bool = True, size=(60, 40)) -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "Kamerahersteller"
    exif[0x013B] = "Anna Beispiel"  # the artist tag: a name in the file
    if gps:
        exif[0x8825] = {1: "N", 2: (51.0, 57.0, 42.66), 3: "E", 4: (7.0, 37.0, 27.5)}
    buffer = io.BytesIO()
    Image.new("RGB", size, "orange").save(buffer, format="JPEG", exif=exif)
    return buffer.getvalue()


def upload(data: bytes, name: str = "foto.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="image/jpeg")


def create(municipality, service, **fields) -> Report:
    values = {"description": "Die Laterne ist dunkel.", "latitude": LAT, "longitude": LNG,
              "attributes": {"zustand": "dunkel"}}
    values.update(fields)
    return services.do_create_report(municipality=municipality, service=service, **values)


# --- Photos ------------------------------------------------------------------------------------------------------


def test_a_photo_loses_every_metadata_and_offers_its_gps_point():
    photo = clean_photo(upload(jpeg()))
    assert photo.latitude == Decimal("51.961850") and photo.longitude == Decimal("7.624306")
    data = photo.file.read()
    assert b"Kamerahersteller" not in data and b"Anna Beispiel" not in data
    stored = Image.open(io.BytesIO(data))
    assert stored.format == "JPEG" and not stored.getexif() and "icc_profile" not in stored.info


def test_a_photo_without_gps_has_no_point_and_a_large_one_is_scaled_down():
    photo = clean_photo(upload(jpeg(gps=False, size=(3000, 2000))))
    assert photo.latitude is None
    assert max(Image.open(photo.file).size) == 1600


@pytest.mark.parametrize(("data", "code"), [(b"GIF89a nonsense", "invalid"), (b"<svg onload=x>", "invalid"),
                                            (b"\xff\xd8\xff" + b"0" * 100, "invalid")])
def test_what_is_not_a_photo_is_refused(data, code):
    with pytest.raises(ValidationError) as refused:
        clean_photo(upload(data))
    assert refused.value.code == code


def test_an_oversized_photo_is_refused_before_decoding():
    big = SimpleUploadedFile("gross.jpg", b"\xff" * (10 * 1024 * 1024 + 1), content_type="image/jpeg")
    with pytest.raises(ValidationError) as refused:
        clean_photo(big)
    assert refused.value.code == "too_large"


# --- Services ----------------------------------------------------------------------------------------------------


def test_a_report_needs_a_place_a_description_and_the_required_answers(musterstadt, alice):
    service = lamp_service(musterstadt)
    with pytest.raises(ValidationError):
        create(musterstadt, service, latitude=None, longitude=None, address="", reporter=alice)
    with pytest.raises(ValidationError):
        create(musterstadt, service, description="   ", reporter=alice)
    with pytest.raises(ValidationError):
        create(musterstadt, service, attributes={}, reporter=alice)
    with pytest.raises(ValidationError):
        create(musterstadt, service, attributes={"zustand": "explodiert"}, reporter=alice)
    with pytest.raises(ValidationError):
        create(musterstadt, service, latitude="91", longitude="7")
    assert not Report.objects.exists()
    report = create(musterstadt, service, latitude=None, longitude=None, address="Marktstraße 3", reporter=alice)
    assert report.status == Report.Status.OPEN and report.address == "Marktstraße 3"


def test_a_service_of_another_municipality_is_refused(musterstadt, anderstadt, alice):
    with pytest.raises(ValidationError):
        create(musterstadt, ServiceFactory(municipality=anderstadt), attributes={}, reporter=alice)


def test_the_reporter_follows_and_hears_about_each_status_change(musterstadt, alice, carol):
    report = create(musterstadt, lamp_service(musterstadt), reporter=alice, actor=alice)
    assert Follow.objects.filter(user=alice, object_id=report.pk).exists()
    services.do_change_status(report=report, actor=carol, status=Report.Status.IN_PROGRESS, note="Beauftragt.")
    with pytest.raises(ValidationError):
        services.do_change_status(report=report, actor=carol, status=Report.Status.CLOSED, note="")
    services.do_change_status(report=report, actor=carol, status=Report.Status.CLOSED, note="Repariert.")
    verbs = list(Notification.objects.filter(user=alice).values_list("activity__verb", flat=True))
    assert verbs.count("issue_report.status_changed") == 2
    report.refresh_from_db()
    assert report.closed_at and report.answered_at and report.status_note == "Repariert."


def test_only_staff_of_the_municipality_change_a_report(musterstadt, alice, dave):
    report = create(musterstadt, lamp_service(musterstadt), reporter=alice)
    for person in (alice, dave):
        with pytest.raises(PermissionDenied):
            services.do_change_status(report=report, actor=person, status=Report.Status.CLOSED, note="x")


def test_merging_closes_the_duplicate_and_moves_its_followers(musterstadt, alice, bob, carol):
    service = lamp_service(musterstadt)
    original = create(musterstadt, service, reporter=bob)
    duplicate = create(musterstadt, service, reporter=alice)
    assert original.pk not in FOLLOWS.get(alice.pk).get(content_type_id(original), ())  # kept in the cache now
    services.do_merge_report(report=duplicate, actor=carol, into=original)
    assert original.pk in FOLLOWS.get(alice.pk)[content_type_id(original)]  # her follow button knows it
    duplicate.refresh_from_db()
    assert duplicate.status == Report.Status.CLOSED and duplicate.duplicate_of == original
    assert str(original.pk) in duplicate.status_note
    assert Follow.objects.filter(user=alice, object_id=original.pk).exists()
    with pytest.raises(ValidationError):
        services.do_merge_report(report=original, actor=carol, into=duplicate)  # into itself, through the chain
    assert Notification.objects.filter(user=alice, activity__verb="issue_report.merged").exists()


def test_routing_to_a_department_of_another_municipality_is_refused(musterstadt, anderstadt, carol):
    report = create(musterstadt, lamp_service(musterstadt))
    with pytest.raises(ValidationError):
        services.do_route_report(report=report, actor=carol, department=DepartmentFactory(municipality=anderstadt))
    department = DepartmentFactory(municipality=musterstadt, name="Tiefbauamt")
    services.do_route_report(report=report, actor=carol, department=department)
    assert Report.objects.get(pk=report.pk).department == department


def test_nearby_open_reports_of_the_same_service_are_found(musterstadt):
    service = lamp_service(musterstadt)
    near = IssueReportFactory(service=service, latitude=Decimal("51.961900"), longitude=Decimal("7.624300"))
    IssueReportFactory(service=service, latitude=Decimal("51.970000"), longitude=LNG)  # about 900 m away
    IssueReportFactory(service=service, latitude=LAT, longitude=LNG, status=Report.Status.CLOSED)
    IssueReportFactory(service=ServiceFactory(municipality=musterstadt), latitude=LAT, longitude=LNG)
    found = selectors.nearby_open_reports(musterstadt, service=service, latitude=LAT, longitude=LNG, radius=50)
    assert found == [near]


def test_reports_without_an_answer_are_flagged_once_and_staff_are_told(musterstadt, alice, carol):
    service = lamp_service(musterstadt)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        waiting = create(musterstadt, service, reporter=alice)
        answered = create(musterstadt, service, reporter=alice, latitude=None, longitude=None, address="Am Markt")
        services.do_change_status(report=answered, actor=carol, status=Report.Status.IN_PROGRESS, note="Läuft.")
    with time_machine.travel(start + timedelta(days=4), tick=False):
        assert services.flag_overdue_reports() == 0
    with time_machine.travel(start + timedelta(days=6), tick=False):
        assert selectors.overdue_count(musterstadt) == 1
        assert services.flag_overdue_reports() == 1
        assert services.flag_overdue_reports() == 0
    assert Report.objects.get(pk=waiting.pk).overdue_flagged_at is not None
    notice = Notification.objects.get(user=carol, verb="issue_report.overdue")
    assert "?overdue=on" in notice.url and not Notification.objects.filter(user=alice, verb="issue_report.overdue")


def test_the_municipality_sets_its_own_time_for_an_answer(musterstadt, alice):
    ReportSettings.objects.create(municipality=musterstadt, answer_days=10)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        create(musterstadt, lamp_service(musterstadt), reporter=alice)
    with time_machine.travel(start + timedelta(days=6), tick=False):
        assert services.flag_overdue_reports() == 0
    with time_machine.travel(start + timedelta(days=11), tick=False):
        assert services.flag_overdue_reports() == 1


def test_an_assisted_report_needs_staff_and_is_audited(musterstadt, alice, carol):
    from kommune.core.models import AuditLogEntry

    service = lamp_service(musterstadt)
    with pytest.raises(PermissionDenied):
        create(musterstadt, service, actor=alice, source=Report.Source.ASSISTED)
    report = create(musterstadt, service, actor=carol, source=Report.Source.ASSISTED, contact_name="Herr Meier",
                    contact_phone="0251 1")
    assert report.source == "assisted"
    assert AuditLogEntry.objects.filter(action="report_entered", actor=carol, details__report=report.pk).exists()


def test_api_keys_are_stored_hashed_and_can_be_revoked(musterstadt, carol, alice):
    with pytest.raises(PermissionDenied):
        services.do_create_api_key(municipality=musterstadt, actor=alice, name="App")
    key, raw = services.do_create_api_key(municipality=musterstadt, actor=carol, name="App")
    assert raw not in key.key_hash and selectors.api_key_for(musterstadt, raw) == key
    services.do_revoke_api_key(key=key, actor=carol)
    assert selectors.api_key_for(musterstadt, raw) is None


# --- Privacy and open data ---------------------------------------------------------------------------------------


def test_the_export_has_the_reports_and_deletion_leaves_no_trace_of_the_person(musterstadt, alice):
    report = create(musterstadt, lamp_service(musterstadt), reporter=alice, contact_email="alice@example.org")
    exported = export_sections(alice)["issue_reports"]
    assert exported[0]["description"] == "Die Laterne ist dunkel." and exported[0]["contact_email"]
    run_anonymisers(alice)
    report.refresh_from_db()
    assert report.reporter is None and report.contact_email == "" and report.description


def test_the_open_data_rows_carry_no_personal_data(musterstadt, alice):
    create(musterstadt, lamp_service(musterstadt), reporter=alice, contact_name="Alice A.",
           contact_email="alice@example.org", contact_phone="0251 99")
    rows = list(records.rows(musterstadt))
    assert len(rows) == 1 and set(rows[0]) == {column.name for column in records.COLUMNS}
    text = repr(rows)
    assert "alice" not in text.lower() and "0251" not in text
    assert record_set("issue_reports") is not None


# --- Pages -------------------------------------------------------------------------------------------------------


def _create_url(municipality, service) -> str:
    return reverse("reports:create", kwargs={"municipality_slug": municipality.slug, "service_code": service.code})


def test_reporting_on_the_web_keeps_the_photo_and_suggests_its_point(client, musterstadt, alice):
    service = lamp_service(musterstadt)
    client.force_login(alice)
    choose = client.get(reverse("reports:choose", kwargs={"municipality_slug": "musterstadt"}))
    assert service.name in choose.content.decode()
    url = _create_url(musterstadt, service)
    assert client.get(url).status_code == 200
    data = {"description": "Laterne dunkel", "zustand": "", "attr_zustand": "dunkel", "photo": upload(jpeg())}
    suggested = client.post(url, data)
    assert suggested.status_code == 200 and not Report.objects.exists()
    assert 'value="51.961850"' in suggested.content.decode()
    pending = PendingPhoto.objects.get(user=alice)
    sent = client.post(url, {"description": "Laterne dunkel", "attr_zustand": "dunkel", "latitude": "51.961850",
                             "longitude": "7.624306", "pending_photo": sign_pending(pending.pk)})
    report = Report.objects.get()
    assert sent.status_code == 302 and sent["Location"] == report.get_absolute_url()
    assert report.photo and not PendingPhoto.objects.exists()
    photo = client.get(reverse("reports:photo", kwargs={"municipality_slug": "musterstadt", "issue_id": report.pk}))
    assert b"Kamerahersteller" not in b"".join(photo.streaming_content)
    client.logout()
    page = client.get(report.get_absolute_url()).content.decode()
    assert "Laterne dunkel" in page and "alice" not in page.lower()


def test_a_pending_photo_of_someone_else_is_not_taken(client, musterstadt, alice, bob):
    service = lamp_service(musterstadt)
    pending = PendingPhoto.objects.create(municipality=musterstadt, user=bob, file=upload(jpeg()))
    client.force_login(alice)
    client.post(_create_url(musterstadt, service), {"description": "x", "attr_zustand": "dunkel",
                                                     "address": "Markt", "pending_photo": sign_pending(pending.pk)})
    assert not Report.objects.get().photo


def test_a_report_near_an_open_one_offers_to_follow_it_instead(client, musterstadt, alice, bob):
    service = lamp_service(musterstadt)
    existing = create(musterstadt, service, reporter=bob)
    client.force_login(alice)
    url = _create_url(musterstadt, service)
    data = {"description": "Auch dunkel", "attr_zustand": "dunkel", "latitude": "51.961860", "longitude": "7.624320"}
    offered = client.post(url, data)
    page = offered.content.decode()
    assert offered.status_code == 200 and existing.get_absolute_url() in page
    assert Report.objects.count() == 1
    # "This is the same": the person follows the existing report and nothing new is created.
    followed = client.post(reverse("notifications:follow"), {"target": target_key(existing),
                                                             "action": "follow", "next": existing.get_absolute_url()})
    assert followed.status_code == 302 and Follow.objects.filter(user=alice, object_id=existing.pk).exists()
    assert Report.objects.count() == 1
    # "None of these": sent as a new one.
    sent = client.post(url, {**data, "confirm_new": "True"})
    assert sent.status_code == 302 and Report.objects.count() == 2


def test_staff_change_route_and_merge_on_the_management_page(client, musterstadt, alice, carol):
    service = lamp_service(musterstadt)
    department = DepartmentFactory(municipality=musterstadt, name="Tiefbauamt")
    report = create(musterstadt, service, reporter=alice)
    other = create(musterstadt, service)
    client.force_login(carol)
    url = reverse("reports:manage_report", kwargs={"municipality_slug": "musterstadt", "issue_id": report.pk})
    refused = client.post(url, {"action": "status", "status-status": "closed", "status-note": ""})
    assert refused.status_code == 400 and Report.objects.get(pk=report.pk).status == "open"
    assert client.post(url, {"action": "status", "status-status": "in_progress",
                             "status-note": "Beauftragt"}).status_code == 302
    assert client.post(url, {"action": "route", "route-department": department.pk}).status_code == 302
    other_url = reverse("reports:manage_report", kwargs={"municipality_slug": "musterstadt", "issue_id": other.pk})
    assert client.post(other_url, {"action": "merge", "merge-into": report.pk, "merge-note": ""}).status_code == 302
    report.refresh_from_db()
    other.refresh_from_db()
    assert report.status == "in_progress" and report.department == department and other.duplicate_of == report
    overview = client.get(reverse("reports:manage", kwargs={"municipality_slug": "musterstadt"}) + "?overdue=on")
    assert overview.status_code == 200


def test_staff_create_a_key_that_is_shown_once(client, musterstadt, carol):
    client.force_login(carol)
    url = reverse("reports:manage_keys", kwargs={"municipality_slug": "musterstadt"})
    response = client.post(url, {"name": "Bürger-App"})
    raw = re.search(r"o311_[-\w]+", response.content.decode()).group(0)
    assert raw.startswith("o311_") and raw in response.content.decode()
    assert raw not in client.get(url).content.decode()


# --- REST API ----------------------------------------------------------------------------------------------------


def test_the_api_lists_reads_and_writes_reports_without_personal_data(musterstadt, alice):
    service = lamp_service(musterstadt)
    create(musterstadt, service, reporter=alice, contact_email="alice@example.org")
    listed = ApiClient().get("municipalities/musterstadt/reports")
    assert listed.status_code == 200 and len(listed.json()["items"]) == 1
    assert "alice" not in listed.content.decode().lower()
    client = ApiClient(api_token(alice))
    created = client.post("municipalities/musterstadt/reports", {
        "service": service.code, "description": "Schon wieder dunkel.", "address": "Markt 1",
        "attributes": {"zustand": "dunkel"}})
    assert created.status_code == 201, created.content
    report = Report.objects.get(pk=created.json()["id"])
    assert report.source == "api" and report.reporter == alice
    refused = client.post("municipalities/musterstadt/reports", {"service": service.code, "description": "x"})
    assert refused.status_code in (400, 422) and Report.objects.count() == 2
    categories = ApiClient().get("municipalities/musterstadt/report-categories").json()
    assert [c["code"] for c in categories] == [service.code]


# --- Query counts ------------------------------------------------------------------------------------------------


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_lists_cost_the_same_number_of_queries_for_few_and_many_reports(client, musterstadt, carol):
    service = lamp_service(musterstadt)
    department = DepartmentFactory(municipality=musterstadt)
    IssueReportFactory.create_batch(3, service=service, department=department)
    client.force_login(carol)
    urls = [reverse("reports:list", kwargs={"municipality_slug": "musterstadt"}),
            reverse("reports:manage", kwargs={"municipality_slug": "musterstadt"}),
            reverse("open311:requests_json") + "?jurisdiction_id=musterstadt",
            reverse("open311:requests_xml") + "?jurisdiction_id=musterstadt"]
    client.get(urls[0])  # the header's unread count, kept in the cache from then on
    few = [_queries(client, url) for url in urls]
    IssueReportFactory.create_batch(40, service=ServiceFactory(municipality=musterstadt), department=department)
    many = [_queries(client, url) for url in urls]
    assert few == many


# --- Search ------------------------------------------------------------------------------------------------------


def test_a_report_is_found_by_its_words_and_its_public_note_but_not_by_its_reporter(musterstadt, alice, carol):
    from kommune.core.search.selectors import search

    report = create(musterstadt, lamp_service(musterstadt), description="Die Laterne am Schwanenteich ist dunkel.",
                    reporter=alice, contact_name="Alicia Sonderbar")
    services.do_change_status(report=report, actor=carol, status=Report.Status.CLOSED, note="Leuchtmittel getauscht.")
    found = search(query="Schwanenteich", municipality=musterstadt, kinds=["report"])
    assert [r.document.object_id for r in found.results] == [report.pk]
    assert search(query="Leuchtmittel", municipality=musterstadt, kinds=["report"]).total == 1
    assert search(query="Sonderbar", municipality=musterstadt).total == 0
