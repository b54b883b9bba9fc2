"""Reads of moderation shared by the views, the comment services and the templates."""

from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone

from kommune.core import cursor as cursors
from kommune.core.models import Municipality
from kommune.core.moderation.models import Block, ModerationAct, Report, ReviewRequest
from kommune.core.personal import PersonalCache

QUEUE_PAGE_SIZE = 25
LOG_PAGE_SIZE = 50
BLOCKS_PAGE_SIZE = 50
BLOCKS_SECONDS = 600


def _blocks_of(user_id: int) -> list[Block]:
    return list(Block.objects.filter(user_id=user_id, until__gt=timezone.now()).order_by("-until", "-id"))


# Every page with comments asks whether the person is blocked: their blocks that had not ended when they were read,
# kept like their roles (a block's save or delete counts the person's version on; do_unblock, an update, says so).
BLOCKS = PersonalCache("blocks", _blocks_of, BLOCKS_SECONDS)


def active_block(user, municipality: Municipality, now: datetime | None = None) -> Block | None:
    """The block that ends last among the person's active blocks in ``municipality``, or None."""
    if user is None or not user.is_authenticated:
        return None
    now = now or timezone.now()
    return next((block for block in BLOCKS.get(user.pk)
                 if block.municipality_id == municipality.pk and block.until > now), None)


def open_report_count(municipality: Municipality) -> int:
    return Report.objects.filter(municipality=municipality, status=Report.Status.OPEN).count()


def reports(municipality: Municipality, status: str) -> QuerySet[Report]:
    return (Report.objects.filter(municipality=municipality, status=status)
            .select_related("reporter", "content_type"))


def report_page(municipality: Municipality, status: str, cursor: str | None) -> tuple[list[Report], str | None]:
    """A page of the queue, newest first, with each report's target (and, for comments, its thread) loaded."""
    from django.db.models import prefetch_related_objects

    rows, next_cursor = cursors.page(reports(municipality, status), cursor, size=QUEUE_PAGE_SIZE, descending=True)
    prefetch_related_objects(rows, "target")
    targets = [report.target for report in rows if report.target is not None]
    from kommune.core.moderation.reportables import prefetch_for_queue

    prefetch_for_queue(targets)
    return rows, next_cursor


def log_page(municipality: Municipality, cursor: str | None) -> tuple[list[ModerationAct], str | None]:
    acts = ModerationAct.objects.filter(municipality=municipality).only(
        "id", "created_at", "action", "reason", "public_description")
    return cursors.page(acts, cursor, size=LOG_PAGE_SIZE, descending=True)


def blocks_page(municipality: Municipality, cursor: str | None, now: datetime | None = None):
    now = now or timezone.now()
    blocks = Block.objects.filter(municipality=municipality, until__gt=now).select_related("user", "created_by")
    return cursors.page(blocks, cursor, size=BLOCKS_PAGE_SIZE, descending=True)


def reports_on(target, *, status: str | None = None) -> QuerySet[Report]:
    from django.contrib.contenttypes.models import ContentType

    found = Report.objects.filter(content_type=ContentType.objects.get_for_model(target), object_id=target.pk)
    if status:
        found = found.filter(status=status)
    return found.select_related("reporter").order_by("-created_at", "-id")


def open_review_count(municipality: Municipality) -> int:
    return ReviewRequest.objects.filter(municipality=municipality, status=ReviewRequest.Status.OPEN).count()


def open_reviews(municipality: Municipality) -> list[ReviewRequest]:
    """The review requests the moderators still have to decide, oldest first (they wait longest)."""
    return list(ReviewRequest.objects.filter(municipality=municipality, status=ReviewRequest.Status.OPEN)
                .select_related("act", "requester").order_by("created_at", "id")[:200])
