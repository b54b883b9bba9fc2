"""The DCAT-AP.de catalogue: validation against the official SHACL shapes, paging, caching, negotiation.

The SHACL check follows ../shared/standards/README.md: the shapes of the profile "DCAT-AP.de 2.0 –
Spezifikation" (and "+ Konventionen"), the vocabularies merged into the data graph, FOAF/vCard/ORG as ontologies,
RDFS inference, and only results about nodes that occur in the checked document count (the vocabularies
bring spurious ones, e.g. a foaf:Agent without name in the ADMS file). The data graph holds the triples the
vocabularies state about the IRIs the document uses: the shapes look only one step into a vocabulary (the concept's
skos:inScheme), so this gives the same results as merging the whole files, in a second instead of half a minute
(``DCAT_SHACL_FULL_VOCABULARIES=1`` merges the whole files).
"""

import functools
import os
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib import namespace as ns

from kommune.core.models import Organisation
from tests.factories import MunicipalityFactory
from tests.factories_opendata import CSV, file_resource
from tests.factories_opendata_api import DatasetFactory, ResourceFactory

STANDARDS = Path(__file__).resolve().parents[1].parent / "shared" / "standards" / "dcat-ap-de"
requires_standards = pytest.mark.skipif(
    not STANDARDS.is_dir(), reason=f"the DCAT-AP.de reference files are missing: {STANDARDS} (clone the shared "
                                   f"directory next to the repository)")
SPEZIFIKATION = ("dcat-ap-spec-german-messages.ttl", "dcat-ap-spec-german-additions.ttl",
                 "dcat-ap-de-deprecated.ttl", "dcat-ap_2.1.1_shacl_shapes.ttl")
KONVENTIONEN = (*SPEZIFIKATION, "dcat-ap-konventionen.ttl")
ONTOLOGIES = ("foaf_0_1.rdf", "vcard.ttl", "org.ttl")
HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
DCATDE = Namespace("http://dcat-ap.de/def/dcatde/")
GEOCODING = "http://dcat-ap.de/def/politicalGeocoding/"


# --- SHACL ----------------------------------------------------------------------------------------------------


@functools.cache
def _shapes(files: tuple[str, ...]) -> Graph:
    graph = Graph()
    for name in files:
        graph.parse(STANDARDS / "shacl" / name)
    return graph


@functools.cache
def _vocabularies() -> Graph:
    graph = Graph()
    for path in sorted((STANDARDS / "vocabularies").iterdir()):
        if path.name not in ONTOLOGIES:
            graph.parse(path)
    return graph


@functools.cache
def _ontologies() -> Graph:
    graph = Graph()
    for name in ONTOLOGIES:
        graph.parse(STANDARDS / "vocabularies" / name)
    return graph


@dataclass(frozen=True)
class Finding:
    severity: str
    shape: str
    focus: str
    message: str


def validate(document: Graph, profile: tuple[str, ...]) -> list[Finding]:
    import pyshacl

    data = Graph()
    data += document
    vocabularies = _vocabularies()
    if os.environ.get("DCAT_SHACL_FULL_VOCABULARIES"):
        data += vocabularies
    else:
        for iri in {node for node in document.objects() if isinstance(node, URIRef)}:
            data += vocabularies.triples((iri, None, None))
    _conforms, report, _text = pyshacl.validate(data, shacl_graph=_shapes(profile), ont_graph=_ontologies(),
                                                inference="rdfs", allow_warnings=True)
    own_nodes = set(document.subjects()) | set(document.objects())
    return [Finding(severity=str(report.value(result, ns.SH.resultSeverity)).rsplit("#", 1)[-1],
                    shape=str(report.value(result, ns.SH.sourceShape)),
                    focus=str(report.value(result, ns.SH.focusNode)),
                    message=str(report.value(result, ns.SH.resultMessage)))
            for result in report.subjects(ns.RDF.type, ns.SH.ValidationResult)
            if report.value(result, ns.SH.focusNode) in own_nodes]


