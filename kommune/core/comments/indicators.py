"""Comments as a source of the indicators "people who took part" and "share of contributions entered with
assistance" (kommune/core/indicators.py). Registered from CommentsConfig.ready()."""

from collections.abc import Sequence
from datetime import datetime

from django.db.models import Count, Q, QuerySet

from kommune.core.comments.models import Comment
from kommune.core.indicators import ContributionSource, register_contribution_source


def _comments(municipality_ids: Sequence[int], start: datetime, end: datetime) -> QuerySet[Comment]:
    return Comment.objects.filter(municipality_id__in=municipality_ids, created_at__gte=start, created_at__lt=end,
                                  hidden_at__isnull=True)


def comment_authors(municipality_ids: Sequence[int], start: datetime, end: datetime) -> QuerySet:
    return _comments(municipality_ids, start, end).filter(author__isnull=False).values("author_id")


def comment_counts(municipality_ids: Sequence[int], start: datetime, end: datetime) -> tuple[int, int]:
    """All visible comments of the period, and those staff entered for a resident (a channel other than online)."""
    counts = _comments(municipality_ids, start, end).aggregate(
        total=Count("pk"), assisted=Count("pk", filter=~Q(channel=Comment.Channel.ONLINE)))
    return counts["total"], counts["assisted"]


def register() -> None:
    register_contribution_source(ContributionSource("comments.comments", comment_authors, comment_counts))
