"""Writes of impact models: the model and its chain, indicators, values entered by staff, and the monthly
snapshots of the measured indicators."""

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kommune.core.cleaning import clean_text
from kommune.core.events import publish
from kommune.core.indicators import Unit, indicator_by_key
from kommune.core.linkables import linkable_by_kind
from kommune.core.models import AuditLogEntry, Lab, Municipality
from kommune.core.services import log_action
from kommune.core.types import User
from kommune.impact.events import ImpactModelSaved, IndicatorsSnapshotted, IndicatorValueEntered
from kommune.impact.models import ImpactModel, Indicator, IndicatorValue, Level, Step

BERLIN = ZoneInfo("Europe/Berlin")
MAX_VALUE = Decimal("999999999999.99")
MAX_INDICATORS = 40
SNAPSHOT_MONTHS = 12


def _check_manage(actor: User, municipality: Municipality) -> None:
    if not actor.has_perm("impact.manage", municipality):
        raise PermissionDenied


def _clean(value: str, limit: int, *, field: str, required: bool = False) -> str:
    try:
        return clean_text(value, max_length=limit, required=_("Please fill in this field.") if required else None)
    except ValidationError as error:
        raise ValidationError({field: error.messages}) from None


def parse_value(raw: object, *, field: str = "value") -> Decimal:
    """A number as staff type it (German "1.234,5" or "1234.5"); a clear error for anything else."""
    text = str(raw).strip().replace(" ", "").replace("\u00a0", "")
    if "," in text:
        text = text.replace(".", "").replace(",", ".")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValidationError({field: _("Please enter a number, e.g. 12 or 37,5.")}) from None
    if not value.is_finite() or abs(value) > MAX_VALUE:
        raise ValidationError({field: _("Please enter a number, e.g. 12 or 37,5.")})
    return value.quantize(Decimal("0.01"))


def municipality_ids_of(model: ImpactModel) -> list[int]:
    """Where the platform measures: the lab's member municipalities for a lab's model, else the municipality."""
    if model.lab_id is not None:
        ids = sorted(model.lab.municipalities.values_list("pk", flat=True))  # type: ignore[union-attr]
        return ids or [model.municipality_id]
    return [model.municipality_id]


# --- The model and its chain ------------------------------------------------------------------------------------


def do_save_model(*, municipality: Municipality, actor: User, title: str, summary: str = "", is_public: bool = False,
                  lab: Lab | None = None, link_kind: str = "", link_id: int | None = None,
                  model: ImpactModel | None = None) -> ImpactModel:
    """Create a model (with its five empty steps) or change ``model``."""
    _check_manage(actor, municipality)
    if model is not None and model.municipality_id != municipality.pk:
        raise PermissionDenied
    title = _clean(title, 200, field="title", required=True)
    summary = _clean(summary, 3000, field="summary")
    if lab is not None and not lab.municipalities.filter(pk=municipality.pk).exists():
        raise ValidationError({"lab": _("The municipality is not a member of this lab.")})
    link_type, linked = _link(municipality, link_kind, link_id)
    with transaction.atomic():
        if model is None:
            model = ImpactModel(municipality=municipality)
        model.title, model.summary, model.is_public, model.lab = title, summary, is_public, lab
        model.link_type, model.link_id = link_type, linked
        model.save()
        existing = set(model.steps.values_list("level", flat=True))
        Step.objects.bulk_create([Step(municipality=municipality, model=model, level=level)
                                  for level in Level.values if level not in existing])
        publish(ImpactModelSaved(municipality=municipality, target=model, actor=actor))
    return model


def _link(municipality: Municipality, kind: str, object_id: int | None) -> tuple[ContentType | None, int | None]:
    if not kind or object_id is None:
        return None, None
    linkable = linkable_by_kind(kind)
    if linkable is None or not linkable.queryset(municipality).filter(pk=object_id).exists():
        raise ValidationError({"link_id": _("This object cannot be linked.")})
    return linkable.content_type(), object_id


def do_save_step(*, actor: User, step: Step, description: str) -> Step:
    _check_manage(actor, step.municipality)
    step.description = _clean(description, 2000, field="description")
    with transaction.atomic():
        step.save(update_fields=["description"])
        publish(ImpactModelSaved(municipality=step.municipality, target=step.model, actor=actor))
    return step


