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


# --- Contributions across apps -------------------------------------------------------------------------------------
# "People who took part" and "share of contributions entered with assistance" span several apps (comments,
# supports, survey responses). Each app registers a ContributionSource; the two indicators below combine them
# without importing any app: one query for the people (a union of subqueries), one per source for the counts.

ParticipantIds = Callable[[Sequence[int], datetime, datetime], models.QuerySet]
ContributionCounts = Callable[[Sequence[int], datetime, datetime], tuple[int, int]]


@dataclass(frozen=True)
class ContributionSource:
    key: str  # "<app>.<what>", e.g. "proposals.supports"
    # The ids of the accounts that contributed in the period, as a values("...") queryset (one column, a subquery).
    participants: ParticipantIds | None
    # (all contributions, those entered with assistance: by phone, letter, paper) in the period; one query.
    counts: ContributionCounts | None


_sources: dict[str, ContributionSource] = {}


def register_contribution_source(source: ContributionSource) -> None:
    _sources[source.key] = source


def contribution_sources() -> list[ContributionSource]:
    return [_sources[key] for key in sorted(_sources)]


AGE_BANDS: tuple[tuple[str, int, int | None], ...] = (
    ("unter 18", 0, 18), ("18–29", 18, 30), ("30–49", 30, 50), ("50–64", 50, 65), ("65 und älter", 65, None))
UNKNOWN_AGE = "ohne Angabe"


def _participant_users(municipality_ids: Sequence[int], start: datetime, end: datetime) -> models.QuerySet:
    from django.contrib.auth import get_user_model

    # One subquery of the distinct ids (UNION): "id IN (…) OR id IN (…)" made PostgreSQL test every account
    # against subqueries too large to hash, which took over ten minutes on the Millionenstadt.
    parts = [source.participants(municipality_ids, start, end) for source in contribution_sources()
             if source.participants is not None]
    users = get_user_model().objects
    if not parts:
        return users.none()
    return users.filter(pk__in=parts[0].union(*parts[1:]) if len(parts) > 1 else parts[0])


def measure_participants(municipality_ids: Sequence[int], start: datetime, end: datetime) -> float | None:
    """Distinct accounts that supported, commented, answered a survey (every registered source) in the period."""
    return float(_participant_users(municipality_ids, start, end).count())


def age_band_of(birth_date, on) -> str:
    """The band of AGE_BANDS a person born on ``birth_date`` is in on the day ``on``; UNKNOWN_AGE without a date."""
    if birth_date is None:
        return UNKNOWN_AGE
    age = on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))
    for label, lowest, below in AGE_BANDS:
        if age >= lowest and (below is None or age < below):
            return label
    return UNKNOWN_AGE


def _birth_cut(on, years: int):
    """The last birth date of a person who is at least ``years`` old on the day ``on`` (29 February → 28th)."""
    try:
        return on.replace(year=on.year - years)
    except ValueError:
        return on.replace(year=on.year - years, day=28)


def breakdown_participants_by_age(municipality_ids: Sequence[int], start: datetime,
                                  end: datetime) -> dict[str, float]:
    """The people who took part by age band (age at the end of the period, from the account's date of birth);
    one query. The accounts store no district, so there is no breakdown by district."""
    from datetime import timedelta

    from django.utils import timezone

    on = timezone.localtime(end - timedelta(microseconds=1)).date() if timezone.is_aware(end) else (
        end - timedelta(microseconds=1)).date()
    whens = []
    for label, lowest, below in AGE_BANDS:
        condition = models.Q(birth_date__lte=_birth_cut(on, lowest))
        if below is not None:
            condition &= models.Q(birth_date__gt=_birth_cut(on, below))
        whens.append(models.When(condition, then=models.Value(label)))
    rows = (_participant_users(municipality_ids, start, end)
            .annotate(band=models.Case(*whens, default=models.Value(UNKNOWN_AGE), output_field=models.CharField()))
            .values("band").annotate(people=models.Count("pk")).order_by())
    found = {row["band"]: float(row["people"]) for row in rows}
    labels = [label for label, _lowest, _below in AGE_BANDS] + [UNKNOWN_AGE]
    return {label: found.get(label, 0.0) for label in labels}


def measure_assisted_share(municipality_ids: Sequence[int], start: datetime, end: datetime) -> float | None:
    """Per cent of the contributions of the period (every registered source) that staff entered for residents."""
    total = assisted = 0
    for source in contribution_sources():
        if source.counts is not None:
            source_total, source_assisted = source.counts(municipality_ids, start, end)
            total += source_total
            assisted += source_assisted
    return round(100.0 * assisted / total, 1) if total else None


def register_contribution_indicators() -> None:
    """The two indicators that combine the contribution sources; registered once by core (CoreConfig.ready)."""
    register_indicator(Indicator(
        key="core.participants", label=_("People who took part"),
        description=_("Distinct accounts that commented, supported a citizen proposal or answered a survey in the "
                      "period, with a breakdown by age band from the date of birth given in the account."),
        unit=Unit.COUNT, perspective=Perspective.DIALOGUE, measure=measure_participants,
        breakdown=breakdown_participants_by_age))
    register_indicator(Indicator(
        key="core.assisted_share", label=_("Share of contributions entered with assistance"),
        description=_("Comments received by phone, letter or at an event, paper signatures for citizen proposals "
                      "and paper questionnaires, as a share of all comments, supports and survey responses of the "
                      "period."),
        unit=Unit.PERCENT, perspective=Perspective.DIALOGUE, measure=measure_assisted_share))


def median(values: Sequence[float]) -> float | None:
    """The median of ``values`` (None for none), for the median durations of the apps' indicators."""
    ordered = sorted(values)
    if not ordered:
        return None
    middle = len(ordered) // 2
    return float(ordered[middle]) if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2.0


def median_days(pairs: Sequence[tuple[datetime, datetime]]) -> float | None:
    """The median of the durations from each pair's first to its second moment, in days with one decimal."""
    result = median([(later - earlier).total_seconds() / 86400.0 for earlier, later in pairs])
    return None if result is None else round(result, 1)
