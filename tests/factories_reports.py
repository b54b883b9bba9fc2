"""Factories of issue reports (kommune.reports). Journeys go through the services; these write straight into the
database so that tests can build many reports quickly."""

import factory

from kommune.reports.models import ApiKey, Department, Report, Service, ServiceAttribute, hash_key
from tests.factories import MunicipalityFactory


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    municipality = factory.SubFactory(MunicipalityFactory)
    name = factory.Sequence(lambda n: f"Amt {n}")


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service

    municipality = factory.SubFactory(MunicipalityFactory)
    code = factory.Sequence(lambda n: f"dienst-{n}")
    name = factory.Sequence(lambda n: f"Kategorie {n}")
    description = "Eine Kategorie für Meldungen."


class ServiceAttributeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceAttribute

    service = factory.SubFactory(ServiceFactory)
    municipality = factory.SelfAttribute("service.municipality")
    code = factory.Sequence(lambda n: f"frage-{n}")
    description = "Was ist zu sehen?"


class IssueReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Report

    service = factory.SubFactory(ServiceFactory)
    municipality = factory.SelfAttribute("service.municipality")
    description = "Die Laterne ist dunkel."
    address = "Marktstraße 1"
    latitude = factory.Sequence(lambda n: f"51.{960000 + n:06d}")
    longitude = "7.620000"


def api_key(municipality, raw: str = "test-key-123456", name: str = "Test-App") -> ApiKey:
    return ApiKey.objects.create(municipality=municipality, name=name, prefix=raw[:6], key_hash=hash_key(raw))


def lamp_service(municipality) -> Service:
    """The street-light category with a required single choice and a free text question, as in the demo."""
    service = ServiceFactory(municipality=municipality, code="strassenbeleuchtung", name="Straßenbeleuchtung defekt")
    ServiceAttributeFactory(service=service, code="zustand", description="Was ist zu sehen?",
                            datatype="singlevaluelist", required=True, order=1,
                            values=[{"key": "dunkel", "name": "Lampe ist dunkel"},
                                    {"key": "flackert", "name": "Lampe flackert"}])
    ServiceAttributeFactory(service=service, code="mastnummer", description="Nummer am Mast", order=0)
    return service
