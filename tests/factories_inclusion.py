from datetime import timedelta

import factory
from django.utils import timezone

from kommune.inclusion.models import Category, Event, Partner, Registration
from tests.factories import MunicipalityFactory


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partner

    municipality = factory.SubFactory(MunicipalityFactory)
    name = factory.Sequence(lambda n: f"Treffpunkt {n}")
    slug = factory.Sequence(lambda n: f"treffpunkt-{n}")
    street = "Marktplatz 1"
    postcode = "12345"
    city = "Musterstadt"
    district = "Altstadt"
    state = Partner.State.APPROVED
    step_free = True
    phone = "0123 45678"
    offers = factory.LazyFunction(lambda: [Category.SMARTPHONE])


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    partner = factory.SubFactory(PartnerFactory)
    municipality = factory.LazyAttribute(lambda event: event.partner.municipality)
    title = factory.Sequence(lambda n: f"Smartphone-Sprechstunde {n}")
    category = Category.SMARTPHONE
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=3))
    ends_at = factory.LazyAttribute(lambda event: event.starts_at + timedelta(hours=2))
    capacity = 10


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Registration

    event = factory.SubFactory(EventFactory)
    municipality = factory.LazyAttribute(lambda registration: registration.event.municipality)
    name = factory.Sequence(lambda n: f"Person {n}")
    phone = factory.Sequence(lambda n: f"0421 {100000 + n}")
    status = Registration.Status.CONFIRMED
    secret = factory.Sequence(lambda n: f"{n:032x}")


def inclusion_world(municipality):
    """A place with a single event (one registration) and a weekly course, for the route and axe walks."""
    from types import SimpleNamespace

    from kommune.inclusion.models import Course
    from kommune.inclusion.tokens import cancel_token

    partner = PartnerFactory(municipality=municipality, latitude="53.075000", longitude="8.807000")
    event = EventFactory(partner=partner)
    registration = RegistrationFactory(event=event, email="teilnehmerin@example.org")
    Event.objects.filter(pk=event.pk).update(confirmed_count=1)
    course = Course.objects.create(municipality=municipality, partner=partner, title="Online-Banking in vier Wochen",
                                   category=Category.ONLINE_BANKING, capacity=8)
    begin = timezone.now() + timedelta(days=5)
    for week in range(4):
        EventFactory(partner=partner, course=course, title=course.title, category=course.category, capacity=None,
                     starts_at=begin + timedelta(weeks=week), ends_at=begin + timedelta(weeks=week, hours=2))
    return SimpleNamespace(partner_slug=partner.slug, event_id=event.pk, course_id=course.pk,
                           registration_id=registration.pk, token=cancel_token(registration))
