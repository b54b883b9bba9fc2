"""Datasets and resources for tests, written directly so that tests can build many quickly; the services (with
their upload checks) are tested on their own in tests/test_opendata_catalogue.py."""

import hashlib
import json

import factory
from django.core.files.base import ContentFile
from django.utils import timezone

from kommune.opendata.models import Dataset, Resource
from kommune.opendata.uploads import MEDIA_TYPES
from tests.factories import MunicipalityFactory

CSV = ("Stadtteil;Einwohner;Fläche km²;Stichtag\n"
       "Altstadt;12034;3,5;31.12.2025\n"
       "Nordviertel;8450;5,25;31.12.2025\n"
       "Südstadt;15210;7,1;31.12.2025\n").encode()

GEOJSON = json.dumps({"type": "FeatureCollection", "features": [
    {"type": "Feature", "properties": {"name": "Trinkbrunnen Marktplatz"},
     "geometry": {"type": "Point", "coordinates": [7.4651, 51.5136]}},
    {"type": "Feature", "properties": {"name": "Trinkbrunnen Stadtpark"},
     "geometry": {"type": "Point", "coordinates": [7.4802, 51.5071]}},
]}, ensure_ascii=False).encode()


class DatasetFactory(factory.django.DjangoModelFactory):
    """An unpublished dataset without resources; use published_dataset() for one that is visible."""

    class Meta:
        model = Dataset

    municipality = factory.SubFactory(MunicipalityFactory)
    title = factory.Sequence(lambda n: f"Datensatz {n}")
    slug = factory.Sequence(lambda n: f"datensatz-{n}")
    description = "Einwohnerinnen und Einwohner nach Stadtteil."
    contact_name = "Amt für Statistik"
    contact_email = "statistik@musterstadt.example"
    keywords = factory.LazyFunction(lambda: ["Bevölkerung", "Statistik"])
    themes = factory.LazyFunction(lambda: ["SOCI"])
    modified_at = factory.LazyFunction(timezone.now)


class ResourceFactory(factory.django.DjangoModelFactory):
    """A link to a CSV file published elsewhere; use file_resource() for an uploaded file."""

    class Meta:
        model = Resource

    dataset = factory.SubFactory(DatasetFactory)
    municipality = factory.SelfAttribute("dataset.municipality")
    title = factory.Sequence(lambda n: f"Ressource {n}")
    format = Resource.Format.CSV
    url = "https://daten.example/einwohner.csv"
    media_type = "text/csv"


def published_dataset(municipality, **fields) -> Dataset:
    now = timezone.now()
    fields.setdefault("issued_at", now)
    fields.setdefault("modified_at", now)
    return DatasetFactory(municipality=municipality, is_published=True, **fields)


def file_resource(dataset: Dataset, content: bytes = CSV, format: str = Resource.Format.CSV, *,
                  title: str = "Einwohner nach Stadtteil", table_schema: dict | None = None) -> Resource:
    """An uploaded file as do_add_resource would describe it (without running its checks)."""
    if table_schema is None and format == Resource.Format.CSV:
        table_schema = {"fields": [{"name": "Stadtteil", "type": "string"}, {"name": "Einwohner", "type": "integer"},
                                   {"name": "Fläche km²", "type": "number", "decimalChar": ",", "groupChar": "."},
                                   {"name": "Stichtag", "type": "date", "format": "%d.%m.%Y"}],
                        "missingValues": [""]}
    extension = {"GEOJSON": "geojson"}.get(format, format.lower())
    return ResourceFactory(
        dataset=dataset, title=title, format=format, url="",
        file=ContentFile(content, name=f"{dataset.municipality.slug}/{dataset.slug}/daten.{extension}"),
        media_type=MEDIA_TYPES[format], byte_size=len(content), checksum_sha256=hashlib.sha256(content).hexdigest(),
        encoding="utf-8" if format in ("CSV", "JSON", "GEOJSON") else "", table_schema=table_schema)
