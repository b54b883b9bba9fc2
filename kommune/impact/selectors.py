"""Reads of impact models that the pages, the API and the open data share. The model page reads stored values
only (snapshots and entered values): four queries, whatever the number of indicators and months."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils.translation import gettext_lazy as _

from kommune.core.linkables import linkables
from kommune.core.models import Lab, Municipality
from kommune.impact.models import LEVEL_HINTS, ImpactModel, Indicator, IndicatorValue, Level, Step

CHART_WIDTH, CHART_HEIGHT = 640, 240
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 56, 16, 16, 40
MAX_POINTS = 36  # the chart and its table show the last three years


def visible_models(municipality: Municipality, *, staff: bool) -> QuerySet[ImpactModel]:
    models = ImpactModel.objects.filter(municipality=municipality).select_related("municipality", "lab")
    return models if staff else models.filter(is_public=True)


def public_models() -> QuerySet[ImpactModel]:
    return ImpactModel.objects.filter(is_public=True).select_related("municipality", "lab")


@dataclass
class Status:
    key: str  # "reached", "open", "missed", "no_target", "no_value"
    label: str


@dataclass
class Chart:
    points: str  # the SVG polyline
    dots: list[tuple[float, float, str]]  # x, y, label
    x_labels: list[tuple[float, str]]
    y_labels: list[tuple[float, str]]
    target_y: float | None
    width: int = CHART_WIDTH
    height: int = CHART_HEIGHT


@dataclass
class IndicatorView:
    indicator: Indicator
    values: list[IndicatorValue] = field(default_factory=list)
    status: Status | None = None
    chart: Chart | None = None

    @property
    def latest(self) -> IndicatorValue | None:
        return self.values[-1] if self.values else None


@dataclass
class StepView:
    step: Step
    hint: str
    indicators: list[IndicatorView]


def status_of(indicator: Indicator, latest: IndicatorValue | None, today: date) -> Status:
    if latest is None:
        return Status("no_value", str(_("no value yet")))
    if indicator.target_value is None:
        return Status("no_target", str(_("no target set")))
    reached = (latest.value >= indicator.target_value if indicator.higher_is_better
               else latest.value <= indicator.target_value)
    if reached:
        return Status("reached", str(_("target reached")))
    if indicator.target_date is not None and indicator.target_date < today:
        return Status("missed", str(_("target missed")))
    return Status("open", str(_("target not yet reached")))


def _nice_max(highest: Decimal) -> float:
    value = float(highest)
    if value <= 0:
        return 1.0
    magnitude = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10.0 * magnitude


def chart_of(indicator: Indicator, values: list[IndicatorValue], number) -> Chart | None:
    """The geometry of the line chart (in SVG units) of ``values``; ``number`` formats the axis labels."""
    if not values:
        return None
    highest = max([v.value for v in values] + ([indicator.target_value] if indicator.target_value else []))
    top = _nice_max(highest)
    inner_w = CHART_WIDTH - MARGIN_LEFT - MARGIN_RIGHT
    inner_h = CHART_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM

    def y_of(value: float) -> float:
        return round(MARGIN_TOP + inner_h * (1 - max(0.0, value) / top), 1)

    def x_of(index: int) -> float:
        return round(MARGIN_LEFT + (inner_w * index / (len(values) - 1) if len(values) > 1 else inner_w / 2), 1)

    dots = [(x_of(i), y_of(float(v.value)), f"{v.period:%m/%Y}: {number(v.value)}") for i, v in enumerate(values)]
    every = max(1, len(values) // 6)
    x_labels = [(x_of(i), f"{v.period:%m/%y}") for i, v in enumerate(values) if i % every == 0]
    y_labels = [(y_of(top * share), number(top * share)) for share in (0, 0.5, 1)]
    target_y = y_of(float(indicator.target_value)) if indicator.target_value is not None else None
    return Chart(points=" ".join(f"{x},{y}" for x, y, _label in dots), dots=dots, x_labels=x_labels,
                 y_labels=y_labels, target_y=target_y)


def model_page(model: ImpactModel, *, today: date, number) -> list[StepView]:
    """The chain of ``model`` with each indicator's values (oldest first), status and chart: two queries."""
    values = IndicatorValue.objects.order_by("period")
    indicators = list(model.indicators.prefetch_related(Prefetch("values", queryset=values, to_attr="stored")))
    steps = {step.level: step for step in model.steps.all()}
    views = []
    for level in Level.values:
        step = steps.get(level)
        if step is None:
            continue
        items = []
        for indicator in indicators:
            if indicator.step_id != step.pk:
                continue
            stored = indicator.stored[-MAX_POINTS:]
            latest = stored[-1] if stored else None
            items.append(IndicatorView(indicator, stored, status_of(indicator, latest, today),
                                       chart_of(indicator, stored, number)))
        views.append(StepView(step, str(LEVEL_HINTS[Level(level)]), items))
    return views


