"""Geometry of the bar charts drawn on the server as SVG (template codesign/_chart.html): the mean effort and
clarity per step before and after a change, on the scale 1 to 5. No JavaScript; the page shows the same numbers
in a table."""

from dataclasses import dataclass

from kommune.codesign.selectors import Comparison

WIDTH = 480
LABEL_WIDTH = 0
BAR_SPACE = 360  # 5 on the scale; the rest of the width holds the value
BAR_HEIGHT = 16
ROW = 64
# Okabe–Ito blue and vermilion: colour-blind safe, 3:1 against white.
BEFORE_COLOUR = "#0072B2"
AFTER_COLOUR = "#D55E00"


@dataclass
class Bar:
    y: int
    width: int
    value: float | None
    colour: str
    pattern: bool  # the "after" bars are hatched too, so the two differ without colour


@dataclass
class Group:
    label: str
    label_y: int
    bars: list[Bar]


def comparison_chart(comparison: Comparison, measure: str) -> dict:
    """``measure`` is "effort" or "clarity"."""
    groups = []
    for index, row in enumerate(comparison.rows):
        top = index * ROW
        bars = []
        for offset, (stats, colour, pattern) in enumerate(((row.before, BEFORE_COLOUR, False),
                                                           (row.after, AFTER_COLOUR, True))):
            value = getattr(stats, measure)
            width = round((value or 0) / 5 * BAR_SPACE)
            bars.append(Bar(top + 22 + offset * (BAR_HEIGHT + 4), max(width, 1) if value else 0, value, colour,
                            pattern))
        groups.append(Group(f"{row.step.position}. {row.step.title}", top + 14, bars))
    return {"width": WIDTH, "height": max(len(groups) * ROW, ROW), "groups": groups, "bar_height": BAR_HEIGHT,
            "before_colour": BEFORE_COLOUR, "after_colour": AFTER_COLOUR}
