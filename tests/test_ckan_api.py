"""The CKAN Action API: driven by the unmodified ckanapi client against a live server, and its raw envelopes."""

import json
from urllib.parse import quote, urlencode

import ckanapi
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kommune.opendata.models import Theme
from tests.factories import MunicipalityFactory
from tests.factories_opendata import CSV, file_resource
from tests.factories_opendata_api import DatasetFactory, ResourceFactory

API = "/api/3/action/"


def call(client: Client, action: str, method: str = "get", **data):
    if method == "post":
        response = client.post(API + action, data=json.dumps(data), content_type="application/json")
    else:
        response = client.get(API + action, data)
    return response, response.json()


def result(client: Client, action: str, **data):
    response, body = call(client, action, **data)
    assert response.status_code == 200, body
    assert body["success"] is True
    return body["result"]


@pytest.fixture
def catalogue(musterstadt, anderstadt):
    """Three published datasets in two municipalities, and a draft."""
    water = DatasetFactory(municipality=musterstadt, slug="trinkwasser", title="Trinkwasserbrunnen",
                           keywords=["Wasser", "Brunnen"], themes=[Theme.ENVI.value, Theme.HEAL.value])
    ResourceFactory(dataset=water, title="Brunnen (CSV)")
    ResourceFactory(dataset=water, title="Brunnen (GeoJSON)", format="GEOJSON", media_type="application/geo+json",
                    url="https://daten.example.org/brunnen.geojson")
    budget = DatasetFactory(municipality=musterstadt, slug="haushalt-2026", title="Haushaltsplan 2026",
                            description="Erträge und Aufwendungen nach Produktbereichen.", keywords=["Haushalt"],
                            themes=[Theme.ECON.value, Theme.GOVE.value], license="cc-zero")
    ResourceFactory(dataset=budget, title="Haushalt (XLSX)", format="XLSX", media_type="",
                    url="https://daten.example.org/haushalt.xlsx")
    trees = DatasetFactory(municipality=anderstadt, slug="baeume", title="Straßenbäume",
                           description="Baumkataster der Stadt.", keywords=["Bäume", "Wasser"],
                           themes=[Theme.ENVI.value])
    draft = DatasetFactory(municipality=musterstadt, slug="entwurf", title="Entwurf", is_published=False)
    return {"water": water, "budget": budget, "trees": trees, "draft": draft}


# --- With the ckanapi client ----------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_ckanapi_lists_shows_and_searches_the_catalogue(live_server, catalogue):
    with ckanapi.RemoteCKAN(live_server.url, user_agent="kommune-tests") as ckan:
        assert ckan.action.status_show()["ckan_version"].startswith("2.")
        assert ckan.action.package_list() == ["anderstadt-baeume", "musterstadt-haushalt-2026",
                                              "musterstadt-trinkwasser"]
        package = ckan.action.package_show(id="musterstadt-trinkwasser")
        assert package["title"] == "Trinkwasserbrunnen" and package["num_resources"] == 2
        assert ckan.action.package_show(id=package["id"])["name"] == "musterstadt-trinkwasser"
        resource = ckan.action.resource_show(id=package["resources"][0]["id"])
        assert resource == package["resources"][0]

        found = ckan.action.package_search(q="Wasser", fq="organization:musterstadt", rows=10,
                                           sort="title_string asc", **{"facet.field": ["tags", "res_format"]})
        assert [p["name"] for p in found["results"]] == ["musterstadt-trinkwasser"]
        assert found["facets"]["tags"] == {"Brunnen": 1, "Wasser": 1}
        assert ckan.action.organization_list() == ["anderstadt", "musterstadt"]
        assert ckan.action.organization_show(id="musterstadt")["package_count"] == 2
        assert "envi" in ckan.action.group_list()

        with pytest.raises(ckanapi.NotFound):
            ckan.action.package_show(id="musterstadt-entwurf")
        with pytest.raises(ckanapi.NotFound):
            ckan.action.organization_show(id="gibt-es-nicht")
        with pytest.raises(ckanapi.ValidationError) as error:
            ckan.action.package_search(rows="viele")
        assert "rows" in error.value.error_dict
        with pytest.raises(ckanapi.NotAuthorized):
            ckan.action.package_create(name="neu", title="Neu")

    with ckanapi.RemoteCKAN(live_server.url, get_only=True) as ckan:
        assert ckan.action.package_search(fq="tags:Wasser", sort="name asc")["count"] == 2