def linked_object(model: ImpactModel):
    """The project (or other object) the model describes, if it is still public: (label, title, url) or None."""
    if model.link_type_id is None or model.link_id is None:
        return None
    linkable = next((item for item in linkables() if item.content_type().pk == model.link_type_id), None)
    if linkable is None:
        return None
    obj = linkable.queryset(model.municipality).filter(pk=model.link_id).first()
    return None if obj is None else (linkable.label, linkable.title(obj), linkable.url(obj))


def value_rows(municipality: Municipality | None = None) -> QuerySet[IndicatorValue]:
    """The values of the public models (for the open data and the API), oldest first."""
    rows = IndicatorValue.objects.filter(indicator__model__is_public=True).select_related(
        "indicator__model__municipality", "indicator__step")
    if municipality is not None:
        rows = rows.filter(Q(municipality=municipality))
    return rows.order_by("indicator__model_id", "indicator_id", "period")



def format_value(value) -> str:
    """A value in the active language's format without needless decimals: 1.234 · 37,5 · 12,25."""
    from django.utils import formats

    number = Decimal(str(value))
    places = 0 if number == number.to_integral_value() else (1 if (number * 10) == (number * 10).to_integral_value()
                                                              else 2)
    return formats.number_format(number, places, force_grouping=True)


# --- The impact models of a lab (a section of the lab's page, kommune/core/lab_sections.py) ---------------------

LAB_MODELS_SHOWN = 20


@dataclass
class LabIndicatorRow:
    indicator: Indicator
    latest: IndicatorValue | None
    status: Status


@dataclass
class LabModelRow:
    model: ImpactModel
    indicators: list[LabIndicatorRow]
    subproject: Any = None  # the lab's sub-project it describes (a kommune.core.lab_sections.LabSubProject)


def lab_models(lab: Lab, *, subproject_type: ContentType | None, subproject_ids: Sequence[int]
               ) -> QuerySet[ImpactModel]:
    """The public models of a lab's work: measured over the lab (``lab``) or describing one of its sub-projects
    that the reader may see."""
    condition = Q(lab=lab)
    if subproject_type is not None and subproject_ids:
        condition |= Q(link_type=subproject_type, link_id__in=list(subproject_ids))
    return ImpactModel.objects.filter(condition, is_public=True).select_related("municipality")


def latest_values(model_ids: Sequence[int]) -> list[Indicator]:
    """The indicators of the models, each with its latest stored value (``latest_value``, ``latest_period``,
    ``latest_measured_on``) in one query, whatever the number of months stored."""
    latest = IndicatorValue.objects.filter(indicator=OuterRef("pk")).order_by("-period")
    return list(Indicator.objects.filter(model_id__in=list(model_ids)).select_related("step").annotate(
        latest_value=Subquery(latest.values("value")[:1]), latest_period=Subquery(latest.values("period")[:1]),
        latest_measured_on=Subquery(latest.values("measured_on")[:1])).order_by("model_id", "position", "pk"))


def _level_rank(indicator: Indicator) -> int:
    return Level.values.index(indicator.step.level) if indicator.step.level in Level.values else len(Level.values)


def lab_overview(lab: Lab, *, subproject_type: ContentType | None, subproject_ids: Sequence[int],
                 today: date) -> tuple[list[LabModelRow], bool]:
    """The lab's models (at most LAB_MODELS_SHOWN) with each indicator's latest value against its target, in the
    order of the chain; and whether there are more. Two queries."""
    limit = LAB_MODELS_SHOWN
    models = list(lab_models(lab, subproject_type=subproject_type, subproject_ids=subproject_ids)
                  .order_by("title", "pk")[:limit + 1])
    more, models = len(models) > limit, models[:limit]
    by_model: dict[int, list[LabIndicatorRow]] = {model.pk: [] for model in models}
    for indicator in sorted(latest_values(list(by_model)), key=lambda item: (item.model_id, _level_rank(item),
                                                                             item.position, item.pk)):
        latest = None
        if indicator.latest_value is not None:  # type: ignore[attr-defined]
            latest = IndicatorValue(indicator=indicator, value=indicator.latest_value,  # type: ignore[attr-defined]
                                    period=indicator.latest_period,  # type: ignore[attr-defined]
                                    measured_on=indicator.latest_measured_on)  # type: ignore[attr-defined]
        by_model[indicator.model_id].append(LabIndicatorRow(indicator, latest, status_of(indicator, latest, today)))
    return [LabModelRow(model, by_model[model.pk]) for model in models], more
