"""Factories of the Vorhabenliste. The journeys go through kommune/projects/services.py; these write straight into
the database (with the first step of the status history, as the service writes it) to build many projects
quickly."""

from datetime import timedelta

import factory
from django.utils import timezone

from kommune.projects.models import Funding, Milestone, Project, Status, StatusChange
from tests.factories import MunicipalityFactory


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project
        skip_postgeneration_save = True

    municipality = factory.SubFactory(MunicipalityFactory)
    title = factory.Sequence(lambda n: f"Vorhaben {n}")
    summary = "Ein Vorhaben der Stadt."
    description = "Beschreibung des Vorhabens."
    description_html = "<p>Beschreibung des Vorhabens.</p>"
    status = Status.PLANNING
    status_changed_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=30))
    department = "Tiefbauamt"

    @factory.post_generation
    def history(self, create, extracted, **kwargs):
        if create:
            StatusChange.objects.create(municipality=self.municipality, project=self, status=self.status,
                                        changed_on=self.status_changed_on, note="Angelegt.")


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Milestone

    project = factory.SubFactory(ProjectFactory)
    municipality = factory.SelfAttribute("project.municipality")
    title = "Baubeginn"
    planned_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=60))


class FundingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Funding

    project = factory.SubFactory(ProjectFactory)
    municipality = factory.SelfAttribute("project.municipality")
    source = "Haushalt"
    amount = 10_000
