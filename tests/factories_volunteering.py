from datetime import timedelta
from types import SimpleNamespace

import factory
from django.utils import timezone

from kommune.volunteering.models import Project, Shift, SignUp
from tests.factories import MunicipalityFactory


class VolunteerProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    municipality = factory.SubFactory(MunicipalityFactory)
    title = factory.Sequence(lambda n: f"Mitmach-Projekt {n}")
    summary = "Wir räumen gemeinsam den Stadtpark auf."
    contact_phone = "0123 456789"


class ShiftFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Shift

    project = factory.SubFactory(VolunteerProjectFactory)
    municipality = factory.LazyAttribute(lambda shift: shift.project.municipality)
    title = factory.Sequence(lambda n: f"Schicht {n}")
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=3))
    ends_at = factory.LazyAttribute(lambda shift: shift.starts_at + timedelta(hours=3) if shift.starts_at else None)
    place_name = "Stadtpark"
    street = "Parkweg 1"
    postcode = "12345"
    city = "Musterstadt"
    district = "Altstadt"
    skills = ",gardening,"
    capacity = 3


class SignUpFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SignUp

    shift = factory.SubFactory(ShiftFactory)
    municipality = factory.LazyAttribute(lambda sign_up: sign_up.shift.municipality)
    name = factory.Sequence(lambda n: f"Helferin {n}")
    phone = factory.Sequence(lambda n: f"0421 {200000 + n}")
    secret = factory.Sequence(lambda n: f"{n:032x}")


def volunteering_world(municipality):
    """A project with a coming shift (one sign-up) and a past one, for the route and axe walks."""
    from kommune.volunteering.tokens import cancel_token

    project = VolunteerProjectFactory(municipality=municipality)
    shift = ShiftFactory(project=project, latitude="53.075000", longitude="8.807000", signed_up_count=1)
    sign_up = SignUpFactory(shift=shift, email="helferin@example.org")
    past = ShiftFactory(project=project, starts_at=timezone.now() - timedelta(days=2), signed_up_count=1)
    SignUpFactory(shift=past)
    full = ShiftFactory(project=project, capacity=1, signed_up_count=1, title="Volle Schicht")
    SignUpFactory(shift=full)
    return SimpleNamespace(project_id=project.pk, shift_id=shift.pk, sign_up_id=sign_up.pk, past_shift_id=past.pk,
                           full_shift_id=full.pk, token=cancel_token(sign_up))
