"""The open-data catalogue as DCAT-AP.de 2.0 RDF (rdflib), for GovData and other harvesters.

One module knows the vocabularies: the IRIs of licences, themes, frequencies, file types, media types, hash
algorithms, contributors and political geocoding. The CKAN Action API (kommune/opendata/ckan) reuses them so that
both interfaces describe a dataset alike. Every IRI of our own is absolute and built from ``settings.SITE_URL``,
so a dataset keeps its IRI whichever host name a harvester used.
"""

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Max, QuerySet
from django.utils import translation
from django.utils.translation import gettext as _
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, XSD

from kommune.core.models import Municipality, Organisation
from kommune.opendata import selectors
from kommune.opendata.models import Dataset, Resource

DCATDE = Namespace("http://dcat-ap.de/def/dcatde/")
HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")

LICENSES = "http://dcat-ap.de/def/licenses/"
CONTRIBUTORS = "http://dcat-ap.de/def/contributors/"
GEOCODING = "http://dcat-ap.de/def/politicalGeocoding/"
SHA256 = URIRef("http://dcat-ap.de/def/hashAlgorithms/sha/256")
EU_AUTHORITY = "http://publications.europa.eu/resource/authority/"
DATA_THEMES = URIRef(EU_AUTHORITY + "data-theme")
GERMAN = URIRef(EU_AUTHORITY + "language/DEU")
IANA_MEDIA_TYPES = "https://www.iana.org/assignments/media-types/"