def violations(findings: list[Finding]) -> list[Finding]:
    return [finding for finding in findings if finding.severity == "Violation"]


# --- Data -----------------------------------------------------------------------------------------------------


@pytest.fixture
def bonn(db):
    """A real district-free city with its regional key, so the geocoding IRIs are in the dcat-ap.de lists."""
    return MunicipalityFactory(name="Bonn", slug="bonn", official_key="05314000", regional_key="053140000000",
                               kind="kreisfreie_stadt", federal_state="05")


@pytest.fixture
def siegburg(db):
    """A member town of the Rhein-Sieg-Kreis without regional key: its district stands in."""
    return MunicipalityFactory(name="Siegburg", slug="siegburg", official_key="05382060", kind="stadt",
                               federal_state="05")


def full_dataset(municipality, **fields):
    publisher = Organisation.objects.create(name="Tiefbauamt", slug=f"tiefbau-{municipality.slug}",
                                            kind=Organisation.Kind.DEPARTMENT, municipality=municipality)
    dataset = DatasetFactory(municipality=municipality, publisher=publisher, title="Trinkwasserbrunnen",
                             slug="trinkwasserbrunnen", temporal_start=timezone.localdate().replace(year=2020),
                             temporal_end=timezone.localdate(), **fields)
    file_resource(dataset, title="Brunnen (CSV)")
    ResourceFactory(dataset=dataset, title="Brunnen (GeoJSON)", format="GEOJSON", media_type="",
                    url="https://daten.example.org/brunnen.geojson", byte_size=None, checksum_sha256="")
    return dataset


def minimal_dataset(municipality, **fields):
    return DatasetFactory(municipality=municipality, keywords=[], themes=[], temporal_start=None, **fields)


def catalogue(client, url: str, **headers) -> Graph:
    response = client.get(url, headers=headers)
    assert response.status_code == 200, response.content[:500]
    return Graph().parse(data=response.content, format={"text/turtle": "turtle", "application/rdf+xml": "xml",
                                                       "application/ld+json": "json-ld"}[
        response["Content-Type"].split(";")[0]])


# --- Validation -----------------------------------------------------------------------------------------------


@requires_standards
@pytest.mark.django_db
def test_the_catalogue_passes_both_dcat_ap_de_profiles(client, bonn, siegburg, capsys):
    full_dataset(bonn)
    minimal_dataset(bonn, license="cc-zero", accrual_periodicity="IRREG")
    full_dataset(siegburg, license="cc-by/4.0")
    DatasetFactory(municipality=bonn, is_published=False, title="Entwurf")
    document = catalogue(client, "/dcat/catalog.ttl")
    assert len(set(document.subjects(ns.RDF.type, ns.DCAT.Dataset))) == 3

    spezifikation = validate(document, SPEZIFIKATION)
    konventionen = validate(document, KONVENTIONEN)
    with capsys.disabled():
        for name, findings in (("Spezifikation", spezifikation), ("Spezifikation + Konventionen", konventionen)):
            counts = {level: sum(f.severity == level for f in findings) for level in ("Violation", "Warning", "Info")}
            print(f"\nDCAT-AP.de 2.0 {name}: {counts}")
    assert violations(spezifikation) == []
    assert [f for f in spezifikation if f.severity == "Warning"] == []
    assert violations(konventionen) == []


@requires_standards
@pytest.mark.django_db
def test_a_catalogue_in_every_format_and_per_municipality_passes(client, bonn, siegburg):
    full_dataset(bonn)
    full_dataset(siegburg)
    turtle = catalogue(client, "/bonn/dcat/catalog.ttl")
    for url in ("/bonn/dcat/catalog.rdf", "/bonn/dcat/catalog.jsonld"):
        other = catalogue(client, url)
        assert len(other) == len(turtle)
        assert set(other.subjects(ns.RDF.type, ns.DCAT.Dataset)) == set(turtle.subjects(ns.RDF.type, ns.DCAT.Dataset))
        assert violations(validate(other, SPEZIFIKATION)) == []


