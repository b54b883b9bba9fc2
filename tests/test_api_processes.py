"""The REST API of participation processes: staff write through the same services as the management pages;
unpublished processes stay with those who may manage them; refusals change nothing."""

from datetime import timedelta
from typing import get_args

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kommune.core.processes.api import PhaseKind
from kommune.core.processes.models import Phase, Process, ProcessNews
from tests.factories import OrganisationFactory
from tests.factories_api import ApiClient, api_token, error_of
from tests.factories_processes import PhaseFactory, ProcessFactory, ProcessNewsFactory, TopicFactory, published_process

pytestmark = pytest.mark.django_db

M = "municipalities/musterstadt"


def _phase(days_from_now: int = -1, length: int = 14, **fields) -> dict:
    starts_at = timezone.now() + timedelta(days=days_from_now)
    return {"kind": "dialogue", "starts_at": starts_at.isoformat(),
            "ends_at": (starts_at + timedelta(days=length)).isoformat(), "features": ["comments"], **fields}


def _snapshot() -> list:
    """Every row the process writes could touch, with the fields they could change."""
    return [
        list(Process.objects.order_by("pk").values_list("slug", "title", "summary", "area", "topic", "organisation",
                                                        "is_published", "starts_at", "ends_at")),
        list(Phase.objects.order_by("pk").values_list("process", "kind", "starts_at", "ends_at")),
        list(ProcessNews.objects.order_by("pk").values_list("process", "title")),
    ]


@pytest.fixture
def draft(musterstadt):
    return ProcessFactory(municipality=musterstadt, slug="entwurf", title="Entwurf")


@pytest.fixture
def running(musterstadt):
    return published_process(musterstadt, slug="marktplatz", title="Marktplatz neu gestalten")


# --- The journey ----------------------------------------------------------------------------------------------


def test_staff_create_phase_publish_and_report_on_a_process(client, carol, musterstadt):
    TopicFactory(municipality=musterstadt, name="Verkehr", slug="verkehr")
    staff, anonymous = ApiClient(api_token(carol)), ApiClient()
    created = staff.post(f"{M}/processes", {"title": "Radweg am Fluss", "summary": "Wo soll er verlaufen?",
                                            "description": "## Worum es geht", "topic": "verkehr"})
    assert created.status_code == 201
    body = created.json()
    assert body["slug"] == "radweg-am-fluss" and body["is_published"] is False and body["phases"] == []
    assert body["topic"] == {"slug": "verkehr", "name": "Verkehr"} and "<h2>" in body["description_html"]
    one = f"{M}/processes/radweg-am-fluss"
    assert anonymous.get(one).status_code == 404
    assert anonymous.get(f"{M}/processes").json()["items"] == []

    not_yet = staff.post(f"{one}/publish")
    assert not_yet.status_code == 422 and error_of(not_yet)["code"] == "no_phases"
    phased = staff.put(f"{one}/phases", {"phases": [_phase(5, title="Auftakt"), _phase(-1, length=5)]})
    assert phased.status_code == 200
    assert [p["title"] for p in phased.json()["phases"]] == ["Dialog", "Auftakt"]
    assert phased.json()["state"] == "running"

    published = staff.post(f"{one}/publish")
    assert published.status_code == 200 and published.json()["is_published"] is True
    assert [p["slug"] for p in anonymous.get(f"{M}/processes").json()["items"]] == ["radweg-am-fluss"]
    assert client.get(Process.objects.get().get_absolute_url()).status_code == 200  # on the web too

    renamed = staff.patch(one, {"slug": "radweg", "area": "Altstadt", "topic": None})
    assert renamed.status_code == 200
    assert renamed.json()["slug"] == "radweg" and renamed.json()["topic"] is None
    assert renamed.json()["title"] == "Radweg am Fluss"  # what was not sent stays
    news = staff.post(f"{M}/processes/radweg/news", {"title": "Erste Ergebnisse", "text": "**Danke!**"})
    assert news.status_code == 201 and "<strong>Danke!</strong>" in news.json()["text_html"]
    listed = anonymous.get(renamed.json()["news_url"].split("/api/v1/")[1]).json()
    assert [n["title"] for n in listed["items"]] == ["Erste Ergebnisse"]

    withdrawn = staff.post(f"{M}/processes/radweg/unpublish")
    assert withdrawn.status_code == 200 and withdrawn.json()["is_published"] is False
    assert anonymous.get(f"{M}/processes/radweg").status_code == 404
    assert anonymous.get(f"{M}/processes/radweg/news").status_code == 404
    assert client.get(Process.objects.get().get_absolute_url()).status_code == 404


