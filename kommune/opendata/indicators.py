"""What the platform measures from the open-data catalogue (kommune/core/indicators.py). Registered from
OpendataConfig.ready(). Downloads are not counted (files are served by the storage or elsewhere), so there is
no download indicator."""

from collections.abc import Sequence
from datetime import datetime

from django.utils.translation import gettext_lazy as _

from kommune.core.indicators import Indicator, Unit, register_indicator
from kommune.core.perspectives import Perspective
from kommune.opendata.models import Dataset


def datasets_published(municipality_ids: Sequence[int], start: datetime, end: datetime) -> float | None:
    """Datasets first published in the period and still published."""
    return float(Dataset.objects.filter(municipality_id__in=municipality_ids, is_published=True,
                                        issued_at__gte=start, issued_at__lt=end).count())


def datasets_available(municipality_ids: Sequence[int], start: datetime, end: datetime) -> float | None:
    """Datasets published (and still published) by the end of the period."""
    return float(Dataset.objects.filter(municipality_id__in=municipality_ids, is_published=True,
                                        issued_at__lt=end).count())


def register() -> None:
    register_indicator(Indicator(
        key="opendata.datasets_published", label=_("Open datasets published"),
        description=_("Datasets of the open-data catalogue first published in the period (and still published)."),
        unit=Unit.COUNT, perspective=Perspective.OPEN_DATA, measure=datasets_published))
    register_indicator(Indicator(
        key="opendata.datasets_available", label=_("Open datasets available"),
        description=_("Datasets of the open-data catalogue published by the end of the period (and still "
                      "published)."),
        unit=Unit.COUNT, perspective=Perspective.OPEN_DATA, measure=datasets_available))
