"""Indicators that the platform measures from its own data, for impact models and the annual report.

Each feature app registers what it can measure in ``AppConfig.ready()`` with ``register_indicator``: the
proposals app "share of proposals answered within the deadline", the inclusion app "event registrations", and so
on. The app that shows indicators (impact models, the openness report) imports none of them; it asks this
registry.

``measure(municipality_ids, start, end)`` returns the indicator's value for the municipalities (one, or the
members of a lab) over the half-open period [start, end), or None where the period has no data (a share of
nothing). It runs a fixed number of aggregate queries, whatever the data size. ``breakdown``, where given,
returns the value split by a dimension (district, age band) for the same period, as label → value.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from kommune.core.perspectives import Perspective

Measure = Callable[[Sequence[int], datetime, datetime], float | None]
Breakdown = Callable[[Sequence[int], datetime, datetime], dict[str, float]]


class Unit(models.TextChoices):
    COUNT = "count", _("number")
    PERCENT = "percent", _("per cent")
    DAYS = "days", _("days")


@dataclass(frozen=True)
class Indicator:
    key: str  # stable, "<app>.<name>", used in stored models, URLs, the API and open data
    label: str | Promise
    description: str | Promise  # how it is computed, in one or two sentences for the public
    unit: Unit
    perspective: Perspective
    measure: Measure
    breakdown: Breakdown | None = None
    higher_is_better: bool = True


_by_key: dict[str, Indicator] = {}


def register_indicator(indicator: Indicator) -> None:
    """Offer ``indicator``; registered (or replaced, on a reload) by the app that owns its data."""
    app_label = indicator.key.partition(".")[0]
    existing = _by_key.get(indicator.key)
    if not app_label or (existing is not None and existing.measure.__module__ != indicator.measure.__module__):
        raise ValueError(f"The indicator key {indicator.key!r} is malformed or taken.")
    _by_key[indicator.key] = indicator


def indicators() -> list[Indicator]:
    return sorted(_by_key.values(), key=lambda indicator: (indicator.perspective, indicator.key))


def indicator_by_key(key: str) -> Indicator | None:
    return _by_key.get(key)
