"""Survey responses as a source of the indicators "people who took part" and "share of contributions entered
with assistance" (kommune/core/indicators.py). Registered from SurveysConfig.ready()."""

from collections.abc import Sequence
from datetime import datetime

from django.db.models import Count, Q, QuerySet

from kommune.core.indicators import ContributionSource, register_contribution_source
from kommune.surveys.models import Response


def _responses(municipality_ids: Sequence[int], start: datetime, end: datetime) -> QuerySet[Response]:
    return Response.objects.filter(municipality_id__in=municipality_ids, created_at__gte=start, created_at__lt=end)


def respondents(municipality_ids: Sequence[int], start: datetime, end: datetime) -> QuerySet:
    """Accounts that answered a survey that is not anonymous (anonymous responses keep no account)."""
    return _responses(municipality_ids, start, end).filter(respondent__isnull=False).values("respondent_id")


def response_counts(municipality_ids: Sequence[int], start: datetime, end: datetime) -> tuple[int, int]:
    counts = _responses(municipality_ids, start, end).aggregate(
        total=Count("pk"), paper=Count("pk", filter=Q(channel=Response.Channel.PAPER)))
    return counts["total"], counts["paper"]


def register() -> None:
    register_contribution_source(ContributionSource("surveys.responses", respondents, response_counts))
