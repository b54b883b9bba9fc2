"""Reads of the self-assessment shared by the pages, the report and the API: a round's result per perspective
(mean and spread across the people who answered), the change since the previous round, the comparison inside a
lab (only members that shared their result) and the platform's evidence (registered indicators) for a year.

Each function runs a fixed number of queries: the answers of a round are at most team size × statements."""

import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from django.db.models import Count, QuerySet

from kommune.core.indicators import Indicator, indicators
from kommune.core.models import Lab, Municipality
from kommune.core.perspectives import Perspective
from kommune.openness.models import Answer, Report, Round
from kommune.openness.questionnaire import statements

BERLIN = ZoneInfo("Europe/Berlin")


@dataclass(frozen=True)
class Spread:
    """Mean and five-number summary of the people's scores (each person's mean over the perspective's statements)."""

    people: int
    mean: float
    minimum: float
    lower_quartile: float
    median: float
    upper_quartile: float
    maximum: float


@dataclass(frozen=True)
class PerspectiveResult:
    perspective: Perspective
    spread: Spread | None  # None: nobody answered
    previous_mean: float | None = None

    @property
    def change(self) -> float | None:
        if self.spread is None or self.previous_mean is None:
            return None
        return round(self.spread.mean - self.previous_mean, 2)


@dataclass(frozen=True)
class RoundResult:
    round: Round | None
    people: int
    perspectives: list[PerspectiveResult]
    previous: Round | None = None

    def by_key(self) -> dict[str, PerspectiveResult]:
        return {str(result.perspective.value): result for result in self.perspectives}


def spread_of(scores: Sequence[float]) -> Spread | None:
    if not scores:
        return None
    ordered = sorted(scores)
    if len(ordered) == 1:
        lower, median, upper = ordered[0], ordered[0], ordered[0]
    else:
        lower, median, upper = statistics.quantiles(ordered, n=4, method="inclusive")
    return Spread(len(ordered), round(statistics.fmean(ordered), 2), round(ordered[0], 2), round(lower, 2),
                  round(median, 2), round(upper, 2), round(ordered[-1], 2))


