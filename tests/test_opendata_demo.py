"""The done-when of the open-data issue, on the demo municipalities as `make run` shows them: the unmodified
ckanapi client lists, shows and searches their catalogue; the DCAT-AP.de catalogue passes the Spezifikation
profile with zero violations; every data package the records job publishes passes the Frictionless validator."""

from io import StringIO

import ckanapi
import pytest
from django.core.management import call_command
from django.test import Client
from rdflib import Graph

from kommune.opendata.models import Dataset
from tests.test_dcat import SPEZIFIKATION, requires_standards, validate, violations
from tests.test_open_records import assert_valid, published_package


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", "--force", stdout=StringIO())
    call_command("publish_records", "--all", stdout=StringIO())


def test_ckanapi_lists_shows_and_searches_the_demo_catalogue(live_server, demo):
    published = Dataset.objects.filter(is_published=True)
    with ckanapi.RemoteCKAN(live_server.url, user_agent="kommune-demo-test") as ckan:
        names = ckan.action.package_list()
        assert len(names) == published.count() and "musterstadt-trinkbrunnen" in names
        assert any(name.startswith("musterstadt-") and "kommentare" in name for name in names)
        package = ckan.action.package_show(id="musterstadt-trinkbrunnen")
        assert package["organization"]["name"] == "musterstadt" and package["num_resources"] >= 1
        found = ckan.action.package_search(q="Trinkbrunnen", fq="organization:musterstadt")
        assert "musterstadt-trinkbrunnen" in [result["name"] for result in found["results"]]
        assert "musterstadt" in ckan.action.organization_list()


@requires_standards
def test_the_demo_catalogue_passes_the_dcat_ap_de_specification(demo):
    response = Client().get("/dcat/catalog.ttl")
    assert response.status_code == 200
    document = Graph().parse(data=response.content, format="turtle")

    assert violations(validate(document, SPEZIFIKATION)) == []


def test_every_published_demo_datapackage_passes_frictionless(demo, tmp_path):
    client = Client()
    generated = Dataset.objects.exclude(generated_key="").prefetch_related("resources")
    assert generated.count() >= 4  # processes, phases, comments, proposals … of Musterstadt
    for dataset in generated:
        assert_valid(published_package(client, dataset, tmp_path / dataset.slug))
