"""Published datasets with complete metadata for the DCAT-AP.de and CKAN API tests, built on
tests/factories_opendata.py."""

import hashlib

import factory
from django.utils import timezone

from kommune.opendata.models import Frequency, License, Theme
from tests import factories_opendata


class DatasetFactory(factories_opendata.DatasetFactory):
    """A published dataset with every optional field filled; ``is_published=False`` for a draft."""

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


class ResourceFactory(factories_opendata.ResourceFactory):
    """A linked file with the size and checksum an upload would record."""

    dataset = factory.SubFactory(DatasetFactory)
    title = factory.Sequence(lambda n: f"Brunnen {n} (CSV)")
    url = factory.Sequence(lambda n: f"https://daten.example.org/brunnen-{n}.csv")
    byte_size = 2048
    checksum_sha256 = factory.Sequence(lambda n: hashlib.sha256(str(n).encode()).hexdigest())
