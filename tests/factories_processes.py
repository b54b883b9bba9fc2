from datetime import timedelta

import factory
from django.utils import timezone

from kommune.core.processes.models import Phase, Process, ProcessNews, Topic
from tests.factories import MunicipalityFactory


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic

    municipality = factory.SubFactory(MunicipalityFactory)
    name = factory.Sequence(lambda n: f"Thema {n}")
    slug = factory.Sequence(lambda n: f"thema-{n}")


class ProcessFactory(factory.django.DjangoModelFactory):
    """An unpublished process without phases; use published_process() for one that is visible."""

    class Meta:
        model = Process

    municipality = factory.SubFactory(MunicipalityFactory)
    title = factory.Sequence(lambda n: f"Beteiligung {n}")
    slug = factory.Sequence(lambda n: f"beteiligung-{n}")
    summary = "Wie soll der Marktplatz künftig aussehen?"


class PhaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Phase

    process = factory.SubFactory(ProcessFactory)
    municipality = factory.LazyAttribute(lambda phase: phase.process.municipality)
    kind = Phase.Kind.DIALOGUE
    starts_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    ends_at = factory.LazyAttribute(lambda phase: phase.starts_at + timedelta(days=14))
    features = factory.LazyFunction(lambda: ["comments"])


class ProcessNewsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProcessNews

    process = factory.SubFactory(ProcessFactory)
    municipality = factory.LazyAttribute(lambda news: news.process.municipality)
    title = factory.Sequence(lambda n: f"Neuigkeit {n}")
    text = "Die Ergebnisse der Befragung liegen vor."
    text_html = "<p>Die Ergebnisse der Befragung liegen vor.</p>"
    published_at = factory.LazyFunction(timezone.now)


def published_process(municipality, *, starts_at=None, days: int = 14, features=("comments",), **fields) -> Process:
    """A published process with one phase (running now unless ``starts_at`` says otherwise), written directly so
    that tests can build many quickly; the services are tested on their own."""
    starts_at = starts_at or timezone.now() - timedelta(days=1)
    ends_at = starts_at + timedelta(days=days)
    process = ProcessFactory(municipality=municipality, is_published=True, published_at=timezone.now(),
                             starts_at=starts_at, ends_at=ends_at, **fields)
    PhaseFactory(process=process, starts_at=starts_at, ends_at=ends_at, features=list(features))
    return process