def _scores_by_round(rounds: Iterable[Round]) -> dict[int, dict[str, list[float]]]:
    """round id -> perspective -> each person's mean rating over the perspective's statements. One query."""
    rounds = list(rounds)
    if not rounds:
        return {}
    perspective_of = {round_.pk: {s.key: str(s.perspective.value) for s in statements(round_.version)}
                      for round_ in rounds}
    ratings: dict[tuple[int, str, int], list[int]] = defaultdict(list)
    for round_id, user_id, statement, rating in Answer.objects.filter(round__in=rounds).values_list(
            "round_id", "user_id", "statement", "rating").iterator(chunk_size=2000):
        perspective = perspective_of[round_id].get(statement)
        if perspective is not None:
            ratings[(round_id, perspective, user_id)].append(rating)
    scores: dict[int, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for (round_id, perspective, _user), values in ratings.items():
        scores[round_id][perspective].append(statistics.fmean(values))
    return scores


def previous_round(round_: Round) -> Round | None:
    return Round.objects.filter(municipality_id=round_.municipality_id, year__lt=round_.year).order_by(
        "-year").first()


def round_result(round_: Round | None) -> RoundResult:
    """The result of ``round_`` with the change since the municipality's previous round. Two or three queries."""
    if round_ is None:
        return RoundResult(None, 0, [PerspectiveResult(p, None) for p in Perspective])
    previous = previous_round(round_)
    scores = _scores_by_round([r for r in (round_, previous) if r is not None])
    current = scores.get(round_.pk, {})
    before = scores.get(previous.pk, {}) if previous else {}
    results = []
    for perspective in Perspective:
        earlier = spread_of(before.get(perspective.value, []))
        results.append(PerspectiveResult(perspective, spread_of(current.get(perspective.value, [])),
                                         earlier.mean if earlier else None))
    return RoundResult(round_, people_who_answered(round_), results, previous)


def people_who_answered(round_: Round) -> int:
    return Answer.objects.filter(round=round_).values("user_id").distinct().count()


def answers_of(round_: Round, user) -> dict[str, Answer]:
    return {answer.statement: answer for answer in Answer.objects.filter(round=round_, user=user)}


def rounds_of(municipality: Municipality) -> list[Round]:
    return list(Round.objects.filter(municipality=municipality).order_by("-year")[:50])


@dataclass(frozen=True)
class MemberResult:
    municipality: Municipality
    people: int
    means: dict[str, float | None] = field(default_factory=dict)  # perspective -> mean


def lab_comparison(lab: Lab, year: int) -> list[MemberResult]:
    """The lab's members whose round of ``year`` is shared with the labs; the others are left out entirely (not
    even named). Two queries."""
    rounds = list(Round.objects.filter(municipality__labs=lab, year=year, shared_with_labs=True)
                  .select_related("municipality").order_by("municipality__name"))
    scores = _scores_by_round(rounds)
    members = []
    for round_ in rounds:
        by_perspective = scores.get(round_.pk, {})
        if not by_perspective:
            continue
        people = max(len(values) for values in by_perspective.values())
        means: dict[str, float | None] = {
            str(p.value): round(statistics.fmean(by_perspective[p.value]), 2) if by_perspective.get(p.value)
            else None for p in Perspective}
        members.append(MemberResult(round_.municipality, people, means))
    return members


def labs_of(municipality: Municipality) -> list[Lab]:
    return list(Lab.objects.filter(municipalities=municipality).order_by("name"))


def comparisons(round_: Round) -> list[tuple[Lab, list[MemberResult]]]:
    """Per lab of the round's municipality, the members that shared their result of the year; nothing unless
    this round is shared too (a municipality sees the others only after it consented itself)."""
    if not round_.shared_with_labs:
        return []
    labs = Lab.objects.filter(municipalities=round_.municipality_id).order_by("name")
    return [(lab, lab_comparison(lab, round_.year)) for lab in labs]


# --- The platform's evidence ------------------------------------------------------------------------------------


def year_span(year: int) -> tuple[datetime, datetime]:
    """The calendar year in Berlin as the half-open period [1 January, 1 January of the next year)."""
    return datetime(year, 1, 1, tzinfo=BERLIN), datetime(year + 1, 1, 1, tzinfo=BERLIN)


@dataclass(frozen=True)
class Evidence:
    indicator: Indicator
    value: float | None
    previous: float | None = None


def evidence(municipality_ids: Sequence[int], year: int, *, with_previous: bool = False) -> dict[str, list[Evidence]]:
    """perspective -> the registered indicators of that perspective with their value for ``year`` (and the year
    before). Each indicator runs a fixed number of aggregate queries, whatever the data size."""
    start, end = year_span(year)
    before_start, _before_end = year_span(year - 1)
    found: dict[str, list[Evidence]] = defaultdict(list)
    for indicator in indicators():
        value = indicator.measure(municipality_ids, start, end)
        previous = indicator.measure(municipality_ids, before_start, start) if with_previous else None
        found[str(indicator.perspective.value)].append(Evidence(indicator, value, previous))
    return dict(found)


def reports_of(tenant: Municipality | Lab) -> QuerySet[Report]:
    """The published reports of a municipality or a lab (a report is public once it exists)."""
    if isinstance(tenant, Lab):
        return Report.objects.filter(lab=tenant).select_related("lab")
    return Report.objects.filter(municipality=tenant).select_related("municipality")


def published_reports(municipality: Municipality) -> list[Report]:
    return list(reports_of(municipality).order_by("-year")[:100])


def published_lab_reports(lab: Lab) -> list[Report]:
    return list(reports_of(lab).order_by("-year")[:100])


def rounds_counted(municipality: Municipality) -> QuerySet[Round]:
    """The municipality's rounds, each with ``people`` (who answered)."""
    return Round.objects.filter(municipality=municipality).annotate(people=Count("answers__user", distinct=True))


def rounds_with_counts(municipality: Municipality) -> list[Round]:
    """The municipality's rounds, newest first, each with ``people`` (who answered). One query."""
    return list(rounds_counted(municipality).order_by("-year")[:50])


def shared_years(lab: Lab) -> list[int]:
    """Years in which at least one member shared its self-assessment with the labs, newest first."""
    return list(Round.objects.filter(municipality__labs=lab, shared_with_labs=True).values_list(
        "year", flat=True).distinct().order_by("-year")[:50])
