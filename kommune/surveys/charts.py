"""Geometry of the charts drawn on the server as SVG (templates surveys/_bar_chart.html, surveys/_map.html):
bar charts of survey results and the scatter plot of an opinion map. No JavaScript, a text alternative each."""

from dataclasses import dataclass

from kommune.surveys.selectors import Bar

WIDTH = 360
LABEL_HEIGHT = 18
BAR_HEIGHT = 18
ROW = 48
BAR_SPACE = 300  # the rest of the width holds the percentage
# Colour-blind-safe palette (Okabe–Ito), dark enough for 3:1 against white.
GROUP_COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#7F6A00")


@dataclass
class BarShape:
    label: str
    count: int
    percent: int
    label_y: int
    bar_y: int
    width: int
    text_x: int


def bar_chart(bars: list[Bar]) -> dict:
    shapes = []
    for index, bar in enumerate(bars):
        width = round(bar.share * BAR_SPACE)
        shapes.append(BarShape(bar.label, bar.count, round(bar.share * 100), index * ROW + 14,
                               index * ROW + LABEL_HEIGHT + 4, max(width, 1), max(width, 1) + 8))
    return {"width": WIDTH, "height": max(len(bars) * ROW, ROW), "bars": shapes, "bar_height": BAR_HEIGHT}


MAP_SIZE = 480
MAP_MARGIN = 16


def scatter(points: list[list[float]]) -> dict:
    """The placed participants scaled into the square; one circle each, coloured by group."""
    if not points:
        return {"size": MAP_SIZE, "points": []}
    xs = [point[0] for point in points]
    ys = [point[1] for point in points]
    span = max(max(xs) - min(xs), max(ys) - min(ys)) or 1.0
    scale = (MAP_SIZE - 2 * MAP_MARGIN) / span
    mid_x, mid_y = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    circles = [(round(MAP_SIZE / 2 + (x - mid_x) * scale, 1), round(MAP_SIZE / 2 - (y - mid_y) * scale, 1),
                GROUP_COLOURS[int(group) % len(GROUP_COLOURS)]) for x, y, group in points]
    return {"size": MAP_SIZE, "points": circles}