# --- Envelopes --------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_success_and_error_envelopes_follow_ckan(client, catalogue):
    response, body = call(client, "package_show", id="musterstadt-trinkwasser")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/json")
    assert set(body) == {"help", "success", "result"} and body["help"].endswith("help_show?name=package_show")

    response, body = call(client, "package_show", id="musterstadt-gibt-es-nicht")
    assert response.status_code == 404
    assert body["success"] is False and body["error"]["__type"] == "Not Found Error" and body["error"]["message"]

    response, body = call(client, "package_show")
    assert response.status_code == 409
    assert body["error"]["__type"] == "Validation Error" and body["error"]["id"]

    response, body = call(client, "package_update", method="post", id="musterstadt-trinkwasser", title="Geändert")
    assert response.status_code == 403 and body["error"]["__type"] == "Authorization Error"

    response, body = call(client, "gibt_es_nicht")
    assert response.status_code == 400 and body["success"] is False

    assert "rows" in result(client, "help_show", name="package_search")


@pytest.mark.django_db
def test_post_needs_no_csrf_token_and_no_slash_redirect_interferes(catalogue):
    client = Client(enforce_csrf_checks=True)
    for url in (API + "package_list", API + "package_list/", "/api/action/package_list",
                "/api/action/package_list/"):
        response = client.post(url, data="{}", content_type="application/json")
        assert response.status_code == 200, url
        assert response.json()["result"] == ["anderstadt-baeume", "musterstadt-haushalt-2026",
                                             "musterstadt-trinkwasser"]
        assert client.get(url).status_code == 200
    form = client.post(API + "package_show", {"id": "musterstadt-trinkwasser"})
    assert form.status_code == 200 and form.json()["result"]["title"] == "Trinkwasserbrunnen"


@pytest.mark.django_db
def test_a_broken_json_body_is_a_bad_request(client):
    for body in ("{nicht json", "[1, 2]"):
        response = client.post(API + "package_list", data=body, content_type="application/json")
        assert response.status_code == 400
        assert response.json()["success"] is False and "JSON" in response.json()["error"]["message"]
    assert client.put(API + "package_list").status_code == 405


# --- The package dict -------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_package_carries_the_ckan_fields(client, catalogue, settings):
    package = result(client, "package_show", id="musterstadt-trinkwasser")
    water = catalogue["water"]
    assert package["type"] == "dataset" and package["state"] == "active" and package["private"] is False
    assert package["notes"] == water.description
    assert package["license_id"] == "http://dcat-ap.de/def/licenses/dl-by-de/2.0" and package["license_title"]
    assert package["license_url"] == package["license_id"]
    assert package["organization"]["name"] == "musterstadt" and package["owner_org"] == package["organization"]["id"]
    assert [tag["name"] for tag in package["tags"]] == ["Wasser", "Brunnen"] and package["num_tags"] == 2
    assert [group["name"] for group in package["groups"]] == ["envi", "heal"]
    assert package["url"] == settings.SITE_URL + water.get_absolute_url()
    assert package["metadata_created"] and package["metadata_modified"] >= package["metadata_created"][:19]
    extras = {extra["key"]: extra["value"] for extra in package["extras"]}
    assert extras["spatial_uri"] == "http://dcat-ap.de/def/politicalGeocoding/stateKey/05"
    assert extras["temporal_start"] == water.temporal_start.isoformat()
    assert extras["contact_email"] == "statistik@example.org"
    csv, geojson = package["resources"]
    assert package["num_resources"] == 2
    assert csv["format"] == "CSV" and csv["mimetype"] == "text/csv" and csv["size"] == 2048
    assert csv["hash"] == water.resources.get(format="CSV").checksum_sha256
    assert csv["package_id"] == package["id"]
    assert geojson["format"] == "GeoJSON" and geojson["url"] == "https://daten.example.org/brunnen.geojson"
    assert result(client, "resource_show", id=csv["id"]) == csv


@pytest.mark.django_db
def test_an_uploaded_file_is_offered_at_its_absolute_download_address(client, musterstadt, settings):
    resource = file_resource(DatasetFactory(municipality=musterstadt, slug="einwohner"))
    [shown] = result(client, "package_show", id="musterstadt-einwohner")["resources"]
    assert shown["url"] == settings.SITE_URL + resource.download_url and shown["url_type"] == "upload"
    assert shown["size"] == len(CSV) and shown["hash"] == resource.checksum_sha256
    assert client.get(resource.download_url).status_code == 200


@pytest.mark.django_db
def test_drafts_and_unknown_ids_are_not_found(client, catalogue):
    draft = catalogue["draft"]
    for action, name in (("package_show", "musterstadt-entwurf"), ("package_show", "nicht-da"),
                         ("resource_show", "00000000-0000-0000-0000-000000000000"), ("group_show", "xyz")):
        response, body = call(client, action, id=name)
        assert response.status_code == 404, (action, name)
    assert "musterstadt-entwurf" not in result(client, "package_list")
    assert result(client, "package_search", q=draft.title)["count"] == 0
    assert result(client, "organization_show", id="musterstadt")["package_count"] == 2


