"""Test helpers of the openness app: a test indicator in the core registry, rounds answered by a team."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from kommune.core import indicators as registry
from kommune.core.indicators import Indicator, Unit
from kommune.core.perspectives import Perspective
from kommune.openness import services
from kommune.openness.questionnaire import CURRENT_VERSION, statements


def measure_test_value(municipality_ids, start: datetime, end: datetime) -> float | None:
    """A stand-in for a real indicator: 10 × the number of municipalities, plus the year's last two digits."""
    return float(10 * len(municipality_ids) + start.year % 100)


@contextmanager
def registered_indicator(perspective: Perspective = Perspective.OPEN_DATA) -> Iterator[Indicator]:
    """Register a test indicator for the duration of the block; the registry is restored afterwards."""
    saved = dict(registry._by_key)
    indicator = Indicator(key="openness_test.datasets", label="Testdatensätze veröffentlicht",
                          description="Zählt Testdatensätze.", unit=Unit.COUNT, perspective=perspective,
                          measure=measure_test_value)
    registry.register_indicator(indicator)
    try:
        yield indicator
    finally:
        registry._by_key.clear()
        registry._by_key.update(saved)


def uniform(rating: int) -> dict[str, int]:
    return {statement.key: rating for statement in statements(CURRENT_VERSION)}


def by_perspective(values: dict[str, int], default: int = 3) -> dict[str, int]:
    """The same rating for every statement of a perspective: {"transparency": 4, ...}."""
    return {s.key: values.get(s.perspective.value, default) for s in statements(CURRENT_VERSION)}


def answered_round(municipality, year: int, manager, answers: dict, *, shared: bool = False, close: bool = True):
    """A round of ``year`` answered by each person in ``answers`` (person -> ratings)."""
    round_ = services.do_open_round(municipality=municipality, actor=manager, year=year)
    for person, ratings in answers.items():
        services.do_answer_round(round=round_, actor=person, ratings=ratings)
    if shared:
        services.do_set_sharing(round=round_, actor=manager, shared=True)
    if close:
        services.do_close_round(round=round_, actor=manager)
    return round_
