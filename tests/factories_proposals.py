"""Factories of citizen proposals. The journeys go through the services; these write straight into the database
(counters included, kept exact) so that tests can build many proposals quickly."""

from datetime import timedelta

import factory
from django.utils import timezone

from kommune.accounts.models import Residency
from kommune.proposals.models import Category, Proposal, ProposalSettings, SignatureList, Support
from tests.factories import MunicipalityFactory, UserFactory


class ProposalSettingsFactory(factory.django.DjangoModelFactory):
    """Open settings for tests: every confirmed account may support, a small threshold."""

    class Meta:
        model = ProposalSettings
        django_get_or_create = ["municipality"]

    municipality = factory.SubFactory(MunicipalityFactory)
    supporters = ProposalSettings.Supporters.REGISTERED
    threshold_kind = ProposalSettings.ThresholdKind.ABSOLUTE
    threshold_absolute = 3
    collection_days = 60
    answer_days = 30


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    municipality = factory.SubFactory(MunicipalityFactory)
    name = factory.Sequence(lambda n: f"Kategorie {n}")
    slug = factory.Sequence(lambda n: f"kategorie-{n}")


class ProposalFactory(factory.django.DjangoModelFactory):
    """A draft; use published_proposal() for one that collects supports."""

    class Meta:
        model = Proposal

    municipality = factory.SubFactory(MunicipalityFactory)
    author = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Vorschlag {n}")
    text = "Die Gemeinde soll das bitte machen."
    text_html = "<p>Die Gemeinde soll das bitte machen.</p>"


def published_proposal(municipality, *, required: int = 3, days: int = 60, **fields) -> Proposal:
    """A proposal collecting supports since now, for ``days`` days."""
    now = timezone.now()
    fields.setdefault("state", Proposal.State.COLLECTING)
    return ProposalFactory(municipality=municipality, published_at=now, collection_ends_at=now + timedelta(days=days),
                           required_supports=required, **fields)


def add_supports(proposal: Proposal, people) -> None:
    """Support rows for ``people`` with the counters moved to match."""
    people = list(people)
    Support.objects.bulk_create([Support(municipality=proposal.municipality, proposal=proposal, user=person)
                                 for person in people])
    Proposal.objects.filter(pk=proposal.pk).update(online_supports=proposal.online_supports + len(people),
                                                   total_supports=proposal.total_supports + len(people))
    proposal.refresh_from_db()


def verified_resident(municipality, **fields):
    user = UserFactory(**fields)
    Residency.objects.create(user=user, municipality=municipality, method=Residency.Method.COUNTER)
    return user


class SignatureListFactory(factory.django.DjangoModelFactory):
    """A list row only (the counters are not moved: use the service for that)."""

    class Meta:
        model = SignatureList

    proposal = None
    municipality = factory.LazyAttribute(lambda s: s.proposal.municipality)
    count = 10
    received_on = factory.LazyFunction(timezone.localdate)