def do_add_indicator(*, actor: User, model: ImpactModel, level: str, source: str, measured_key: str = "",
                     title: str = "", unit: str = Unit.COUNT, target_value: object = None,
                     target_date: date | None = None, higher_is_better: bool = True) -> Indicator:
    """An indicator of the step ``level``: measured (a key of the registry; title, unit and direction from it
    unless given) or entered by hand."""
    _check_manage(actor, model.municipality)
    if level not in Level.values:
        raise ValidationError({"level": _("Please choose a step of the chain.")})
    if source == Indicator.Source.MEASURED:
        registered = indicator_by_key(measured_key)
        if registered is None:
            raise ValidationError({"measured_key": _("Please choose an indicator the platform measures.")})
        unit, higher_is_better = registered.unit, registered.higher_is_better
    elif source == Indicator.Source.ENTERED:
        measured_key = ""
        if unit not in Unit.values:
            raise ValidationError({"unit": _("Please choose a unit.")})
    else:
        raise ValidationError({"source": _("Please choose whether the value is entered or measured.")})
    title = _clean(title, 200, field="title", required=source == Indicator.Source.ENTERED)
    target = None if target_value in (None, "") else parse_value(target_value, field="target_value")
    with transaction.atomic():
        if model.indicators.count() >= MAX_INDICATORS:
            raise ValidationError(_("A model can have at most %(max)d indicators.") % {"max": MAX_INDICATORS})
        step = model.steps.get(level=level)
        indicator = Indicator.objects.create(
            municipality=model.municipality, model=model, step=step, source=source, measured_key=measured_key,
            title=title, unit=unit, higher_is_better=higher_is_better, target_value=target, target_date=target_date,
            position=model.indicators.count())
        publish(ImpactModelSaved(municipality=model.municipality, target=model, actor=actor))
    return indicator


def do_delete_indicator(*, actor: User, indicator: Indicator) -> None:
    _check_manage(actor, indicator.municipality)
    model = indicator.model
    with transaction.atomic():
        indicator.delete()
        publish(ImpactModelSaved(municipality=model.municipality, target=model, actor=actor))


def month_start(day: date) -> date:
    return day.replace(day=1)


def do_enter_value(*, actor: User, indicator: Indicator, value: object, source: str,
                   measured_on: date) -> IndicatorValue:
    """Staff enter the value of an indicator entered by hand, with its source and date; the month of the date is
    its period (a second value for the same month replaces the first). Audited."""
    _check_manage(actor, indicator.municipality)
    if indicator.is_measured:
        raise ValidationError(_("The platform measures this indicator; its values cannot be entered."))
    number = parse_value(value)
    source = _clean(source, 300, field="source", required=True)
    if measured_on > timezone.localdate():
        raise ValidationError({"measured_on": _("The date cannot be in the future.")})
    with transaction.atomic():
        stored, _created = IndicatorValue.objects.update_or_create(
            indicator=indicator, period=month_start(measured_on),
            defaults={"municipality": indicator.municipality, "value": number, "source": source,
                      "measured_on": measured_on})
        log_action(tenant=indicator.municipality, actor=actor, action=AuditLogEntry.Action.INDICATOR_VALUE_ENTERED,
                   model=indicator.model_id, indicator=indicator.display_title, value=str(number),
                   period=stored.period.isoformat(), source=source)
        publish(IndicatorValueEntered(municipality=indicator.municipality, target=indicator.model, actor=actor,
                                      data={"indicator": indicator.pk, "period": stored.period.isoformat()}))
    return stored


# --- Monthly snapshots of the measured indicators ---------------------------------------------------------------


def months_back(today: date, count: int) -> list[date]:
    """The first days of the last ``count`` months up to and including the month of ``today``, oldest first."""
    months, current = [], month_start(today)
    for _step in range(count):
        months.append(current)
        current = month_start(current - timedelta(days=1))
    return months[::-1]


def month_bounds(first: date) -> tuple[datetime, datetime]:
    following = month_start(first + timedelta(days=32))
    return (datetime(first.year, first.month, 1, tzinfo=BERLIN),
            datetime(following.year, following.month, 1, tzinfo=BERLIN))


def do_snapshot_model(*, model: ImpactModel, months: int = SNAPSHOT_MONTHS, today: date | None = None) -> int:
    """Measure each measured indicator of ``model`` for the last ``months`` months (the current one so far) and
    store the values; a month without data (a share of nothing) stores nothing. Returns the values stored. Run by
    the system (the task, the command, the demo), so it checks no permission."""
    today = today or timezone.localdate()
    ids: Sequence[int] = municipality_ids_of(model)
    stored = 0
    with transaction.atomic():
        for indicator in model.indicators.filter(source=Indicator.Source.MEASURED):
            registered = indicator.registered
            if registered is None:
                continue
            for first in months_back(today, months):
                start, end = month_bounds(first)
                value = registered.measure(ids, start, end)
                if value is None:
                    IndicatorValue.objects.filter(indicator=indicator, period=first).delete()
                    continue
                IndicatorValue.objects.update_or_create(
                    indicator=indicator, period=first,
                    defaults={"municipality": model.municipality, "value": Decimal(str(round(value, 2))),
                              "source": "", "measured_on": min(today, end.date())})
                stored += 1
        publish(IndicatorsSnapshotted(municipality=model.municipality, target=model, data={"months": months}))
    return stored


def do_snapshot_all(*, months: int = SNAPSHOT_MONTHS, today: date | None = None) -> int:
    """Snapshot every model with a measured indicator (the monthly task)."""
    models = ImpactModel.objects.filter(indicators__source=Indicator.Source.MEASURED).distinct().select_related("lab")
    return sum(do_snapshot_model(model=model, months=months, today=today) for model in models)