# --- package_search ---------------------------------------------------------------------------------------------


def names(found: dict) -> list[str]:
    return [package["name"] for package in found["results"]]


@pytest.mark.django_db
@pytest.mark.parametrize(("fq", "expected"), [
    ("organization:musterstadt", {"musterstadt-trinkwasser", "musterstadt-haushalt-2026"}),
    ("-organization:musterstadt", {"anderstadt-baeume"}),
    ("organization:(anderstadt OR musterstadt) AND tags:Wasser", {"musterstadt-trinkwasser", "anderstadt-baeume"}),
    ("tags:Bäume", {"anderstadt-baeume"}),
    ('tags:"Wasser"', {"musterstadt-trinkwasser", "anderstadt-baeume"}),
    ("groups:econ", {"musterstadt-haushalt-2026"}),
    ("res_format:GeoJSON", {"musterstadt-trinkwasser"}),
    ("res_format:XLSX OR res_format:GEOJSON", {"musterstadt-trinkwasser", "musterstadt-haushalt-2026"}),
    ("license_id:cc-zero", {"musterstadt-haushalt-2026"}),
    ("license_id:http://dcat-ap.de/def/licenses/cc-zero", {"musterstadt-haushalt-2026"}),
    ("name:anderstadt-baeume", {"anderstadt-baeume"}),
    ("+dataset_type:dataset organization:anderstadt", {"anderstadt-baeume"}),
    ("metadata_modified:[2000-01-01T00:00:00Z TO *]", {"musterstadt-trinkwasser", "musterstadt-haushalt-2026",
                                                         "anderstadt-baeume"}),
    ("metadata_modified:[* TO 2000-01-01T00:00:00Z]", set()),
])
def test_package_search_understands_fq(client, catalogue, fq, expected):
    found = result(client, "package_search", fq=fq)
    assert set(names(found)) == expected and found["count"] == len(expected)


@pytest.mark.django_db
@pytest.mark.parametrize(("q", "expected"), [
    ("", {"musterstadt-trinkwasser", "musterstadt-haushalt-2026", "anderstadt-baeume"}),
    ("*:*", {"musterstadt-trinkwasser", "musterstadt-haushalt-2026", "anderstadt-baeume"}),
    ("haushaltsplan", {"musterstadt-haushalt-2026"}),
    ("produktbereichen", {"musterstadt-haushalt-2026"}),
    ("wasser", {"musterstadt-trinkwasser", "anderstadt-baeume"}),
    ("wasser brunnen", {"musterstadt-trinkwasser"}),
    ("wasser -brunnen", {"anderstadt-baeume"}),
    ("tags:Haushalt", {"musterstadt-haushalt-2026"}),
])
def test_package_search_q_matches_title_notes_and_tags(client, catalogue, q, expected):
    assert set(names(result(client, "package_search", q=q))) == expected


@pytest.mark.django_db
def test_package_search_sorts_pages_and_counts_facets(client, catalogue):
    catalogue["trees"].modified_at = timezone.now() + timezone.timedelta(days=1)
    catalogue["trees"].save()
    assert names(result(client, "package_search", sort="title_string asc")) == [
        "musterstadt-haushalt-2026", "anderstadt-baeume", "musterstadt-trinkwasser"]
    assert names(result(client, "package_search", sort="metadata_modified desc"))[0] == "anderstadt-baeume"
    assert names(result(client, "package_search", sort="name desc")) == [
        "musterstadt-trinkwasser", "musterstadt-haushalt-2026", "anderstadt-baeume"]
    assert names(result(client, "package_search", q="Brunnen wasser"))[0] == "musterstadt-trinkwasser"

    page = result(client, "package_search", sort="name asc", rows=1, start=1)
    assert page["count"] == 3 and names(page) == ["musterstadt-haushalt-2026"]
    assert result(client, "package_search", rows=0)["results"] == []

    facets = result(client, "package_search", **{"facet.field": json.dumps(
        ["organization", "groups", "tags", "res_format", "license_id"]), "facet.limit": "2"})
    assert facets["facets"]["organization"] == {"musterstadt": 2, "anderstadt": 1}
    assert facets["facets"]["groups"] == {"envi": 2, "econ": 1}
    assert facets["facets"]["tags"] == {"Wasser": 2, "Brunnen": 1}
    assert facets["facets"]["res_format"] == {"CSV": 1, "GeoJSON": 1}
    assert facets["search_facets"]["organization"]["items"][0] == {
        "name": "musterstadt", "display_name": "Musterstadt", "count": 2}