@requires_standards
def test_the_validation_can_fail():
    """A catalogue without title and a dataset with a theme outside the EU vocabulary are violations."""
    document = Graph()
    catalog, dataset = URIRef("https://example.org/catalog"), URIRef("https://example.org/dataset")
    document.add((catalog, ns.RDF.type, ns.DCAT.Catalog))
    document.add((catalog, ns.DCAT.dataset, dataset))
    document.add((dataset, ns.RDF.type, ns.DCAT.Dataset))
    document.add((dataset, ns.DCTERMS.title, Literal("Ohne Beschreibung")))
    document.add((dataset, ns.DCAT.theme, URIRef("http://publications.europa.eu/resource/authority/data-theme/XXXX")))
    found = violations(validate(document, SPEZIFIKATION))
    shapes = {finding.shape.rsplit("#", 1)[-1] for finding in found}
    assert {"Catalog_Property_dct_title", "Dataset_Property_dct_description"} <= shapes
    assert any("dcat:theme MUSS eine IRI aus diesem Vokabular" in finding.message for finding in found)


# --- Content ------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_dataset_is_described_with_the_dcat_ap_de_vocabularies(client, bonn, siegburg, settings):
    settings.SITE_URL = "https://beteiligung.example.de"
    dataset = full_dataset(bonn)
    full_dataset(siegburg)
    graph = catalogue(client, "/dcat/catalog.ttl")
    node = URIRef("https://beteiligung.example.de/bonn/daten/trinkwasserbrunnen/")
    assert (node, ns.RDF.type, ns.DCAT.Dataset) in graph
    assert (node, ns.DCAT.landingPage, node) in graph
    assert graph.value(node, ns.DCTERMS.issued).datatype == URIRef("http://www.w3.org/2001/XMLSchema#dateTime")
    assert graph.value(node, ns.DCTERMS.spatial) == URIRef(GEOCODING + "regionalKey/053140000000")
    assert graph.value(node, DCATDE.politicalGeocodingLevelURI) == URIRef(GEOCODING + "Level/municipality")
    assert graph.value(node, DCATDE.contributorID) == URIRef("http://dcat-ap.de/def/contributors/openNRW")
    assert graph.value(graph.value(node, ns.DCTERMS.publisher), URIRef("http://xmlns.com/foaf/0.1/name")) == \
        Literal("Tiefbauamt")
    contact = graph.value(node, ns.DCAT.contactPoint)
    assert graph.value(contact, URIRef("http://www.w3.org/2006/vcard/ns#hasEmail")) == \
        URIRef("mailto:statistik@example.org")
    distributions = set(graph.objects(node, ns.DCAT.distribution))
    assert len(distributions) == 2
    csv_resource = dataset.resources.get(format="CSV")
    csv = URIRef(f"https://beteiligung.example.de/bonn/daten/trinkwasserbrunnen/#resource-{csv_resource.pk}")
    assert graph.value(csv, ns.DCTERMS["format"]) == \
        URIRef("http://publications.europa.eu/resource/authority/file-type/CSV")
    assert graph.value(csv, ns.DCAT.mediaType) == URIRef("https://www.iana.org/assignments/media-types/text/csv")
    assert graph.value(csv, ns.DCTERMS.license) == URIRef("http://dcat-ap.de/def/licenses/dl-by-de/2.0")
    assert graph.value(csv, ns.DCAT.byteSize).toPython() == len(CSV)
    download = f"https://beteiligung.example.de/bonn/daten/trinkwasserbrunnen/ressourcen/{csv_resource.pk}/"
    assert str(graph.value(csv, ns.DCAT.downloadURL)).startswith(download)
    assert graph.value(csv, ns.DCAT.accessURL) == graph.value(csv, ns.DCAT.downloadURL)
    checksum = graph.value(csv, URIRef("http://spdx.org/rdf/terms#checksum"))
    assert str(graph.value(checksum, URIRef("http://spdx.org/rdf/terms#checksumValue"))) == \
        csv_resource.checksum_sha256

    other = URIRef("https://beteiligung.example.de/siegburg/daten/trinkwasserbrunnen/")
    assert graph.value(other, ns.DCTERMS.spatial) == URIRef(GEOCODING + "stateKey/05")
    assert graph.value(other, DCATDE.politicalGeocodingLevelURI) == URIRef(GEOCODING + "Level/state")