# Resource.Format value -> (EU file-type code, IANA media type when the upload did not record one).
FILE_TYPES: dict[str, tuple[str, str]] = {
    Resource.Format.CSV: ("CSV", "text/csv"),
    Resource.Format.JSON: ("JSON", "application/json"),
    Resource.Format.GEOJSON: ("GEOJSON", "application/geo+json"),
    Resource.Format.XLSX: ("XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    Resource.Format.PDF: ("PDF", "application/pdf"),
}

# The open-data portal of each federal state that is a GovData contributor: a municipal portal's metadata
# usually reach GovData through it. Saarland and Thüringen have no entry in the contributors list.
STATE_CONTRIBUTORS: dict[str, str] = {
    "01": "schleswigHolstein", "02": "transparenzportalHamburg", "03": "landNiedersachsen",
    "04": "transparenzportalBremen", "05": "openNRW", "06": "hessen", "07": "openGovernmentDataPortalRheinlandPfalz",
    "08": "datenBW", "09": "openDataBayern", "11": "berlinOpenData", "12": "openDataBrandenburg",
    "13": "mecklenburgVorpommern", "14": "freistaatSachsen", "15": "landSachsenAnhalt",
}

RDF_FORMATS: dict[str, tuple[str, str]] = {  # extension -> (rdflib format, media type)
    "ttl": ("turtle", "text/turtle"),
    "rdf": ("xml", "application/rdf+xml"),  # plain, not "pretty-xml": several times faster
    "jsonld": ("json-ld", "application/ld+json"),
}
PREFIXES = {"dcat": DCAT, "dct": DCTERMS, "foaf": FOAF, "dcatde": DCATDE, "vcard": VCARD, "spdx": SPDX,
            "hydra": HYDRA, "xsd": XSD}


# --- IRIs -------------------------------------------------------------------------------------------------------


def absolute_url(path: str) -> str:
    return settings.SITE_URL + path if path.startswith("/") else path


def dataset_iri(dataset: Dataset) -> str:
    return absolute_url(dataset.get_absolute_url())


def resource_iri(resource: Resource, dataset: Dataset, dataset_node: str | None = None) -> str:
    return f"{dataset_node or dataset_iri(dataset)}#resource-{resource.pk}"


def license_iri(license_value: str) -> str:
    return LICENSES + license_value


def theme_iri(theme: str) -> str:
    return f"{EU_AUTHORITY}data-theme/{theme}"


def frequency_iri(frequency: str) -> str:
    return f"{EU_AUTHORITY}frequency/{frequency}"


def file_type_iri(resource_format: str) -> str | None:
    code = FILE_TYPES.get(resource_format, (None,))[0]
    return f"{EU_AUTHORITY}file-type/{code}" if code else None


def media_type(resource: Resource) -> str:
    return resource.media_type or FILE_TYPES.get(resource.format, ("", ""))[1]


def municipality_iri(municipality: Municipality) -> str:
    return absolute_url(municipality.get_absolute_url()) + "#publisher"


def organisation_iri(organisation: Organisation, municipality: Municipality) -> str:
    return absolute_url(municipality.get_absolute_url()) + f"#organisation-{organisation.slug}"


def publisher_iri(dataset: Dataset) -> str:
    if dataset.publisher is not None:
        return organisation_iri(dataset.publisher, dataset.municipality)
    return municipality_iri(dataset.municipality)


def political_geocoding(municipality: Municipality) -> tuple[str, str]:
    """(politicalGeocodingURI, politicalGeocodingLevelURI) of a municipality's datasets.

    The 12-digit regional key, entered by the municipality's staff, names the municipality itself. Without it only
    the federal state is certain to be in the dcat-ap.de lists: the district part of an official key that is not
    a real one (a demo, a typo) would make a harvester reject the whole catalogue.
    """
    if municipality.regional_key:
        return f"{GEOCODING}regionalKey/{municipality.regional_key}", f"{GEOCODING}Level/municipality"
    return f"{GEOCODING}stateKey/{municipality.federal_state}", f"{GEOCODING}Level/state"


def contributor_iri(municipality: Municipality) -> str | None:
    configured = settings.DCAT_CONTRIBUTOR_ID.strip()
    if configured:
        return configured if "://" in configured else CONTRIBUTORS + configured
    name = STATE_CONTRIBUTORS.get(municipality.federal_state)
    return CONTRIBUTORS + name if name else None


def catalogue_path(municipality: Municipality | None, extension: str = "") -> str:
    prefix = f"/{municipality.slug}" if municipality else ""
    return f"{prefix}/dcat/catalog" + (f".{extension}" if extension else "")


# --- Reads ------------------------------------------------------------------------------------------------------


def catalogue_datasets(municipality: Municipality | None) -> QuerySet[Dataset]:
    """The published datasets of one municipality or of all (with municipality, publisher and resources), in a
    stable order for paging."""
    return selectors.published_datasets(municipality).order_by("pk")


@dataclass(frozen=True)
class CatalogueState:
    """What a harvester's conditional request compares: the newest change and the sizes."""

    datasets: int
    resources: int
    newest: datetime | None

    @property
    def etag_basis(self) -> str:
        stamp = self.newest.isoformat() if self.newest else "-"
        return f"{self.datasets}:{self.resources}:{stamp}"


def catalogue_state(queryset: QuerySet[Dataset]) -> CatalogueState:
    datasets = queryset.order_by().aggregate(count=Count("pk"), newest=Max("modified_at"))
    resources = Resource.objects.filter(dataset__in=queryset.order_by().values("pk")).aggregate(
        count=Count("pk"), newest=Max("modified_at"))
    stamps = [stamp for stamp in (datasets["newest"], resources["newest"]) if stamp is not None]
    return CatalogueState(datasets=datasets["count"], resources=resources["count"],
                          newest=max(stamps) if stamps else None)


# --- The graph --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Paging:
    page: int
    page_size: int
    total: int

    @property
    def last(self) -> int:
        return max(1, -(-self.total // self.page_size))

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.page_size


def _datetime(value: datetime) -> Literal:
    return Literal(value.astimezone(UTC).replace(microsecond=0).isoformat(), datatype=XSD.dateTime)


def _agent(graph: Graph, iri: str, name: str) -> URIRef:
    node = URIRef(iri)
    graph.add((node, RDF.type, FOAF.Agent))
    graph.add((node, RDF.type, FOAF.Organization))
    graph.add((node, FOAF.name, Literal(name)))
    return node


def _add_distribution(graph: Graph, dataset: Dataset, dataset_node: str, resource: Resource) -> URIRef:
    node = URIRef(resource_iri(resource, dataset, dataset_node))
    graph.add((node, RDF.type, DCAT.Distribution))
    graph.add((node, DCTERMS.title, Literal(resource.title)))
    if resource.description:
        graph.add((node, DCTERMS.description, Literal(resource.description)))
    url = URIRef(resource.absolute_download_url)
    graph.add((node, DCAT.accessURL, url))
    graph.add((node, DCAT.downloadURL, url))
    if file_type := file_type_iri(resource.format):
        graph.add((node, DCTERMS["format"], URIRef(file_type)))
    if kind := media_type(resource):
        graph.add((node, DCAT.mediaType, URIRef(IANA_MEDIA_TYPES + kind)))
    if resource.byte_size is not None:
        graph.add((node, DCAT.byteSize, Literal(Decimal(resource.byte_size), datatype=XSD.decimal)))
    if resource.checksum_sha256:
        checksum = BNode()
        graph.add((node, SPDX.checksum, checksum))
        graph.add((checksum, RDF.type, SPDX.Checksum))
        graph.add((checksum, SPDX.algorithm, SHA256))
        graph.add((checksum, SPDX.checksumValue, Literal(resource.checksum_sha256, datatype=XSD.hexBinary)))
    graph.add((node, DCTERMS.license, URIRef(license_iri(dataset.license))))
    graph.add((node, DCATDE.licenseAttributionByText, Literal(dataset.publisher_name)))
    graph.add((node, DCTERMS.issued, _datetime(resource.created_at)))
    graph.add((node, DCTERMS.modified, _datetime(resource.modified_at)))
    return node


def _add_contact(graph: Graph, node: URIRef, dataset: Dataset) -> None:
    contact = BNode()
    graph.add((node, DCAT.contactPoint, contact))
    graph.add((contact, RDF.type, VCARD.Organization))
    graph.add((contact, VCARD.fn, Literal(dataset.contact_name)))
    graph.add((contact, VCARD.hasEmail, URIRef(f"mailto:{dataset.contact_email}")))


def _add_coverage(graph: Graph, node: URIRef, dataset: Dataset) -> None:
    municipality = dataset.municipality
    place, level = political_geocoding(municipality)
    graph.add((node, DCTERMS.spatial, URIRef(place)))
    graph.add((node, DCATDE.politicalGeocodingURI, URIRef(place)))
    graph.add((node, DCATDE.politicalGeocodingLevelURI, URIRef(level)))
    graph.add((node, DCATDE.geocodingDescription, Literal(municipality.name)))
    if dataset.temporal_start or dataset.temporal_end:
        period = BNode()
        graph.add((node, DCTERMS.temporal, period))
        graph.add((period, RDF.type, DCTERMS.PeriodOfTime))
        if dataset.temporal_start:
            graph.add((period, DCAT.startDate, Literal(dataset.temporal_start, datatype=XSD.date)))
        if dataset.temporal_end:
            graph.add((period, DCAT.endDate, Literal(dataset.temporal_end, datatype=XSD.date)))


def add_dataset(graph: Graph, dataset: Dataset) -> URIRef:
    """Add one dataset (with municipality, publisher and resources loaded) and return its node."""
    iri = dataset_iri(dataset)
    node = URIRef(iri)
    graph.add((node, RDF.type, DCAT.Dataset))
    graph.add((node, DCTERMS.title, Literal(dataset.title)))
    graph.add((node, DCTERMS.description, Literal(dataset.description)))
    graph.add((node, DCTERMS.identifier, Literal(iri)))
    graph.add((node, DCAT.landingPage, node))
    for keyword in dataset.keywords:
        graph.add((node, DCAT.keyword, Literal(keyword)))
    for theme in dataset.themes:
        graph.add((node, DCAT.theme, URIRef(theme_iri(theme))))
    graph.add((node, DCTERMS.accrualPeriodicity, URIRef(frequency_iri(dataset.accrual_periodicity))))
    graph.add((node, DCTERMS.publisher, _agent(graph, publisher_iri(dataset), dataset.publisher_name)))
    _add_contact(graph, node, dataset)
    _add_coverage(graph, node, dataset)
    if contributor := contributor_iri(dataset.municipality):
        graph.add((node, DCATDE.contributorID, URIRef(contributor)))
    if dataset.issued_at:
        graph.add((node, DCTERMS.issued, _datetime(dataset.issued_at)))
    if dataset.modified_at:
        graph.add((node, DCTERMS.modified, _datetime(dataset.modified_at)))
    for resource in dataset.resources.all():
        graph.add((node, DCAT.distribution, _add_distribution(graph, dataset, iri, resource)))
    return node


def _add_paging(graph: Graph, catalogue: URIRef, base: str, paging: Paging) -> None:
    def page_url(number: int) -> URIRef:
        return URIRef(f"{base}?page={number}")

    view = page_url(paging.page)
    graph.add((catalogue, HYDRA.view, view))
    graph.add((view, RDF.type, HYDRA.PartialCollectionView))
    graph.add((view, HYDRA.first, page_url(1)))
    graph.add((view, HYDRA.last, page_url(paging.last)))
    if paging.page > 1:
        graph.add((view, HYDRA.previous, page_url(paging.page - 1)))
    if paging.page < paging.last:
        graph.add((view, HYDRA.next, page_url(paging.page + 1)))
    graph.add((view, HYDRA.totalItems, Literal(paging.total, datatype=XSD.integer)))
    graph.add((view, HYDRA.itemsPerPage, Literal(paging.page_size, datatype=XSD.integer)))


def catalogue_graph(*, municipality: Municipality | None, datasets: list[Dataset], paging: Paging,
                    paging_base: str, newest: datetime | None) -> Graph:
    """The dcat:Catalog of one municipality (or of the installation) with one page of its datasets."""
    graph = Graph()
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    catalogue = URIRef(absolute_url(catalogue_path(municipality)))
    graph.add((catalogue, RDF.type, DCAT.Catalog))
    language = settings.LANGUAGE_CODE
    with translation.override(language):  # the catalogue speaks the site's language, not the visitor's
        if municipality is not None:
            title = _("Open data of %(name)s") % {"name": municipality.name}
            description = _("The open data published by %(name)s.") % {"name": municipality.name}
            publisher = _agent(graph, municipality_iri(municipality), municipality.name)
            homepage = absolute_url(municipality.get_absolute_url())
        else:
            title = _("Open data on %(name)s") % {"name": settings.OPERATOR_NAME}
            description = _("The open data of all municipalities on %(name)s.") % {"name": settings.OPERATOR_NAME}
            publisher = _agent(graph, settings.SITE_URL + "/#publisher", settings.OPERATOR_NAME)
            homepage = settings.SITE_URL + "/"
    graph.add((catalogue, DCTERMS.title, Literal(title, lang=language)))
    graph.add((catalogue, DCTERMS.description, Literal(description, lang=language)))
    graph.add((catalogue, DCTERMS.publisher, publisher))
    graph.add((catalogue, FOAF.homepage, URIRef(homepage)))
    graph.add((catalogue, DCTERMS.language, GERMAN))
    graph.add((catalogue, DCAT.themeTaxonomy, DATA_THEMES))
    if newest:
        graph.add((catalogue, DCTERMS.modified, _datetime(newest)))
    for dataset in datasets:
        graph.add((catalogue, DCAT.dataset, add_dataset(graph, dataset)))
    _add_paging(graph, catalogue, paging_base, paging)
    return graph


def serialize(graph: Graph, extension: str) -> bytes:
    rdflib_format, _media_type = RDF_FORMATS[extension]
    if rdflib_format == "json-ld":
        context = {prefix: str(namespace) for prefix, namespace in PREFIXES.items()}
        return graph.serialize(format="json-ld", context=context, auto_compact=True, encoding="utf-8")
    return graph.serialize(format=rdflib_format, encoding="utf-8")
