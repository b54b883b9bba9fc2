"""Server-rendered bar charts of daily means as SVG, for sensors/_chart.html: computed here, drawn by the template,
and always accompanied by a table with the same numbers (the chart is an image with a title and a description for
screen readers, role="img")."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

WIDTH = 640
HEIGHT = 260
LEFT = 44  # room for the axis labels
RIGHT = 8
TOP = 12
BOTTOM = 28


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    day: date
    value: float
    above: bool  # above the first limit line


@dataclass(frozen=True)
class Line:
    y: float
    value: float
    label: str
    dashed: bool


@dataclass(frozen=True)
class Tick:
    y: float
    value: float


@dataclass(frozen=True)
class Chart:
    bars: list[Bar]
    lines: list[Line]
    ticks: list[Tick]
    labels: list[tuple[float, date]]  # x positions of a few day labels
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    bottom: float = HEIGHT - BOTTOM

    @property
    def empty(self) -> bool:
        return not self.bars


def _nice_step(maximum: float) -> float:
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000):
        if maximum / step <= 6:
            return float(step)
    return 2000.0


def bar_chart(points: Sequence[tuple[date, float | None]], limits: Sequence[tuple[float, str]] = ()) -> Chart:
    """Bars for the days with a value; ``limits`` as horizontal lines (the first solid, the others dashed)."""
    values = [(day, value) for day, value in points if value is not None]
    if not values:
        return Chart([], [], [], [])
    top = max([value for _day, value in values] + [limit for limit, _label in limits]) * 1.1 or 1.0
    step = _nice_step(top)
    top = step * (int(top / step) + 1)
    plot_height = HEIGHT - TOP - BOTTOM
    plot_width = WIDTH - LEFT - RIGHT
    slot = plot_width / len(points)

    def y_of(value: float) -> float:
        return round(TOP + plot_height * (1 - value / top), 1)

    first_limit = limits[0][0] if limits else None
    bars = []
    labels = []
    every = max(1, len(points) // 6)
    for index, (day, value) in enumerate(points):
        x = LEFT + index * slot
        if index % every == 0:
            labels.append((round(x + slot / 2, 1), day))
        if value is None:
            continue
        y = y_of(value)
        bars.append(Bar(round(x + slot * 0.15, 1), y, round(slot * 0.7, 1), round(HEIGHT - BOTTOM - y, 1), day, value,
                        first_limit is not None and value > first_limit))
    lines = [Line(y_of(limit), limit, label, index > 0) for index, (limit, label) in enumerate(limits)]
    ticks = [Tick(y_of(step * n), step * n) for n in range(int(top / step) + 1)]
    return Chart(bars, lines, ticks, labels)
