"""What the platform measures from consultations (kommune/core/indicators.py). Registered from
ConsultationsConfig.ready()."""

from collections.abc import Sequence
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from kommune.consultations.models import Consideration, Consultation, Paragraph
from kommune.core.comments.models import Comment
from kommune.core.indicators import Indicator, Unit, register_indicator
from kommune.core.perspectives import Perspective


def comments_answered_share(municipality_ids: Sequence[int], start: datetime, end: datetime) -> float | None:
    """Of the visible top-level comments on the drafts of consultations whose comment period ended in the period,
    the share that has a reasoned answer in the consideration table; one query."""
    consultations = Consultation.objects.filter(municipality_id__in=municipality_ids, comments_close_at__gte=start,
                                                comments_close_at__lt=end)
    paragraph_ids = Paragraph.objects.filter(version__consultation__in=consultations).values("pk")
    counts = (Comment.objects.filter(
        municipality_id__in=municipality_ids, thread__content_type=ContentType.objects.get_for_model(Paragraph),
        thread__object_id__in=paragraph_ids, parent__isnull=True, hidden_at__isnull=True)
        .aggregate(total=Count("pk"), answered=Count("pk", filter=Q(
            pk__in=Consideration.objects.filter(municipality_id__in=municipality_ids).values("comment_id")))))
    return round(100.0 * counts["answered"] / counts["total"], 1) if counts["total"] else None


def register() -> None:
    register_indicator(Indicator(
        key="consultations.comments_answered", label=_("Share of consultation comments answered"),
        description=_("Of the comments on the drafts of consultations whose comment period ended in the period, "
                      "the share with a reasoned answer in the consideration table."),
        unit=Unit.PERCENT, perspective=Perspective.DIALOGUE, measure=comments_answered_share))
