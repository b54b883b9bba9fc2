"""The REST API of the openness app: the public annual reports (list, one with its figures and PDF), the team's
self-assessment with the consent rules of the web pages, the reports in the site search, and constant query
counts."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kommune.core.models import Role
from kommune.core.perspectives import Perspective
from kommune.core.search.models import SearchDocument
from kommune.core.search.selectors import search
from kommune.openness import services
from kommune.openness.models import Report
from tests.factories import LabFactory, MembershipFactory, MunicipalityFactory, UserFactory
from tests.factories_api import ApiClient, api_token, error_of
from tests.factories_openness import answered_round, by_perspective, registered_indicator, uniform

pytestmark = pytest.mark.django_db

M = "municipalities/musterstadt"


@pytest.fixture
def assessed(musterstadt, carol, bob, erin):
    answered_round(musterstadt, 2024, carol, {carol: uniform(2), bob: uniform(3), erin: uniform(2)})
    answered_round(musterstadt, 2025, carol, {carol: by_perspective({"open_data": 5}), bob: uniform(4),
                                              erin: uniform(3)})
    return musterstadt


def _old_report(tenant, year: int, days_ago: int) -> Report:
    """A published report written directly (no PDF), so that lists can be long without building PDFs."""
    field = "lab" if tenant.__class__.__name__ == "Lab" else "municipality"
    return Report.objects.create(**{field: tenant}, year=year, title=f"Bericht {year}", content={"year": year},
                                 published_at=timezone.now() - timedelta(days=days_ago))


def test_the_reports_are_public_with_their_figures_and_pdf(client, assessed, carol, anderstadt):
    with registered_indicator(Perspective.OPEN_DATA):
        services.do_publish_report(tenant=assessed, actor=carol, year=2025)
    _old_report(assessed, 2023, 400)
    _old_report(assessed, 2022, 800)
    api = ApiClient()
    first = api.get(f"{M}/openness-reports?limit=2").json()
    assert [report["year"] for report in first["items"]] == [2025, 2023] and first["next"]
    rest = api.get(f"{M}/openness-reports?cursor={first['next']}").json()
    assert [report["year"] for report in rest["items"]] == [2022] and rest["next"] is None
    assert first["items"][1]["pdf_url"] is None

    body = api.get(f"{M}/openness-reports/2025").json()
    assert body["title"] == "Open-Government-Bericht 2025: Musterstadt" and body["kind"] == "municipality"
    assert body["url"].endswith("/musterstadt/offenheit/2025/") and body["pdf_url"].endswith("/2025/bericht.pdf")
    assert client.get(body["pdf_url"]).status_code == 200
    assert body["assessment"] == {"year": 2025, "people": 3, "closed": True, "statements": 21,
                                  "previous_year": 2024}
    sections = {section["perspective"]: section for section in body["perspectives"]}
    assert list(sections) == list(Perspective.values)
    open_data = sections["open_data"]
    assert open_data["label"] == "Offene digitale Technologien und Daten"
    [tested] = [item for item in open_data["indicators"] if item["key"] == "openness_test.datasets"]
    assert (tested["value"], tested["previous"]) == (35.0, 34.0)
    assert open_data["assessment"]["spread"]["mean"] == 4.0 and open_data["assessment"]["spread"]["people"] == 3
    assert open_data["assessment"]["previous_mean"] == pytest.approx(2.33) and open_data["assessment"]["change"]
    assert body["processes"]["running"] == {"year": 0, "previous": 0} and body["members"] == 1

    old = api.get(f"{M}/openness-reports/2023").json()
    assert old["assessment"] is None and all(s["assessment"] is None for s in old["perspectives"])
    assert error_of(api.get("municipalities/anderstadt/openness-reports/2025"))["code"] == "not_found"
    assert api.get("municipalities/anderstadt/openness-reports").json() == {"items": [], "next": None}
    assert api.get(f"{M}/openness-reports/2024").status_code == 404
    for bad in (f"{M}/openness-reports/1999", f"{M}/openness-reports/zwei", f"{M}/openness-reports/99999999999"):
        assert error_of(api.get(bad))["code"] == "invalid_request", bad
    assert error_of(api.get(f"{M}/openness-reports?cursor=kaputt"))["code"] == "invalid_cursor"


def test_a_labs_report_names_no_members_result(musterstadt, anderstadt, carol, dave, erin):
    lab = LabFactory(name="Labor Test", slug="labor-test")
    lab.municipalities.add(musterstadt, anderstadt)
    MembershipFactory(user=erin, lab=lab, municipality=None, role=Role.ADMIN)
    answered_round(musterstadt, 2025, carol, {carol: uniform(5)}, shared=True)
    answered_round(anderstadt, 2025, dave, {dave: uniform(1)}, shared=False)
    services.do_publish_report(tenant=lab, actor=erin, year=2025)
    api = ApiClient()
    assert [report["year"] for report in api.get("labs/labor-test/openness-reports").json()["items"]] == [2025]
    body = api.get("labs/labor-test/openness-reports/2025").json()
    assert body["kind"] == "lab" and body["members"] == 2 and body["shared_members"] == 1
    assert body["assessment"] is None and all(s["assessment"] is None for s in body["perspectives"])
    assert "Anderstadt" not in str(body) and body["url"].endswith("/labs/labor-test/offenheit/2025/")
    assert api.get("labs/gibt-es-nicht/openness-reports/2025").status_code == 404
    # A municipality's address does not reach the lab's report, nor the lab's the municipality's.
    assert api.get(f"{M}/openness-reports/2025").status_code == 404


def test_only_the_team_reads_the_self_assessment(assessed, alice, bob, carol, dave):
    assert ApiClient().get(f"{M}/openness-assessments").status_code == 403
    for outsider in (alice, dave):  # a resident; the administrator of another municipality
        api = ApiClient(api_token(outsider, scope="read"))
        assert error_of(api.get(f"{M}/openness-assessments"))["code"] == "forbidden"
        assert error_of(api.get(f"{M}/openness-assessments/2025"))["code"] == "forbidden"
    api = ApiClient(api_token(bob, scope="read"))  # a moderator is in the team
    rounds = api.get(f"{M}/openness-assessments?limit=1").json()
    assert [r["year"] for r in rounds["items"]] == [2025] and rounds["items"][0]["people"] == 3
    assert [r["year"] for r in api.get(f"{M}/openness-assessments?cursor={rounds['next']}").json()["items"]] == [
        2024]
    result = api.get(f"{M}/openness-assessments/2025").json()
    assert result["previous_year"] == 2024 and result["people"] == 3 and result["comparisons"] == []
    by_key = {item["perspective"]: item for item in result["perspectives"]}
    assert by_key["open_data"]["spread"] == {"people": 3, "mean": 4.0, "minimum": 3.0, "lower_quartile": 3.5,
                                             "median": 4.0, "upper_quartile": 4.5, "maximum": 5.0}
    assert by_key["open_data"]["change"] == pytest.approx(1.67)
    assert by_key["transparency"]["spread"]["mean"] == pytest.approx(3.33)
    assert api.get(f"{M}/openness-assessments/2023").status_code == 404
    assert ApiClient(api_token(dave)).get("municipalities/anderstadt/openness-assessments/2025").status_code == 404


def test_the_lab_comparison_names_only_members_that_consented(musterstadt, anderstadt, carol, dave, erin):
    third = MunicipalityFactory(name="Dritthausen", slug="dritthausen")
    third_staff = UserFactory()
    MembershipFactory(user=third_staff, municipality=third, role=Role.STAFF)
    lab = LabFactory(name="Labor Test", slug="labor-test")
    lab.municipalities.add(musterstadt, anderstadt, third)
    lab_admin = UserFactory()
    MembershipFactory(user=lab_admin, lab=lab, municipality=None, role=Role.ADMIN)
    answered_round(musterstadt, 2026, carol, {carol: uniform(4)}, shared=True)
    answered_round(anderstadt, 2026, dave, {dave: uniform(1)}, shared=False)
    answered_round(third, 2026, third_staff, {third_staff: uniform(3)}, shared=True)

    lab_api = ApiClient(api_token(lab_admin, scope="read"))
    compared = lab_api.get("labs/labor-test/openness-comparisons/2026").json()
    assert [m["municipality"] for m in compared["members"]] == ["dritthausen", "musterstadt"]
    assert compared["members"][1]["means"]["culture"] == 4.0 and compared["members"][1]["people"] == 1
    assert lab_api.get("labs/labor-test/openness-comparisons/2025").json()["members"] == []

    own = ApiClient(api_token(carol, scope="read")).get(f"{M}/openness-assessments/2026").json()
    [comparison] = own["comparisons"]
    assert comparison["lab"] == "labor-test" and "anderstadt" not in str(comparison)
    # Anderstadt did not share: it sees nobody else's result either.
    other = ApiClient(api_token(dave, scope="read")).get("municipalities/anderstadt/openness-assessments/2026")
    assert other.json()["comparisons"] == []
    # The staff of a member municipality are not the lab's team.
    assert ApiClient(api_token(carol)).get("labs/labor-test/openness-comparisons/2026").status_code == 403
    assert ApiClient().get("labs/labor-test/openness-comparisons/2026").status_code == 403


def test_the_search_finds_published_reports_with_german_stemming(musterstadt, anderstadt, carol, dave, erin):
    def found(query: str, municipality=None) -> list[str]:
        return [result.document.url for result in search(query=query, municipality=municipality,
                                                         kinds=["openness_report"]).results]

    answered_round(musterstadt, 2025, carol, {carol: uniform(4)})
    assert found("Bericht") == []  # a round is the team's: nothing is indexed before a report is published
    services.do_publish_report(tenant=musterstadt, actor=carol, year=2025)
    assert found("Berichte") == ["/musterstadt/offenheit/2025/"]
    assert found("Selbstbewertungen") == ["/musterstadt/offenheit/2025/"]
    assert found("Berichte", anderstadt) == []
    services.do_publish_report(tenant=musterstadt, actor=carol, year=2025)  # rebuilt: still one document
    assert SearchDocument.objects.filter(kind="openness_report").count() == 1
    lab = LabFactory(slug="labor-test")
    lab.municipalities.add(musterstadt)
    MembershipFactory(user=erin, lab=lab, municipality=None, role=Role.ADMIN)
    services.do_publish_report(tenant=lab, actor=erin, year=2025)
    assert found("Berichte") == ["/musterstadt/offenheit/2025/"]


def _queries(api: ApiClient, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert api.get(path).status_code == 200, path
    return len(captured)


def test_reads_cost_the_same_queries_for_few_and_for_many(musterstadt, carol):
    lab = LabFactory(slug="labor-test")
    lab.municipalities.add(musterstadt)
    lab_admin = UserFactory()
    MembershipFactory(user=lab_admin, lab=lab, municipality=None, role=Role.ADMIN)
    answered_round(musterstadt, 2025, carol, {carol: uniform(4)}, shared=True)
    Report.objects.create(municipality=musterstadt, year=2025, title="Bericht 2025", content={"year": 2025},
                          published_at=timezone.now())
    api = ApiClient(api_token(carol, scope="read"))
    lab_api = ApiClient(api_token(lab_admin, scope="read"))
    paths = [f"{M}/openness-reports?limit=100", f"{M}/openness-reports/2025", "labs/labor-test/openness-reports",
             f"{M}/openness-assessments?limit=100", f"{M}/openness-assessments/2025"]
    years = iter(range(2000, 2024))

    def fill(count: int) -> None:
        for _ in range(count):
            year = next(years)
            _old_report(musterstadt, year, 2025 - year)
            _old_report(lab, year, 2025 - year)
            answered_round(musterstadt, year, carol, {carol: uniform(3)})
            member, member_staff = MunicipalityFactory(), UserFactory()
            MembershipFactory(user=member_staff, municipality=member, role=Role.STAFF)
            lab.municipalities.add(member)
            answered_round(member, 2025, member_staff, {member_staff: uniform(2)}, shared=True)

    for path in ["me", *paths]:  # the token's first use is noted once; the person's roles are read once
        api.get(path)
    lab_api.get("me")
    lab_api.get("labs/labor-test/openness-comparisons/2025")
    fill(2)
    few = [_queries(api, path) for path in paths] + [_queries(lab_api, "labs/labor-test/openness-comparisons/2025")]
    fill(12)
    many = [_queries(api, path) for path in paths] + [_queries(lab_api, "labs/labor-test/openness-comparisons/2025")]
    assert few == many, (few, many)
