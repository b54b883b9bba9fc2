"""REST API of the co-design: the published services with their steps, aggregated ratings and changes, and the
logged-in person's rating of a step. Registered in CodesignConfig.ready() (kommune.core.api.registry). Writes call
kommune/codesign/services.py; no read names a person."""

from datetime import date, datetime
from typing import Literal

from django.http import HttpRequest
from ninja import Field, P, PathEx, Router, Schema

from kommune.codesign import selectors, services
from kommune.codesign.models import Service, Step
from kommune.core.access import get_for_tenant
from kommune.core.api import auth
from kommune.core.api.common import MunicipalitySlug, Text, absolute, municipality_or_404
from kommune.core.api.errors import PAGE, READ, WRITE, responses
from kommune.core.api.pagination import DEFAULT_LIMIT, Cursor, Limit, page_schema
from kommune.core.cursor import keyset_page
from kommune.core.types import AuthenticatedHttpRequest

router = Router(tags=["Co-designing public services"])

BASE = "/municipalities/{municipality_slug}/codesign-services"
ServiceId = PathEx[int, P(ge=1, le=2**31 - 1, description="The service's number.")]
StepId = PathEx[int, P(ge=1, le=2**31 - 1, description="The step's number.")]
ChannelName = Literal["online", "counter", "letter", "phone"]


class ServiceOut(Schema):
    id: int
    title: str
    leika_key: str = Field(description="Leistungsschlüssel of the LeiKa catalogue (14 digits), or empty.")
    department: str
    description: str
    open_for_ratings: bool
    rating_count: int
    published_at: datetime | None
    url: str

    @staticmethod
    def resolve_open_for_ratings(obj: Service) -> bool:
        return services.is_open_for_ratings(obj)

    @staticmethod
    def resolve_url(obj: Service, context) -> str:
        return absolute(context["request"], obj.get_absolute_url())


class StepOut(Schema):
    id: int
    position: int
    title: str
    description: str
    channel: ChannelName
    rating_count: int
    effort_mean: float | None = Field(description="Mean effort, 1 (very little) to 5 (very much).")
    clarity_mean: float | None = Field(description="Mean clarity, 1 (very unclear) to 5 (very clear).")
    problem_count: int
    idea_count: int


class ChangeOut(Schema):
    title: str
    description: str
    changed_on: date
    published_at: datetime
    step_id: int | None
    theme: str | None

    @staticmethod
    def resolve_theme(obj) -> str | None:
        return obj.theme.title if obj.theme else None


class ServiceDetailOut(ServiceOut):
    steps: list[StepOut]
    changes: list[ChangeOut] = Field(description="What the municipality changed, latest first.")

    @staticmethod
    def resolve_steps(obj: Service) -> list[dict]:
        return [{"id": s.step.pk, "position": s.step.position, "title": s.step.title,
                 "description": s.step.description, "channel": s.step.channel, "rating_count": s.stats.count,
                 "effort_mean": _round(s.stats.effort), "clarity_mean": _round(s.stats.clarity),
                 "problem_count": s.problems, "idea_count": s.ideas} for s in selectors.step_summaries(obj)]

    @staticmethod
    def resolve_changes(obj: Service) -> list:
        return selectors.changes(obj)


class RatingIn(Schema):
    effort: int = Field(ge=1, le=5, description="1 (very little effort) to 5 (very much).")
    clarity: int = Field(ge=1, le=5, description="1 (very unclear) to 5 (very clear).")
    problem: Text = Field("", max_length=2000)
    idea: Text = Field("", max_length=2000)
    used_on: date | None = Field(None, description="When you used the service; today if left out.")


class RatingOut(Schema):
    step_id: int
    effort: int
    clarity: int
    problem: str
    idea: str
    used_on: date
    updated_at: datetime


ServicePage = page_schema("CodesignServicePage", ServiceOut)


def _round(value: float | None) -> float | None:
    return None if value is None else round(float(value), 2)


def _published(municipality_slug: str, service_id: int) -> Service:
    municipality = municipality_or_404(municipality_slug)
    return get_for_tenant(selectors.published_services(municipality), municipality, pk=service_id)


@router.get(BASE, response=responses({200: ServicePage}, *PAGE), auth=auth.READ, openapi_extra=auth.OPTIONAL_TOKEN,
            summary="List the public services to improve together")
def list_services(request: HttpRequest, municipality_slug: MunicipalitySlug, cursor: Cursor = None,
                  limit: Limit = DEFAULT_LIMIT):
    """Published services, latest published first."""
    municipality = municipality_or_404(municipality_slug)
    result = keyset_page(selectors.published_services(municipality), field="published_at", cursor=cursor or None,
                         size=limit)
    return {"items": result.items, "next": result.next_cursor}


@router.get(BASE + "/{service_id}", response=responses({200: ServiceDetailOut}, *READ), auth=auth.READ,
            openapi_extra=auth.OPTIONAL_TOKEN, summary="Get a service with its steps, ratings and changes")
def get_service(request: HttpRequest, municipality_slug: MunicipalitySlug, service_id: ServiceId):
    """The steps carry the aggregated ratings (counts and means); no rating names a person."""
    return _published(municipality_slug, service_id)


@router.put(BASE + "/{service_id}/steps/{step_id}/rating", response=responses({200: RatingOut}, *WRITE),
            auth=auth.WRITE, summary="Rate a step (or change your rating)")
def rate_step(request: AuthenticatedHttpRequest, municipality_slug: MunicipalitySlug, service_id: ServiceId,
              step_id: StepId, payload: RatingIn):
    """Your one rating of the step; a second call replaces it. Refused while the service is closed for ratings
    (422, code `closed`) or your e-mail address is unconfirmed (code `unconfirmed`)."""
    service = _published(municipality_slug, service_id)
    step = get_for_tenant(Step.objects.filter(service=service), service.municipality, pk=step_id)
    rating, = services.do_rate_steps(service=service, actor=request.user, used_on=payload.used_on, ratings=[
        services.StepRating(step, payload.effort, payload.clarity, payload.problem, payload.idea)])
    return rating
