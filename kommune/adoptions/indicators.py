"""What the platform measures from adoptions of public green (kommune/core/indicators.py). Registered from
AdoptionsConfig.ready()."""

from collections.abc import Sequence
from datetime import datetime, timedelta

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kommune.adoptions.models import Adoption
from kommune.core.indicators import Indicator, Unit, register_indicator
from kommune.core.perspectives import Perspective


def active_adoptions(municipality_ids: Sequence[int], start: datetime, end: datetime) -> float | None:
    """Adoptions of the period's seasons that ran at some time in the period: adopted before its end and not
    ended before its start."""
    seasons = range(timezone.localtime(start).year, timezone.localtime(end - timedelta(microseconds=1)).year + 1)
    return float(Adoption.objects.filter(
        Q(ended_at__isnull=True) | Q(ended_at__gte=start), municipality_id__in=municipality_ids,
        season__in=list(seasons), adopted_at__lt=end).count())


def register() -> None:
    register_indicator(Indicator(
        key="adoptions.active", label=_("Adoptions of public green running"),
        description=_("Adoptions of trees, hedges, beds, benches and water points that ran at some time in the "
                      "period (adopted before its end, not ended before its start)."),
        unit=Unit.COUNT, perspective=Perspective.CO_PRODUCTION, measure=active_adoptions))
