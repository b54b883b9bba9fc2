"""The record set "impact-values": every value of every indicator of the municipality's public impact models,
per month, with the model, the step of the chain, the target and whether the platform measured it. No personal
data."""

from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from kommune.core.models import Municipality
from kommune.core.records import Column, register_record_set
from kommune.impact.events import ImpactModelSaved, IndicatorsSnapshotted, IndicatorValueEntered
from kommune.impact.selectors import value_rows

COLUMNS = (
    Column("id", "string", _("Indicator number and month, e.g. 12-2026-05."), required=True),
    Column("model_id", "integer", _("Number of the impact model on this platform."), required=True),
    Column("model_title", "string", _("Title of the impact model."), required=True),
    Column("step", "string", _("Step of the chain: inputs, activities, outputs, outcomes or impact."),
           required=True),
    Column("indicator_id", "integer", _("Number of the indicator on this platform."), required=True),
    Column("indicator", "string", _("Title of the indicator."), required=True),
    Column("measured_key", "string", _("Key of the platform-measured indicator (docs/impact.md), empty when "
                                       "entered by hand.")),
    Column("unit", "string", _("Unit: count, percent or days."), required=True),
    Column("month", "string", _("The month of the value, YYYY-MM."), required=True),
    Column("value", "number", _("The value."), required=True),
    Column("source", "string", _("Where an entered value comes from; empty for a value the platform measured.")),
    Column("target_value", "number", _("The target value, if set.")),
    Column("target_date", "date", _("By when the target is to be reached, if set.")),
    Column("url", "string", _("Address of the impact model on this platform."), required=True),
)

CHANGED_BY = (ImpactModelSaved, IndicatorValueEntered, IndicatorsSnapshotted)


def rows(municipality: Municipality) -> Iterator[dict[str, Any]]:
    """One query, streamed."""
    site = settings.SITE_URL.rstrip("/")
    for value in value_rows(municipality).iterator(chunk_size=2000):
        indicator = value.indicator
        model = indicator.model
        yield {
            "id": f"{indicator.pk}-{value.period:%Y-%m}", "model_id": model.pk, "model_title": model.title,
            "step": indicator.step.level, "indicator_id": indicator.pk, "indicator": indicator.display_title,
            "measured_key": indicator.measured_key, "unit": indicator.unit, "month": f"{value.period:%Y-%m}",
            "value": float(value.value), "source": value.source,
            "target_value": float(indicator.target_value) if indicator.target_value is not None else None,
            "target_date": indicator.target_date, "url": site + model.get_absolute_url(),
        }


def register() -> None:
    register_record_set(
        key="impact-values", title=_("Impact indicators"),
        description=_("The indicators of the public impact models (Wirkungsorientierung) per month: values measured "
                      "by the platform and values entered by staff with their source, with the targets."),
        columns=COLUMNS, rows=rows, changed_by=CHANGED_BY, themes=("GOVE",),
        keywords=("Wirkungsorientierung", "Wirkungsmodell", "Indikatoren", "Open Government"),
    )
