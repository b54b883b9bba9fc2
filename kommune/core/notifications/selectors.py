"""Reads of activities, notifications and follows shared by the views, the feeds and the templates."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.cache import cache
from django.db import transaction
from django.db.models import Model, Q, QuerySet, prefetch_related_objects

from kommune.core import cursor as cursors
from kommune.core.models import Municipality
from kommune.core.notifications.followables import content_type_id, followable_for, target_key
from kommune.core.notifications.models import Activity, Follow, Notification, NotificationSettings
from kommune.core.personal import PersonalCache

STREAM_PAGE_SIZE = 30
FEED_SIZE = 50
INBOX_PAGE_SIZE = 25
FOLLOWS_PAGE_SIZE = 25
UNREAD_BADGE_LIMIT = 100  # the badge says "99+" beyond; counting further would cost without telling more
UNREAD_COUNT_SECONDS = 60
FOLLOWS_SECONDS = 600

# The columns a stream shows; the generic relations are not loaded.
_STREAM_FIELDS = ("id", "verb", "actor_name", "summary", "scope_title", "url", "created_at")


def _visible(activities: QuerySet[Activity]) -> QuerySet[Activity]:
    return activities.filter(is_hidden=False, is_withdrawn=False).only(*_STREAM_FIELDS)


def municipality_activities(municipality: Municipality) -> QuerySet[Activity]:
    return _visible(Activity.objects.filter(municipality=municipality))


def process_activities(process: Model) -> QuerySet[Activity]:
    return _visible(Activity.objects.filter(scope_type_id=content_type_id(process), scope_id=process.pk))


def stream_page(activities: QuerySet[Activity], cursor: str | None) -> tuple[list[Activity], str | None]:
    """One page, newest first, and the next page's cursor. One query; cursors.InvalidCursor for a bad cursor."""
    return cursors.page(activities, cursor, size=STREAM_PAGE_SIZE, descending=True)


def feed_items(activities: QuerySet[Activity]) -> list[Activity]:
    return list(activities.order_by("-created_at", "-id")[:FEED_SIZE])


# --- The inbox ----------------------------------------------------------------------------------------------------


def _inbox(user) -> QuerySet[Notification]:
    return Notification.objects.filter(
        Q(activity__isnull=True) | Q(activity__is_hidden=False, activity__is_withdrawn=False), user=user)


def inbox_page(user, cursor: str | None) -> tuple[list[Notification], str | None]:
    return cursors.page(_inbox(user).select_related("activity"), cursor, size=INBOX_PAGE_SIZE, descending=True)


def unread_count(user) -> int:
    """Unread notifications, counted up to UNREAD_BADGE_LIMIT. The header badge of every logged-in page shows
    it, and counting cost a fifth of a page's time: the count is kept in the cache, forgotten when the person's
    notifications come or are read (``forget_unread_counts``), and counted again at least every
    UNREAD_COUNT_SECONDS (a notification whose activity the moderation hid leaves the count then)."""
    if not user.is_authenticated:
        return 0
    key = _unread_key(user.pk)
    count = cache.get(key)
    if count is None:
        count = _inbox(user).filter(read_at__isnull=True).order_by()[:UNREAD_BADGE_LIMIT].count()
        cache.set(key, count, UNREAD_COUNT_SECONDS)
    return count


def forget_unread_counts(user_ids: Iterable[int]) -> None:
    """After the commit of new or read notifications: the badges of these people count again."""
    keys = [_unread_key(pk) for pk in user_ids]
    if keys:
        transaction.on_commit(lambda: cache.delete_many(keys), robust=True)


def _unread_key(user_id: int) -> str:
    return f"notifications:unread:{user_id}"


def email_setting(user) -> str:
    row = NotificationSettings.objects.filter(user=user).first()
    return row.email if row else NotificationSettings.Email.IMMEDIATELY


def follows_page(user, cursor: str | None) -> tuple[list[Follow], str | None]:
    """What the person follows, newest first, with the followed objects loaded (one query per kind)."""
    rows, next_cursor = cursors.page(Follow.objects.filter(user=user).select_related("content_type"), cursor,
                                     size=FOLLOWS_PAGE_SIZE, descending=True)
    prefetch_related_objects(rows, "target")
    return rows, next_cursor


# --- Follow buttons -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FollowState:
    key: str
    following: bool
    html_id: str


def follow_state(request, target: Model | None) -> FollowState | None:
    """What a follow button for ``target`` shows; None when it cannot be followed. The person's follows come from
    the cache (``FOLLOWS``), once per request, however many buttons the page has."""
    if target is None or target.pk is None:
        return None
    followable = followable_for(target)
    user = request.user
    if followable is None or target == user:
        return None
    # Cheap signs that the object is not public (the follow service checks fully).
    if getattr(target, "is_published", True) is False or getattr(target, "hidden_at", None) is not None:
        return None
    key = target_key(target)
    html_id = "follow-" + key.replace(".", "-").replace(":", "-")
    if not user.is_authenticated:
        return FollowState(key, False, html_id)
    followed = request.__dict__.get("_followed")
    if followed is None:
        followed = request.__dict__["_followed"] = FOLLOWS.get(user.pk)
    return FollowState(key, target.pk in followed.get(content_type_id(target), ()), html_id)


def _read_follows(user_id: int) -> dict[int, frozenset[int]]:
    followed: dict[int, set[int]] = {}
    for ct, object_id in Follow.objects.filter(user_id=user_id).values_list("content_type_id", "object_id"):
        followed.setdefault(ct, set()).add(object_id)
    return {ct: frozenset(ids) for ct, ids in followed.items()}


# What a person follows, for the follow buttons of every page: kept in the cache under a version of the person's
# follows, which every saved or deleted Follow counts on after its commit (watched by NotificationsConfig.ready()).
FOLLOWS = PersonalCache("follows", _read_follows, FOLLOWS_SECONDS)


def unread_notification_count(request) -> int:
    """For the header badge; one query per request at most."""
    if "_unread_notification_count" not in request.__dict__:
        request._unread_notification_count = unread_count(request.user)
    return request._unread_notification_count
