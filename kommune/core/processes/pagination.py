"""Keyset pagination over (a datetime field, id), newest first: an opaque position in the URL, no OFFSET.

A cursor carries a direction and the position of the row it continues from. "next" continues after the last
row of a page, "prev" goes back before its first row. The query is equally cheap on any page, and rows added
meanwhile neither repeat nor vanish.
"""

import base64
import binascii
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _


class InvalidCursor(ValueError):
    message = _("This page address contains an invalid position (“cursor”). It may have been cut off when it "
                "was copied. Please start again from the first page.")


@dataclass(frozen=True)
class KeysetPage:
    items: list[Any]
    next_cursor: str | None
    prev_cursor: str | None

    @property
    def is_first(self) -> bool:
        return self.prev_cursor is None


def encode(direction: str, stamp: datetime, pk: int) -> str:
    raw = f"{direction}|{stamp.isoformat()}|{pk}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(cursor: str) -> tuple[str, datetime, int]:
    if not cursor or len(cursor) > 120:
        raise InvalidCursor(cursor)
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        direction, stamp, pk = raw.split("|")
        position = datetime.fromisoformat(stamp), int(pk)
    except (binascii.Error, UnicodeDecodeError, ValueError) as error:
        raise InvalidCursor(cursor) from error
    if direction not in ("next", "prev") or position[0].tzinfo is None or not 0 < position[1] < 2**63:
        raise InvalidCursor(cursor)
    return direction, *position


def position_of(stamp: datetime, pk: int) -> str:
    """A cursor whose page starts with the row (stamp, pk) itself, newest first: the link to one row."""
    return encode("next", stamp, pk + 1)


def keyset_page(queryset: QuerySet, *, field: str, cursor: str | None, size: int) -> KeysetPage:
    """One page of ``queryset`` ordered by ``field`` (a non-null datetime) and id, newest first.

    Raises InvalidCursor for a cursor that was not made here.
    """
    direction, stamp, pk = decode(cursor) if cursor else ("next", None, None)
    if stamp is None:
        rows = list(queryset.order_by(f"-{field}", "-id")[: size + 1])
        has_more_after, has_before = len(rows) > size, False
        rows = rows[:size]
    elif direction == "next":
        rows = list(queryset.filter(Q(**{f"{field}__lt": stamp}) | Q(**{field: stamp, "id__lt": pk}))
                    .order_by(f"-{field}", "-id")[: size + 1])
        has_more_after, has_before = len(rows) > size, True
        rows = rows[:size]
    else:
        rows = list(queryset.filter(Q(**{f"{field}__gt": stamp}) | Q(**{field: stamp, "id__gt": pk}))
                    .order_by(field, "id")[: size + 1])
        has_before = len(rows) > size
        rows = rows[:size][::-1]
        has_more_after = True
    next_cursor = encode("next", getattr(rows[-1], field), rows[-1].pk) if rows and has_more_after else None
    prev_cursor = encode("prev", getattr(rows[0], field), rows[0].pk) if rows and has_before else None
    return KeysetPage(rows, next_cursor, prev_cursor)
