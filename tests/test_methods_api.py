"""The REST API of the methods library: the library with its filters and cursors, a municipality's methods, one
method with its licence and real uses (only in published processes), its versions, and constant query counts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kommune.methods import services
from tests.factories import LabFactory, MunicipalityFactory
from tests.factories_api import ApiClient, api_token, error_of
from tests.factories_methods import method_of, setup_process, staff_of
from tests.factories_processes import published_process

pytestmark = pytest.mark.django_db


def _slugs(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["slug"] for item in response.json()["items"]]


def test_the_library_lists_every_method_page_by_page_and_filters(musterstadt, anderstadt):
    first = method_of(musterstadt, title="Co-Design-Workshop")
    second = method_of(anderstadt, title="Bürgerrat", perspectives=["agenda_setting"], kind="instrument")
    third = method_of(anderstadt, title="Open-Data-Hackday", perspectives=["open_data"], kind="tool")
    api = ApiClient()
    one = api.get("methods?limit=2").json()
    assert [item["slug"] for item in one["items"]] == [third.slug, second.slug] and one["next"]
    rest = api.get(f"methods?limit=2&cursor={one['next']}").json()
    assert [item["slug"] for item in rest["items"]] == [first.slug] and rest["next"] is None
    assert _slugs(api.get("methods?perspective=open_data")) == [third.slug]
    assert _slugs(api.get("methods?kind=instrument")) == [second.slug]
    assert _slugs(api.get("methods?perspective=dialogue&kind=method")) == [first.slug]
    item = one["items"][1]
    assert item["author"] == {"kind": "municipality", "slug": "anderstadt", "name": anderstadt.name}
    assert item["perspectives"] == ["agenda_setting"] and item["version"] == 2
    assert item["url"].endswith(f"/methoden/{second.slug}/")
    for bad in ("methods?perspective=zauberei", "methods?kind=spell", "methods?limit=0"):
        assert error_of(api.get(bad))["code"] == "invalid_request", bad
    assert error_of(api.get("methods?cursor=kaputt"))["code"] == "invalid_cursor"


def test_the_search_words_find_methods_with_german_stemming(musterstadt, anderstadt):
    method_of(musterstadt, title="Co-Design-Workshop")
    council = method_of(anderstadt, title="Bürgerräte in Kommunen", purpose="Geloste Bürgerinnen beraten.")
    api = ApiClient()
    assert [item["title"] for item in api.get("methods?text=Workshops").json()["items"]] == ["Co-Design-Workshop"]
    found = api.get("methods?text=Bürgerrat").json()
    assert _slugs(api.get("methods?text=Bürgerrat")) == [council.slug] and found["next"] is None
    assert _slugs(api.get("methods?text=Bürgerrat&perspective=open_data")) == []
    assert api.get("methods?text=Zauberei").json() == {"items": [], "next": None}
    assert error_of(api.get("methods?text=Work%00shop"))["code"] == "invalid_request"


def test_a_method_has_its_text_licence_uses_and_versions(musterstadt, anderstadt):
    method = method_of(musterstadt, title="Online-Konsultation", versions=3)
    used = [published_process(musterstadt, title="Radwege"), published_process(anderstadt, title="Spielplätze")]
    hidden = setup_process(anderstadt, title="Geheimer Entwurf")  # unpublished: never shown, never counted
    for process in [*used, hidden]:
        services.do_set_process_methods(process=process, actor=staff_of(process.municipality), methods=[method])
    api = ApiClient()
    body = api.get(f"methods/{method.slug}").json()
    assert body["title"] == "Online-Konsultation" and body["version"] == 3
    assert body["licence"] == {"key": "CC-BY-4.0", "name": "Creative Commons Namensnennung 4.0 International "
                                                          "(CC BY 4.0)",
                               "url": "https://creativecommons.org/licenses/by/4.0/deed.de"}
    assert body["purpose"] == "Der **Workshop** macht Annahmen sichtbar." and "<strong>" in body["purpose_html"]
    assert (body["group_size_min"], body["group_size_max"], body["effort"]) == (8, 30, "medium")
    assert body["steps"].endswith("3. Auswerten") and body["materials"] and body["pitfalls"] and body["duration"]
    assert (body["process_count"], body["municipality_count"]) == (2, 2)
    assert sorted(use["process"] for use in body["uses"]) == ["Radwege", "Spielplätze"]
    assert "Geheimer Entwurf" not in str(body)
    assert body["versions_url"].endswith(f"/api/v1/methods/{method.slug}/versions")

    versions = api.get(f"methods/{method.slug}/versions?limit=2").json()
    assert [v["number"] for v in versions["items"]] == [3, 2] and versions["items"][0]["note"] == "Überarbeitung 3"
    older = api.get(f"methods/{method.slug}/versions?cursor={versions['next']}").json()
    assert [v["number"] for v in older["items"]] == [1] and older["next"] is None
    first = api.get(f"methods/{method.slug}/versions/1").json()
    assert first["content"]["steps"] == "1. Einladen\n2. Skizzieren\n3. Testen"
    assert first["content"]["perspectives"] == ["dialogue", "co_production"]
    for path in (f"methods/{method.slug}/versions/4", "methods/gibt-es-nicht", "methods/gibt-es-nicht/versions",
                 f"methods/{method.slug}/versions/0"):
        assert api.get(path).status_code in (404, 422), path
    assert error_of(api.get("methods/gibt-es-nicht"))["code"] == "not_found"


def test_a_municipality_lists_what_it_and_its_labs_wrote(musterstadt, anderstadt):
    own = method_of(musterstadt, title="Zukunftswerkstatt")
    lab = LabFactory(slug="lab-nord")
    lab.municipalities.add(musterstadt)
    lab_method = method_of(lab, title="Service Journey", perspectives=["culture"])
    foreign = method_of(anderstadt, title="Bürgerhaushalt")
    api = ApiClient()
    assert _slugs(api.get("municipalities/musterstadt/methods")) == [lab_method.slug, own.slug]
    lab_body = api.get(f"methods/{lab_method.slug}").json()
    assert lab_body["author"] == {"kind": "lab", "slug": "lab-nord", "name": lab.name}
    assert _slugs(api.get("municipalities/musterstadt/methods?perspective=culture")) == [lab_method.slug]
    assert _slugs(api.get("municipalities/anderstadt/methods")) == [foreign.slug]
    assert error_of(api.get("municipalities/gibt-es-nicht/methods"))["code"] == "not_found"


def _queries(api: ApiClient, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert api.get(path).status_code == 200, path
    return len(captured)


def test_reads_cost_the_same_queries_for_few_and_for_many(musterstadt, alice):
    method = method_of(musterstadt, title="Planungszelle")
    api = ApiClient(api_token(alice, scope="read"))
    paths = ["methods?limit=100", "municipalities/musterstadt/methods?limit=100", f"methods/{method.slug}",
             f"methods/{method.slug}/versions?limit=100", "methods?text=Planungszelle"]

    def fill(count: int) -> None:
        actor = staff_of(musterstadt)
        for number in range(count):
            other = MunicipalityFactory()
            extra = services.do_create_method(author=musterstadt, actor=actor, title=f"Planungszelle {number}",
                                              summary="S", purpose="P", perspectives=["dialogue"], effort="low",
                                              duration="1 Tag", steps="1. Los")
            process = published_process(other)
            services.do_set_process_methods(process=process, actor=staff_of(other), methods=[method, extra])
            services.do_update_method(method=method, actor=actor, note=f"n{number}", duration=f"{number} Tage")

    api.get("me")  # the token's first use is noted once; then reads write nothing
    fill(3)
    few = [_queries(api, path) for path in paths]
    fill(20)
    many = [_queries(api, path) for path in paths]
    assert few == many, dict(zip(paths, zip(few, many, strict=True), strict=True))
