"""What the platform measures from issue reports (kommune/core/indicators.py). Registered from
ReportsConfig.ready()."""

from collections.abc import Sequence
from datetime import datetime

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from kommune.core.indicators import Indicator, Unit, median_days, register_indicator
from kommune.core.perspectives import Perspective
from kommune.reports.models import Report


def _closed(municipality_ids: Sequence[int], start: datetime, end: datetime) -> QuerySet[Report]:
    return Report.objects.filter(municipality_id__in=municipality_ids, status=Report.Status.CLOSED,
                                 closed_at__gte=start, closed_at__lt=end)


def reports_closed(municipality_ids: Sequence[int], start: datetime, end: datetime) -> float | None:
    return float(_closed(municipality_ids, start, end).count())


def median_close_days(municipality_ids: Sequence[int], start: datetime, end: datetime) -> float | None:
    pairs = _closed(municipality_ids, start, end).values_list("created_at", "closed_at")
    return median_days([(created, closed) for created, closed in pairs if closed is not None])


def register() -> None:
    register_indicator(Indicator(
        key="reports.closed", label=_("Issue reports closed"),
        description=_("Issue reports (defects, litter, broken lamps) closed in the period."),
        unit=Unit.COUNT, perspective=Perspective.CO_PRODUCTION, measure=reports_closed))
    register_indicator(Indicator(
        key="reports.median_close_days", label=_("Median time to close an issue report"),
        description=_("For the issue reports closed in the period: the median of the days from the report to "
                      "its closing."),
        unit=Unit.DAYS, perspective=Perspective.CO_PRODUCTION, measure=median_close_days, higher_is_better=False))
