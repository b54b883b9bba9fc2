"""Published datasets and their resources for the DCAT-AP.de and CKAN API tests."""

import hashlib

import factory
from django.utils import timezone

from kommune.opendata.models import Dataset, Frequency, License, Resource, Theme
from tests.factories import MunicipalityFactory


class DatasetFactory(factory.django.DjangoModelFactory):
    """A published dataset with complete metadata; ``is_published=False`` for a draft."""

    class Meta:
        model = Dataset

    municipality = factory.SubFactory(MunicipalityFactory)
    slug = factory.Sequence(lambda n: f"datensatz-{n}")
    title = factory.Sequence(lambda n: f"Datensatz {n}")
    description = "Standorte der öffentlichen Trinkwasserbrunnen mit Betriebszeiten."
    contact_name = "Amt für Statistik und Wahlen"
    contact_email = "statistik@example.org"
    keywords = factory.LazyFunction(lambda: ["Wasser", "Brunnen"])
    themes = factory.LazyFunction(lambda: [Theme.ENVI.value, Theme.HEAL.value])
    license = License.DL_BY_DE_2_0
    accrual_periodicity = Frequency.MONTHLY
    temporal_start = factory.LazyFunction(lambda: timezone.localdate().replace(month=1, day=1))
    is_published = True
    issued_at = factory.LazyFunction(timezone.now)
    modified_at = factory.LazyFunction(timezone.now)


class ResourceFactory(factory.django.DjangoModelFactory):
    """A linked file (no upload) with the size and checksum an upload would record."""

    class Meta:
        model = Resource

    dataset = factory.SubFactory(DatasetFactory)
    municipality = factory.SelfAttribute("dataset.municipality")
    title = factory.Sequence(lambda n: f"Brunnen {n} (CSV)")
    url = factory.Sequence(lambda n: f"https://daten.example.org/brunnen-{n}.csv")
    format = Resource.Format.CSV
    media_type = "text/csv"
    byte_size = 2048
    checksum_sha256 = factory.Sequence(lambda n: hashlib.sha256(str(n).encode()).hexdigest())
