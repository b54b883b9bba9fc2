"""Keyset pagination over (a datetime field, id): an opaque position in the URL, no OFFSET.

A cursor carries a direction and the position of the row it continues from: "next" continues after the last
row of a page, "prev" goes back before its first row. The query is equally cheap on any page, however long the
list, and rows added meanwhile neither repeat nor vanish.
"""

import base64
import binascii
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

DIRECTIONS = ("next", "prev")


class InvalidCursor(ValueError):
    message = _("This page address contains an invalid position (“cursor”). It may have been cut off when it "
                "was copied. Please start again from the first page.")


@dataclass(frozen=True)
class Position:
    direction: str
    stamp: datetime
    pk: int


@dataclass(frozen=True)
class KeysetPage:
    items: list[Any]
    next_cursor: str | None
    prev_cursor: str | None

    @property
    def is_first(self) -> bool:
        return self.prev_cursor is None


def encode(stamp: datetime, pk: int, direction: str = "next") -> str:
    raw = f"{direction}|{stamp.isoformat()}|{pk}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(cursor: str) -> Position:
    if not cursor or len(cursor) > 120:
        raise InvalidCursor(cursor)
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        direction, stamp, pk = raw.split("|")
        position = Position(direction, datetime.fromisoformat(stamp), int(pk))
    except (binascii.Error, UnicodeDecodeError, ValueError) as error:
        raise InvalidCursor(cursor) from error
    if direction not in DIRECTIONS or position.stamp.tzinfo is None or not 0 < position.pk < 2**63:
        raise InvalidCursor(cursor)
    return position


def position_of(stamp: datetime, pk: int) -> str:
    """A cursor whose newest-first page starts with the row (stamp, pk) itself: the link to one row."""
    return encode(stamp, pk + 1)


def _beyond(queryset: QuerySet, field: str, stamp: datetime, pk: int, *, older: bool) -> QuerySet:
    """Rows strictly before (older) or after (newer) the position, written so that ``field`` is a range
    condition on the index: the database then reads the index in order and stops after one page."""
    if older:
        return queryset.filter(Q(**{f"{field}__lte": stamp}) & (Q(**{f"{field}__lt": stamp}) | Q(id__lt=pk)))
    return queryset.filter(Q(**{f"{field}__gte": stamp}) & (Q(**{f"{field}__gt": stamp}) | Q(id__gt=pk)))


def _ordered(queryset: QuerySet, field: str, *, descending: bool) -> QuerySet:
    return queryset.order_by(f"-{field}", "-id") if descending else queryset.order_by(field, "id")


def page(queryset: QuerySet, cursor: str | None, *, size: int, descending: bool,
         field: str = "created_at") -> tuple[list, str | None]:
    """One page going forward, newest or oldest first, and the cursor of the next page (None on the last).
    One query. Raises InvalidCursor for a cursor that was not made here."""
    queryset = _ordered(queryset, field, descending=descending)
    if cursor:
        position = decode(cursor)
        if position.direction != "next":
            raise InvalidCursor(cursor)
        queryset = _beyond(queryset, field, position.stamp, position.pk, older=descending)
    rows = list(queryset[: size + 1])
    if len(rows) <= size:
        return rows, None
    rows = rows[:size]
    return rows, encode(getattr(rows[-1], field), rows[-1].pk)


def keyset_page(queryset: QuerySet, *, field: str, cursor: str | None, size: int) -> KeysetPage:
    """One page of ``queryset`` ordered by ``field`` (a non-null datetime) and id, newest first, with cursors to
    the next and the previous page. Raises InvalidCursor for a cursor that was not made here."""
    position = decode(cursor) if cursor else None
    if position is None:
        rows = list(_ordered(queryset, field, descending=True)[: size + 1])
        has_more_after, has_before = len(rows) > size, False
        rows = rows[:size]
    elif position.direction == "next":
        rows = list(_ordered(_beyond(queryset, field, position.stamp, position.pk, older=True), field,
                             descending=True)[: size + 1])
        has_more_after, has_before = len(rows) > size, True
        rows = rows[:size]
    else:
        rows = list(_ordered(_beyond(queryset, field, position.stamp, position.pk, older=False), field,
                             descending=False)[: size + 1])
        has_before = len(rows) > size
        rows = rows[:size][::-1]
        has_more_after = True
    next_cursor = encode(getattr(rows[-1], field), rows[-1].pk) if rows and has_more_after else None
    prev_cursor = encode(getattr(rows[0], field), rows[0].pk, "prev") if rows and has_before else None
    return KeysetPage(rows, next_cursor, prev_cursor)
