"""Keyset pagination on (created_at, id): an opaque position in a list, safe to put in a URL.

A page ends with the position of its last row; the next page continues strictly after it. The query stays
cheap on any page, however long the list (no OFFSET), and a row added meanwhile neither repeats nor vanishes.
"""

import base64
import binascii
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _


class InvalidCursor(ValueError):
    message = _("This page address contains an invalid position (“cursor”). It may have been cut off when it "
                "was copied. Please start again from the first page.")


@dataclass(frozen=True)
class Position:
    created_at: datetime
    pk: int


def encode(created_at: datetime, pk: int) -> str:
    raw = f"{created_at.isoformat()}|{pk}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(cursor: str) -> Position:
    if not cursor or len(cursor) > 100:
        raise InvalidCursor(cursor)
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        stamp, pk = raw.split("|")
        created_at = datetime.fromisoformat(stamp)
        position = Position(created_at, int(pk))
    except (binascii.Error, UnicodeDecodeError, ValueError) as error:
        raise InvalidCursor(cursor) from error
    if created_at.tzinfo is None or not 0 < position.pk < 2**63:
        raise InvalidCursor(cursor)
    return position


def after(queryset: QuerySet, cursor: str | None, *, descending: bool) -> QuerySet:
    """``queryset`` ordered by (created_at, id), newest or oldest first, starting after ``cursor``."""
    order = ["-created_at", "-id"] if descending else ["created_at", "id"]
    queryset = queryset.order_by(*order)
    if cursor:
        position = decode(cursor)
        # "(created_at, id) after the position", written so that created_at is a range condition on the index:
        # the database then reads the index in order and stops after one page.
        if descending:
            queryset = queryset.filter(Q(created_at__lte=position.created_at)
                                       & (Q(created_at__lt=position.created_at) | Q(id__lt=position.pk)))
        else:
            queryset = queryset.filter(Q(created_at__gte=position.created_at)
                                       & (Q(created_at__gt=position.created_at) | Q(id__gt=position.pk)))
    return queryset


def page(queryset: QuerySet, cursor: str | None, *, size: int, descending: bool) -> tuple[list, str | None]:
    """One page of rows and the cursor of the next page (None on the last page). One query."""
    rows = list(after(queryset, cursor, descending=descending)[: size + 1])
    if len(rows) <= size:
        return rows, None
    rows = rows[:size]
    return rows, encode(rows[-1].created_at, rows[-1].pk)