@pytest.mark.django_db
def test_the_contributor_id_can_be_configured(client, bonn, settings):
    full_dataset(bonn)
    settings.DCAT_CONTRIBUTOR_ID = "stadtOldenburg"
    graph = catalogue(client, "/bonn/dcat/catalog.ttl")
    assert set(graph.objects(None, DCATDE.contributorID)) == {
        URIRef("http://dcat-ap.de/def/contributors/stadtOldenburg")}


@pytest.mark.django_db
def test_a_municipality_catalogue_holds_only_its_published_datasets(client, musterstadt, anderstadt, settings):
    own = DatasetFactory(municipality=musterstadt)
    DatasetFactory(municipality=musterstadt, is_published=False)
    DatasetFactory(municipality=anderstadt)
    graph = catalogue(client, "/musterstadt/dcat/catalog.ttl")
    assert {str(node) for node in graph.subjects(ns.RDF.type, ns.DCAT.Dataset)} == {
        settings.SITE_URL + own.get_absolute_url()}
    assert client.get("/gibt-es-nicht/dcat/catalog.ttl").status_code == 404


@pytest.mark.django_db
def test_an_empty_catalogue_is_still_a_catalogue(client, musterstadt):
    graph = catalogue(client, "/musterstadt/dcat/catalog.ttl")
    assert len(set(graph.subjects(ns.RDF.type, ns.DCAT.Catalog))) == 1
    assert not set(graph.subjects(ns.RDF.type, ns.DCAT.Dataset))


# --- Paging -------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_harvester_following_hydra_next_gets_every_dataset_once(client, musterstadt, settings):
    settings.DCAT_PAGE_SIZE = 2
    expected = {f"{settings.SITE_URL}{DatasetFactory(municipality=musterstadt).get_absolute_url()}"
                for _ in range(5)}
    seen, url, pages = [], f"{settings.SITE_URL}/dcat/catalog.ttl", 0
    while url:
        graph = catalogue(client, url.removeprefix(settings.SITE_URL))
        pages += 1
        seen += [str(node) for node in graph.subjects(ns.RDF.type, ns.DCAT.Dataset)]
        [view] = graph.subjects(ns.RDF.type, HYDRA.PartialCollectionView)
        assert int(graph.value(view, HYDRA.totalItems)) == 5
        assert str(graph.value(view, HYDRA.first)).endswith("?page=1")
        assert str(graph.value(view, HYDRA.last)).endswith("?page=3")
        url = str(graph.value(view, HYDRA.next) or "")
    assert pages == 3
    assert sorted(seen) == sorted(expected)


@pytest.mark.django_db
def test_a_bad_or_missing_page_is_refused(client, musterstadt, settings):
    settings.DCAT_PAGE_SIZE = 2
    DatasetFactory(municipality=musterstadt)
    assert client.get("/dcat/catalog.ttl?page=2").status_code == 404
    assert client.get("/dcat/catalog.ttl?page=0").status_code == 400
    assert client.get("/dcat/catalog.ttl?page=zwei").status_code == 400
    response = client.get("/dcat/catalog.ttl?page=1")
    assert response.status_code == 200 and 'rel="next"' not in response["Link"]


