"""What the platform measures from citizen proposals, for impact models and the annual report
(kommune/core/indicators.py). Registered from ProposalsConfig.ready()."""

from collections.abc import Sequence
from datetime import datetime

from django.db.models import Count, QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from kommune.core.indicators import (
    ContributionSource,
    Indicator,
    Unit,
    median_days,
    register_contribution_source,
    register_indicator,
)
from kommune.core.perspectives import Perspective
from kommune.proposals.models import Proposal, SignatureList, Support


def supporters(municipality_ids: Sequence[int], start: datetime, end: datetime) -> QuerySet:
    return Support.objects.filter(municipality_id__in=municipality_ids, created_at__gte=start,
                                  created_at__lt=end).values("user_id")


def support_counts(municipality_ids: Sequence[int], start: datetime, end: datetime) -> tuple[int, int]:
    """Online supports given plus paper signatures entered in the period; the paper signatures are assisted."""
    online = Support.objects.filter(municipality_id__in=municipality_ids, created_at__gte=start,
                                    created_at__lt=end).count()
    paper = SignatureList.objects.filter(municipality_id__in=municipality_ids, created_at__gte=start,
                                         created_at__lt=end).aggregate(total=Sum("count"))["total"] or 0
    return online + paper, paper


def _answered(municipality_ids: Sequence[int], start: datetime, end: datetime) -> QuerySet[Proposal]:
    return Proposal.objects.filter(municipality_id__in=municipality_ids, answered_at__gte=start, answered_at__lt=end)


def answered_in_time_share(municipality_ids: Sequence[int], start: datetime, end: datetime) -> float | None:
    counts = _answered(municipality_ids, start, end).aggregate(
        total=Count("pk"), in_time=Count("pk", filter=Proposal.answered_in_time_q()))
    return round(100.0 * counts["in_time"] / counts["total"], 1) if counts["total"] else None


def median_answer_days(municipality_ids: Sequence[int], start: datetime, end: datetime) -> float | None:
    pairs = _answered(municipality_ids, start, end).filter(threshold_reached_at__isnull=False).values_list(
        "threshold_reached_at", "answered_at")
    return median_days([(reached, answered) for reached, answered in pairs if reached and answered])


def register() -> None:
    register_contribution_source(ContributionSource("proposals.supports", supporters, support_counts))
    register_indicator(Indicator(
        key="proposals.answered_in_time", label=_("Share of citizen proposals answered within the deadline"),
        description=_("Of the citizen proposals answered in the period, the share whose official answer came by "
                      "the answer deadline."),
        unit=Unit.PERCENT, perspective=Perspective.AGENDA_SETTING, measure=answered_in_time_share))
    register_indicator(Indicator(
        key="proposals.median_answer_days", label=_("Median answer time of citizen proposals"),
        description=_("For the citizen proposals answered in the period: the median of the days from reaching the "
                      "threshold to the official answer."),
        unit=Unit.DAYS, perspective=Perspective.AGENDA_SETTING, measure=median_answer_days,
        higher_is_better=False))