def test_unpublished_processes_are_listed_for_staff_only(alice, carol, erin, dave, draft, running):
    assert [p["slug"] for p in ApiClient(api_token(carol, scope="read")).get(
        f"{M}/processes?published=false").json()["items"]] == ["entwurf"]
    assert ApiClient(api_token(erin, scope="read")).get(f"{M}/processes/entwurf").status_code == 200
    for api in (ApiClient(), ApiClient(api_token(alice)), ApiClient(api_token(dave))):
        refused = api.get(f"{M}/processes?published=false")
        assert refused.status_code == 403 and error_of(refused)["code"] == "forbidden"
        assert api.get(f"{M}/processes/entwurf").status_code == 404
        assert api.get(f"{M}/processes/entwurf/news").status_code == 404
    assert [p["slug"] for p in ApiClient().get(f"{M}/processes").json()["items"]] == ["marktplatz"]


# --- Refusals -------------------------------------------------------------------------------------------------


def _writes(slug: str) -> list[tuple[str, str, dict | None]]:
    one = f"{M}/processes/{slug}"
    return [
        ("post", f"{M}/processes", {"title": "Fremd", "summary": "Fremd"}),
        ("patch", one, {"title": "Übernommen"}),
        ("put", f"{one}/phases", {"phases": [_phase(10)]}),
        ("post", f"{one}/publish", None),
        ("post", f"{one}/unpublish", None),
        ("post", f"{one}/news", {"title": "Fremd", "text": "Fremd"}),
    ]


@pytest.mark.parametrize("slug", ["marktplatz", "entwurf"])
def test_only_staff_of_the_municipality_write_and_refusals_change_nothing(slug, alice, bob, dave, running, draft):
    before = _snapshot()
    for person in (alice, bob, dave):  # a resident, a moderator, staff and admin of another municipality
        api = ApiClient(api_token(person))
        for method, path, data in _writes(slug):
            response = getattr(api, method)(path, data) if data is not None else getattr(api, method)(path)
            assert response.status_code == 403, (person, method, path)
            assert error_of(response)["code"] == "forbidden"
    assert _snapshot() == before


def test_a_read_token_of_staff_cannot_write(carol, running):
    before = _snapshot()
    api = ApiClient(api_token(carol, scope="read"))
    for method, path, data in _writes("marktplatz"):
        response = getattr(api, method)(path, data) if data is not None else getattr(api, method)(path)
        assert response.status_code == 403 and error_of(response)["code"] == "insufficient_scope"
    assert ApiClient().post(f"{M}/processes", {"title": "T", "summary": "S"}).status_code == 401
    assert _snapshot() == before


def test_staff_of_another_municipality_cannot_reach_its_processes_through_their_own(dave, running, anderstadt):
    before = _snapshot()
    api = ApiClient(api_token(dave))
    foreign = "municipalities/anderstadt/processes/marktplatz"
    assert api.patch(foreign, {"title": "Übernommen"}).status_code == 404
    assert api.post(f"{foreign}/unpublish").status_code == 404
    assert _snapshot() == before


