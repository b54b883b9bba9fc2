"""Geometry of the charts drawn on the server as SVG (templates openness/_radar.html and openness/_bars.html):
the radar of the seven perspectives and the small bar charts of the report. No JavaScript; each chart has a
title, a description and a table beside it."""

import math
from collections.abc import Sequence
from dataclasses import dataclass

from kommune.openness.selectors import PerspectiveResult

WIDTH = 720
HEIGHT = 520
CENTRE_X = 360
CENTRE_Y = 255
RADIUS = 170
SCALE_MAX = 5
LABEL_GAP = 18


@dataclass(frozen=True)
class Axis:
    x: float
    y: float
    label_x: float
    label_y: float
    anchor: str  # text-anchor
    lines: tuple[str, ...]


def _angle(index: int, count: int) -> float:
    return -math.pi / 2 + 2 * math.pi * index / count


def _point(value: float, index: int, count: int) -> tuple[float, float]:
    distance = RADIUS * max(0.0, min(value, SCALE_MAX)) / SCALE_MAX
    angle = _angle(index, count)
    return round(CENTRE_X + distance * math.cos(angle), 1), round(CENTRE_Y + distance * math.sin(angle), 1)


def _polygon(values: Sequence[float]) -> str:
    count = len(values)
    return " ".join(f"{x},{y}" for x, y in (_point(value, i, count) for i, value in enumerate(values)))


def _wrap(label: str, width: int = 22) -> tuple[str, ...]:
    """At most two lines, broken at the space nearest the middle of a long label."""
    if len(label) <= width or " " not in label:
        return (label,)
    middle = len(label) // 2
    spaces = [i for i, character in enumerate(label) if character == " "]
    cut = min(spaces, key=lambda i: abs(i - middle))
    return label[:cut], label[cut + 1:]


def _axes(labels: Sequence[str]) -> list[Axis]:
    count = len(labels)
    axes = []
    for index, label in enumerate(labels):
        x, y = _point(SCALE_MAX, index, count)
        angle = _angle(index, count)
        label_x = round(CENTRE_X + (RADIUS + LABEL_GAP) * math.cos(angle), 1)
        label_y = round(CENTRE_Y + (RADIUS + LABEL_GAP) * math.sin(angle) + 5, 1)
        cosine = math.cos(angle)
        anchor = "middle" if abs(cosine) < 0.2 else ("start" if cosine > 0 else "end")
        lines = _wrap(label)
        if math.sin(angle) < -0.5:  # above the centre: the lines go up
            label_y -= 16 * (len(lines) - 1)
        axes.append(Axis(x, y, label_x, label_y, anchor, lines))
    return axes


def radar(results: Sequence[PerspectiveResult]) -> dict:
    """Rings for 1–5, an axis per perspective, the band from the lowest to the highest score (evenodd path), the
    mean, and last round's mean where there was one."""
    labels = [str(result.perspective.label) for result in results]
    count = len(results)
    answered = [result for result in results if result.spread is not None]
    chart: dict = {
        "width": WIDTH, "height": HEIGHT, "centre_x": CENTRE_X, "centre_y": CENTRE_Y,
        "rings": [{"value": value, "points": _polygon([value] * count),
                   "label_y": round(CENTRE_Y - RADIUS * value / SCALE_MAX + 4, 1)} for value in range(1, 6)],
        "axes": _axes(labels), "mean": None, "band": None, "previous": None,
    }
    if answered:
        def values(attribute: str) -> list[float]:
            return [getattr(r.spread, attribute) if r.spread else 0.0 for r in results]

        chart["mean"] = _polygon(values("mean"))
        chart["band"] = f"M{_polygon(values('maximum'))}Z M{_polygon(values('minimum'))}Z"
    if any(result.previous_mean is not None for result in results):
        chart["previous"] = _polygon([result.previous_mean or 0.0 for result in results])
    return chart


BAR_WIDTH = 360
BAR_ROW = 34
BAR_SPACE = 240


def bars(rows: Sequence[tuple[str, float | None]]) -> dict:
    """A horizontal bar per (label, value), scaled to the largest value; a missing value draws no bar."""
    largest = max((value for _label, value in rows if value), default=0) or 1
    shapes = []
    for index, (label, value) in enumerate(rows):
        width = round(BAR_SPACE * (value or 0) / largest)
        shapes.append({"label": label, "value": value, "y": index * BAR_ROW + 6, "width": max(width, 1 if value
                                                                                               else 0),
                       "text_x": 100 + max(width, 0) + 6})
    return {"width": BAR_WIDTH, "height": max(len(rows), 1) * BAR_ROW + 6, "bars": shapes}
