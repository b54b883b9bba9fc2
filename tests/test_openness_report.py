"""The annual open-government report: one click builds and publishes it (page, PDF, open data, audit), its charts
have text alternatives, its queries do not grow with the data, and a lab's report keeps members' results inside."""

import io
import re
import time
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pypdf import PdfReader

from kommune.core.models import AuditLogEntry, Role
from kommune.core.perspectives import Perspective
from kommune.core.records import record_set
from kommune.openness import services
from kommune.openness.models import Report
from tests.factories import LabFactory, MembershipFactory
from tests.factories_openness import answered_round, by_perspective, registered_indicator, uniform
from tests.factories_processes import published_process

pytestmark = pytest.mark.django_db


@pytest.fixture
def assessed(musterstadt, carol, bob, erin):
    answered_round(musterstadt, 2024, carol, {carol: uniform(2), bob: uniform(3), erin: uniform(2)})
    answered_round(musterstadt, 2025, carol, {carol: by_perspective({"open_data": 5}), bob: uniform(4),
                                              erin: uniform(3)})
    published_process(musterstadt, title="Radverkehrskonzept",
                      starts_at=timezone.make_aware(timezone.datetime(2025, 3, 1)), days=60)
    return musterstadt


def _pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_one_click_publishes_the_report_as_page_pdf_and_open_data(client, assessed, carol):
    client.force_login(carol)
    with registered_indicator(Perspective.OPEN_DATA):
        response = client.post("/musterstadt/verwaltung/offenheit/bericht/", {"report-year": "2025"})
    assert response.status_code == 302 and response["Location"] == "/musterstadt/offenheit/2025/"
    report = Report.objects.get(municipality=assessed, year=2025)
    assert report.content["processes"]["running"] == {"year": 1, "previous": 0}
    [tested] = [row for row in report.content["indicators"]["open_data"] if row["key"] == "openness_test.datasets"]
    assert tested["value"] == 35.0  # 10 + 25
    assert tested["previous"] == 34.0
    assert report.content["assessment"]["people"] == 3 and report.content["assessment"]["previous_year"] == 2024
    entry = AuditLogEntry.objects.get(action=AuditLogEntry.Action.OPENNESS_REPORT_PUBLISHED)
    assert entry.municipality == assessed and entry.actor == carol and entry.details["year"] == 2025

    client.logout()
    page = client.get("/musterstadt/offenheit/2025/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Open-Government-Bericht 2025: Musterstadt" in html and "Testdatensätze veröffentlicht" in html
    svgs = re.findall(r"<svg[^>]*>.*?</svg>", html, re.S)
    assert len(svgs) >= 2  # the radar and the indicator's bars
    for svg in svgs:
        ids = re.search(r'role="img" aria-labelledby="([^"]+) ([^"]+)"', svg)
        assert ids, svg[:200]
        assert f'<title id="{ids.group(1)}">' in svg and f'<desc id="{ids.group(2)}">' in svg
    # Other registered indicators have charts of their own; the test indicator's chart says its two values.
    assert any("openness-bars" in svg and "2024: 34; 2025: 35" in svg for svg in svgs)

    pdf = client.get("/musterstadt/offenheit/2025/bericht.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    content = b"".join(pdf.streaming_content)
    assert content.startswith(b"%PDF")
    text = _pdf_text(content)
    for heading in ("Open-Government-Bericht 2025", "Beteiligungsverfahren", "Selbstbewertung", "Transparenz",
                    "Offene digitale Technologien und Daten", "Offenheit als Organisationskultur"):
        assert heading in text, heading
    assert 'filename="og-bericht-2025.pdf"' in pdf["Content-Disposition"]

    listing = client.get("/musterstadt/offenheit/").content.decode()
    assert "/musterstadt/offenheit/2025/bericht.pdf" in listing
    assert "/musterstadt/offenheit/2025/" in client.get("/musterstadt/").content.decode()

    rows = list(record_set("openness_reports").rows(assessed))
    assert len(rows) == 1 and rows[0]["year"] == 2025 and rows[0]["self_open_data"] == pytest.approx(4.0)
    assert rows[0]["pdf_url"].endswith("/musterstadt/offenheit/2025/bericht.pdf")


def test_publishing_a_year_again_replaces_its_report(assessed, carol):
    first = services.do_publish_report(tenant=assessed, actor=carol, year=2025)
    second = services.do_publish_report(tenant=assessed, actor=carol, year=2025)
    assert first.pk == second.pk and Report.objects.filter(municipality=assessed).count() == 1
    assert second.pdf.name and second.pdf.storage.exists(second.pdf.name)


def test_a_bad_or_future_year_is_refused_in_german(client, musterstadt, carol):
    client.force_login(carol)
    for year in ("", "20x5", str(timezone.localdate().year + 1), "1990"):
        response = client.post("/musterstadt/verwaltung/offenheit/bericht/", {"report-year": year})
        assert response.status_code == 400 and 'id="error-summary"' in response.content.decode()
    assert not Report.objects.exists()


def test_the_reports_queries_do_not_grow_with_the_data(musterstadt, carol):
    def queries_for_report() -> int:
        with registered_indicator(), CaptureQueriesContext(connection) as captured:
            services.do_publish_report(tenant=musterstadt, actor=carol, year=2025)
        return len(captured)

    start = timezone.make_aware(timezone.datetime(2025, 2, 1))
    published_process(musterstadt, starts_at=start)
    queries_for_report()  # the first click creates the report, later ones rebuild it
    few = queries_for_report()
    for day in range(30):
        published_process(musterstadt, starts_at=start + timedelta(days=day))
    began = time.monotonic()
    assert queries_for_report() == few
    assert time.monotonic() - began < 60


def test_a_labs_report_counts_shared_members_but_publishes_none_of_their_results(client, musterstadt, anderstadt,
                                                                                   carol, dave, erin):
    lab = LabFactory(name="Labor Test", slug="labor-test")
    lab.municipalities.add(musterstadt, anderstadt)
    MembershipFactory(user=erin, lab=lab, municipality=None, role=Role.ADMIN)
    answered_round(musterstadt, 2025, carol, {carol: uniform(5)}, shared=True)
    answered_round(anderstadt, 2025, dave, {dave: uniform(1)}, shared=False)
    client.force_login(erin)
    response = client.post("/labs/labor-test/verwaltung/offenheit/bericht/", {"report-year": "2025"})
    assert response.status_code == 302
    html = client.get("/labs/labor-test/offenheit/2025/").content.decode()
    assert "1 von 2 Mitgliedskommunen" in html
    assert "Anderstadt" not in html.split("<main", 1)[1]
    assert client.get("/labs/labor-test/offenheit/2025/bericht.pdf").status_code == 200
    assert client.get("/labs/labor-test/offenheit/").status_code == 200
    # A lab's staff may not publish a municipality's report, nor a municipality's staff the lab's.
    client.force_login(carol)
    assert client.post("/labs/labor-test/verwaltung/offenheit/bericht/", {"report-year": "2025"}).status_code == 403


def test_a_report_of_another_tenant_is_not_found(client, assessed, carol, anderstadt):
    services.do_publish_report(tenant=assessed, actor=carol, year=2025)
    assert client.get("/anderstadt/offenheit/2025/").status_code == 404
    assert client.get("/anderstadt/offenheit/2025/bericht.pdf").status_code == 404
    assert client.get("/musterstadt/offenheit/2024/").status_code == 404