@pytest.mark.django_db
@pytest.mark.parametrize(("params", "field"), [
    ({"rows": "viele"}, "rows"),
    ({"start": "-1"}, "start"),
    ({"sort": "popularity desc"}, "sort"),
    ({"sort": "title_string sideways"}, "sort"),
    ({"facet.field": "tags"}, "facet.field"),
    ({"facet.field": '["votes"]'}, "facet.field"),
    ({"fq": "colour:blue"}, "fq"),
    ({"fq": "organization:(musterstadt"}, "fq"),
    ({"fq": "metadata_modified:[gestern TO *]"}, "fq"),
])
def test_package_search_refuses_bad_parameters_with_validation_errors(client, catalogue, params, field):
    response, body = call(client, "package_search", **params)
    assert response.status_code == 409
    assert body["error"]["__type"] == "Validation Error" and field in body["error"]


@pytest.mark.django_db
def test_rows_are_capped_at_1000(client, musterstadt):
    DatasetFactory.create_batch(3, municipality=musterstadt)
    assert len(result(client, "package_search", rows=5000)["results"]) == 3


@pytest.mark.django_db
def test_package_search_query_count_does_not_grow_with_rows(client, musterstadt, anderstadt):
    facet = {"facet.field": json.dumps(["organization", "groups", "tags", "res_format", "license_id"])}

    def queries() -> int:
        with CaptureQueriesContext(connection) as context:
            found = result(client, "package_search", rows=1000, **facet)
        assert found["count"] == len(found["results"])
        return len(context.captured_queries)

    for index in range(3):
        ResourceFactory(dataset=DatasetFactory(municipality=(musterstadt, anderstadt)[index % 2]))
    small = queries()
    for index in range(37):
        ResourceFactory.create_batch(2, dataset=DatasetFactory(municipality=(musterstadt, anderstadt)[index % 2]))
    assert queries() == small


@pytest.mark.django_db
def test_the_ckan_harvester_pages_through_the_changes_since_its_last_run(client, catalogue):
    """The requests ckanext-harvest's CKAN harvester sends: pages of 100 sorted by id, an OR-joined fq with the
    time of the last run, until a page comes back empty; then the owner organisation and the groups by id."""
    since = (timezone.now() - timezone.timedelta(hours=1)).replace(tzinfo=None).isoformat()
    params = {"rows": "100", "start": "0", "sort": "id asc", "fq": f"(metadata_modified:[{since}Z TO *])"}
    harvested = []
    while True:
        body = client.get(f"{API}package_search?{urlencode(params, quote_via=quote)}").json()
        page = body["result"]["results"]
        if not page:
            break
        harvested += page
        params["start"] = str(int(params["start"]) + int(params["rows"]))
    assert [package["id"] for package in harvested] == sorted(package["id"] for package in harvested)
    assert {package["name"] for package in harvested} == {"musterstadt-trinkwasser", "musterstadt-haushalt-2026",
                                                          "anderstadt-baeume"}
    package = harvested[0]
    assert result(client, "organization_show", id=package["owner_org"])["id"] == package["owner_org"]
    assert result(client, "group_show", id=package["groups"][0]["id"])["name"] == package["groups"][0]["name"]

    later = (timezone.now() + timezone.timedelta(minutes=5)).replace(tzinfo=None).isoformat()
    params = {"rows": "100", "start": "0", "sort": "id asc", "fq": f"(metadata_modified:[{later}Z TO *])"}
    assert client.get(f"{API}package_search?{urlencode(params, quote_via=quote)}").json()["result"]["count"] == 0


# --- Organisations and groups -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_organizations_are_the_municipalities(client, catalogue):
    MunicipalityFactory(name="Leerstadt", slug="leerstadt")
    assert result(client, "organization_list") == ["anderstadt", "leerstadt", "musterstadt"]
    detailed = result(client, "organization_list", all_fields="true", sort="package_count desc")
    assert [(o["name"], o["package_count"]) for o in detailed] == [
        ("musterstadt", 2), ("anderstadt", 1), ("leerstadt", 0)]
    shown = result(client, "organization_show", id="musterstadt", include_datasets="true")
    assert shown["title"] == "Musterstadt" and shown["is_organization"] is True
    assert {p["name"] for p in shown["packages"]} == {"musterstadt-trinkwasser", "musterstadt-haushalt-2026"}
    assert result(client, "organization_show", id=shown["id"])["name"] == "musterstadt"


@pytest.mark.django_db
def test_groups_are_the_eu_data_themes(client, catalogue):
    assert result(client, "group_list") == sorted(theme.lower() for theme in Theme.values)
    groups = {g["name"]: g for g in result(client, "group_list", all_fields=True)}
    assert groups["envi"]["package_count"] == 2 and groups["tran"]["package_count"] == 0
    shown = result(client, "group_show", id="envi", include_datasets=True)
    assert {p["name"] for p in shown["packages"]} == {"musterstadt-trinkwasser", "anderstadt-baeume"}
    assert result(client, "group_list", limit=2, offset=1) == ["econ", "educ"]