@pytest.mark.django_db
def test_the_query_count_does_not_grow_with_the_catalogue(client, musterstadt, anderstadt):
    def queries() -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get("/dcat/catalog.ttl").status_code == 200
        return len(context.captured_queries)

    for municipality in (musterstadt, anderstadt):
        ResourceFactory(dataset=DatasetFactory(municipality=municipality))
    DatasetFactory(municipality=musterstadt)
    small = queries()
    for index in range(40):
        dataset = DatasetFactory(municipality=(musterstadt, anderstadt)[index % 2])
        ResourceFactory.create_batch(2, dataset=dataset)
    assert queries() == small


# --- HTTP -----------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_unchanged_catalogue_answers_304_and_a_change_a_new_etag(client, musterstadt):
    dataset = DatasetFactory(municipality=musterstadt)
    first = client.get("/musterstadt/dcat/catalog.ttl")
    assert first.status_code == 200 and first["ETag"] and first["Last-Modified"]
    again = client.get("/musterstadt/dcat/catalog.ttl", headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304 and again["ETag"] == first["ETag"] and not again.content
    since = client.get("/musterstadt/dcat/catalog.ttl", headers={"If-Modified-Since": first["Last-Modified"]})
    assert since.status_code == 304
    assert client.get("/musterstadt/dcat/catalog.rdf")["ETag"] != first["ETag"]

    ResourceFactory(dataset=dataset)
    changed = client.get("/musterstadt/dcat/catalog.ttl", headers={"If-None-Match": first["ETag"]})
    assert changed.status_code == 200 and changed["ETag"] != first["ETag"]
    dataset.is_published = False
    dataset.save()
    assert client.get("/musterstadt/dcat/catalog.ttl", headers={"If-None-Match": changed["ETag"]}).status_code == 200


@pytest.mark.django_db
def test_two_catalogues_never_share_an_etag_or_a_cached_page(client, musterstadt, anderstadt, settings):
    first = client.get("/musterstadt/dcat/catalog.ttl")
    second = client.get("/anderstadt/dcat/catalog.ttl")
    assert first["ETag"] != second["ETag"]
    assert f"{settings.SITE_URL}/anderstadt/dcat/catalog".encode() in second.content
    assert b"musterstadt" not in second.content


@pytest.mark.django_db
def test_an_unchanged_page_is_built_once(client, musterstadt, django_assert_max_num_queries):
    ResourceFactory(dataset=DatasetFactory(municipality=musterstadt))
    first = client.get("/musterstadt/dcat/catalog.ttl")
    # The municipality, the two aggregates of the ETag and the rate limit's counter (count, forget passed
    # windows), not the page.
    with django_assert_max_num_queries(5):
        again = client.get("/musterstadt/dcat/catalog.ttl")
    assert again.content == first.content


@pytest.mark.django_db
@pytest.mark.parametrize(("accept", "media_type"), [
    ("text/turtle", "text/turtle"),
    ("application/rdf+xml", "application/rdf+xml"),
    ("application/ld+json;q=1.0, text/turtle;q=0.5", "application/ld+json"),
    ("text/html,application/xhtml+xml,*/*;q=0.8", "text/turtle"),
])
def test_the_catalogue_negotiates_its_format(client, musterstadt, accept, media_type):
    DatasetFactory(municipality=musterstadt)
    for url in ("/dcat/catalog", "/musterstadt/dcat/catalog"):
        response = client.get(url, headers={"Accept": accept})
        assert response.status_code == 200
        assert response["Content-Type"].startswith(media_type)
        assert "Accept" in response["Vary"]
        catalogue(client, url, Accept=accept)


@pytest.mark.django_db
def test_an_unacceptable_format_is_406_and_writes_are_405(client, musterstadt):
    assert client.get("/dcat/catalog", headers={"Accept": "image/png"}).status_code == 406
    assert client.post("/dcat/catalog.ttl").status_code == 405
    assert client.post("/musterstadt/dcat/catalog.ttl").status_code == 405