def test_bad_input_names_the_field_and_changes_nothing(carol, musterstadt, anderstadt, running, draft):
    api = ApiClient(api_token(carol))
    before = _snapshot()
    cases = [
        (api.post(f"{M}/processes", {"summary": "Ohne Titel"}), "invalid_request", ["title"]),
        (api.post(f"{M}/processes", {"title": " ", "summary": "Leer"}), "invalid", ["title"]),
        (api.post(f"{M}/processes", {"title": "T", "summary": "S", "slug": "marktplatz"}), "invalid", ["slug"]),
        (api.post(f"{M}/processes", {"title": "T", "summary": "S", "topic": "gibt-es-nicht"}), "invalid",
         ["topic"]),
        (api.post(f"{M}/processes", {"title": "T", "summary": "S",
                                     "organisation": OrganisationFactory(municipality=anderstadt).slug}),
         "invalid", ["organisation"]),
        (api.post(f"{M}/processes", {"title": "T", "summary": "S", "is_published": True}), "invalid_request",
         ["is_published"]),
        (api.patch(f"{M}/processes/entwurf", {"slug": "marktplatz"}), "invalid", ["slug"]),
        (api.patch(f"{M}/processes/entwurf", {"summary": None}), "invalid", ["summary"]),
        (api.put(f"{M}/processes/entwurf/phases", {"phases": [_phase(0), _phase(3)]}), "invalid", []),
        (api.put(f"{M}/processes/entwurf/phases", {"phases": [_phase(0, kind="party")]}), "invalid_request",
         ["phases.0.kind"]),
        (api.put(f"{M}/processes/entwurf/phases", {"phases": [_phase(0, features=["losverfahren"])]}),
         "invalid", []),
        (api.put(f"{M}/processes/entwurf/phases", {"phases": [
            {**_phase(0), "starts_at": "2026-05-01T10:00:00"}]}), "invalid_request", ["phases.0.starts_at"]),
        (api.put(f"{M}/processes/entwurf/phases", {"phases": [
            {**_phase(0), "ends_at": "9999-12-31T23:59:59-23:59"}]}), "invalid_request", ["phases.0.ends_at"]),
        (api.put(f"{M}/processes/entwurf/phases", {"phases": [_phase(i * 20, length=10) for i in range(21)]}),
         "invalid", []),
        (api.put(f"{M}/processes/marktplatz/phases", {"phases": []}), "no_phases", []),
        (api.post(f"{M}/processes/entwurf/publish"), "no_phases", []),
        (api.post(f"{M}/processes/marktplatz/news", {"title": "T", "text": "  "}), "invalid", ["text"]),
    ]
    for number, (response, code, fields) in enumerate(cases):
        assert response.status_code == 422, (number, response.json())
        assert error_of(response)["code"] == code, (number, response.json())
        assert sorted(error_of(response)["fields"]) == fields, (number, response.json())
    assert _snapshot() == before


def test_overlapping_phases_are_explained_in_the_owners_language(carol, draft):
    carol.language = "en"
    carol.save()
    response = ApiClient(api_token(carol)).put(f"{M}/processes/entwurf/phases",
                                               {"phases": [_phase(0), _phase(3, title="Werkstatt")]})
    assert response.status_code == 422 and response["Content-Language"] == "en"
    assert "overlap" in error_of(response)["message"]
    assert not Phase.objects.exists()


# --- Costs ----------------------------------------------------------------------------------------------------


def _queries(api: ApiClient, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert api.get(path).status_code == 200
    return len(captured)


def test_the_staff_list_and_the_news_cost_the_same_queries_for_5_and_for_50(carol, musterstadt, running):
    api = ApiClient(api_token(carol, scope="read"))
    paths = [f"{M}/processes?published=false&limit=100", f"{M}/processes/marktplatz/news?limit=100"]

    def fill(count: int) -> None:
        for _ in range(count):
            PhaseFactory(process=ProcessFactory(municipality=musterstadt,
                                                topic=TopicFactory(municipality=musterstadt)))
            ProcessNewsFactory(process=running)

    api.get("me")  # the token's first use is noted once; then reads write nothing
    for path in paths:  # the person's roles are read once, then come from the cache
        api.get(path)
    fill(5)
    few = [_queries(api, path) for path in paths]
    fill(45)
    many = [_queries(api, path) for path in paths]
    assert few == many, dict(zip(paths, zip(few, many, strict=True), strict=True))
    assert len(api.get(paths[0]).json()["items"]) == 50


def test_the_phase_kinds_the_api_accepts_are_the_models():
    assert list(get_args(PhaseKind)) == list(Phase.Kind.values)
