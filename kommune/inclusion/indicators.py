"""What the platform measures from the digital-help calendar (kommune/core/indicators.py). Registered from
InclusionConfig.ready(). Attendance is not recorded (a registration is a booked place, not a visit), so there
is no attendance indicator."""

from collections.abc import Sequence
from datetime import datetime

from django.utils.translation import gettext_lazy as _

from kommune.core.indicators import Indicator, Unit, register_indicator
from kommune.core.perspectives import Perspective
from kommune.inclusion.models import Event, Registration


def registrations(municipality_ids: Sequence[int], start: datetime, end: datetime) -> float | None:
    """Registrations for events and courses made in the period that hold a place (not waiting, not cancelled)."""
    return float(Registration.objects.filter(municipality_id__in=municipality_ids, created_at__gte=start,
                                             created_at__lt=end, status=Registration.Status.CONFIRMED).count())


def events_held(municipality_ids: Sequence[int], start: datetime, end: datetime) -> float | None:
    """Events and course sessions that began in the period and were not cancelled."""
    return float(Event.objects.filter(municipality_id__in=municipality_ids, starts_at__gte=start, starts_at__lt=end,
                                      is_cancelled=False).count())


def register() -> None:
    register_indicator(Indicator(
        key="inclusion.registrations", label=_("Registrations for digital-help events"),
        description=_("Registrations for events and courses of the digital-help calendar made in the period that "
                      "hold a place (without the waiting list and cancellations)."),
        unit=Unit.COUNT, perspective=Perspective.CO_PRODUCTION, measure=registrations))
    register_indicator(Indicator(
        key="inclusion.events_held", label=_("Digital-help events held"),
        description=_("Events and course sessions of the digital-help calendar that began in the period and were "
                      "not cancelled."),
        unit=Unit.COUNT, perspective=Perspective.CO_PRODUCTION, measure=events_held))
