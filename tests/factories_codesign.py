"""Co-design services for tests, written directly (the services are tested on their own)."""

from types import SimpleNamespace

from django.utils import timezone

from kommune.codesign.models import Service, Step

STEP_TITLES = ("Termin buchen", "Unterlagen zusammenstellen", "Vorsprache im Bürgerbüro")


def service_with_steps(municipality, *, published: bool = True, process=None, accepts_ratings: bool = True,
                       titles=STEP_TITLES) -> Service:
    service = Service.objects.create(municipality=municipality, title="Wohnsitz ummelden", leika_key="99115001001000",
                                     department="Bürgerbüro", is_published=published, process=process,
                                     accepts_ratings=accepts_ratings,
                                     published_at=timezone.now() if published else None)
    for position, title in enumerate(titles, start=1):
        Step.objects.create(municipality=municipality, service=service, position=position, title=title,
                            channel="counter" if position == 3 else "online")
    return service


def service_ids(municipality) -> SimpleNamespace:
    service = service_with_steps(municipality)
    return SimpleNamespace(service_id=service.pk, step_id=service.steps.order_by("position").first().pk)
