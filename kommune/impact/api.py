"""REST API of impact models: reads only. The public impact models of a municipality, one model with its chain,
indicators and monthly values, and the indicators the platform can measure. Registered in ImpactConfig.ready()."""

from datetime import date

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema

from kommune.core import cursor as cursor_module
from kommune.core.access import get_for_tenant
from kommune.core.api import auth
from kommune.core.api.common import MunicipalitySlug, ObjectId, absolute, municipality_or_404
from kommune.core.api.errors import COMMON, PAGE, READ, responses
from kommune.core.api.pagination import DEFAULT_LIMIT, Cursor, Limit, page_schema
from kommune.core.indicators import indicators
from kommune.impact import selectors

router = Router(tags=["Impact models"])

BASE = "/municipalities/{municipality_slug}/impact-models"


class ImpactModelOut(Schema):
    id: int
    title: str
    summary: str
    lab: str | None = Field(description="The lab's address when the model belongs to a lab's sub-project.")
    url: str

    @staticmethod
    def resolve_lab(obj) -> str | None:
        return obj.lab.slug if obj.lab_id else None

    @staticmethod
    def resolve_url(obj, context) -> str:
        return absolute(context["request"], obj.get_absolute_url())


class ValueOut(Schema):
    month: str = Field(description="YYYY-MM")
    value: float
    source: str


class IndicatorOut(Schema):
    id: int
    title: str
    source: str = Field(description="entered or measured")
    measured_key: str = Field(description="The key of the platform-measured indicator; empty when entered.")
    unit: str = Field(description="count, percent or days")
    higher_is_better: bool
    target_value: float | None
    target_date: date | None
    status: str = Field(description="reached, open, missed, no_target or no_value")
    values: list[ValueOut] = Field(description="The monthly values, oldest first (at most the last 36).")


class StepOut(Schema):
    level: str = Field(description="inputs, activities, outputs, outcomes or impact")
    description: str
    indicators: list[IndicatorOut]


class ImpactModelDetailOut(ImpactModelOut):
    steps: list[StepOut]

    @staticmethod
    def resolve_steps(obj) -> list[dict]:
        return obj.steps_out


class MeasuredIndicatorOut(Schema):
    key: str
    label: str
    description: str
    unit: str
    perspective: str
    higher_is_better: bool


ImpactModelPage = page_schema("ImpactModelPage", ImpactModelOut)


@router.get(BASE, response=responses({200: ImpactModelPage}, *PAGE), auth=auth.READ,
            openapi_extra=auth.OPTIONAL_TOKEN, summary="List the public impact models")
def list_impact_models(request: HttpRequest, municipality_slug: MunicipalitySlug, cursor: Cursor = None,
                       limit: Limit = DEFAULT_LIMIT):
    """The municipality's public impact models, newest first."""
    municipality = municipality_or_404(municipality_slug)
    page = cursor_module.keyset_page(selectors.visible_models(municipality, staff=False), field="created_at",
                                     cursor=cursor or None, size=limit)
    return {"items": page.items, "next": page.next_cursor}


@router.get(BASE + "/{model_id}", response=responses({200: ImpactModelDetailOut}, *READ), auth=auth.READ,
            openapi_extra=auth.OPTIONAL_TOKEN, summary="Get an impact model with its indicators and values")
def get_impact_model(request: HttpRequest, municipality_slug: MunicipalitySlug, model_id: ObjectId):
    municipality = municipality_or_404(municipality_slug)
    model = get_for_tenant(selectors.visible_models(municipality, staff=False), municipality, pk=model_id)
    steps = selectors.model_page(model, today=timezone.localdate(), number=str)
    model.steps_out = [  # type: ignore[attr-defined]
        {"level": view.step.level, "description": view.step.description, "indicators": [
            {"id": item.indicator.pk, "title": item.indicator.display_title, "source": item.indicator.source,
             "measured_key": item.indicator.measured_key, "unit": item.indicator.unit,
             "higher_is_better": item.indicator.higher_is_better,
             "target_value": None if item.indicator.target_value is None else float(item.indicator.target_value),
             "target_date": item.indicator.target_date, "status": item.status.key if item.status else "no_value",
             "values": [{"month": f"{value.period:%Y-%m}", "value": float(value.value), "source": value.source}
                        for value in item.values]}
            for item in view.indicators]}
        for view in steps]
    return model


@router.get("/impact-indicators", response=responses({200: list[MeasuredIndicatorOut]}, *COMMON), auth=auth.READ,
            openapi_extra=auth.OPTIONAL_TOKEN, summary="List the indicators the platform measures")
def list_measured_indicators(request: HttpRequest):
    """Every indicator an impact model can let the platform measure, with how it is computed."""
    return [{"key": item.key, "label": str(item.label), "description": str(item.description), "unit": item.unit,
             "perspective": item.perspective, "higher_is_better": item.higher_is_better} for item in indicators()]
