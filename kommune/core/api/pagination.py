"""Cursor pagination of the API's lists, over kommune/core/cursor.py: ``{"items": [...], "next": "<cursor>"}``.

``next`` is the opaque cursor of the following page (null on the last one): pass it back as ``?cursor=``. A
cursor that was not made here is a 400 ``invalid_cursor``. ``limit`` chooses the page size within bounds.
"""

from types import GenericAlias
from typing import Any

from django.db.models import QuerySet
from ninja import Field, P, QueryEx, Schema
from pydantic import create_model

from kommune.core import cursor as cursors

DEFAULT_LIMIT = 20
MAX_LIMIT = 100

Cursor = QueryEx[str | None, P(description="The `next` value of the previous page; leave out for the first page.")]
Limit = QueryEx[int, P(ge=1, le=MAX_LIMIT, description=f"Items per page, 1 to {MAX_LIMIT}.")]


def page_schema(name: str, item: type[Schema]) -> type[Schema]:
    """The schema of one page of ``item``s, named ``name`` in the OpenAPI document."""
    items: Any = GenericAlias(list, (item,))  # list[item], with item only known at run time
    return create_model(
        name, __base__=Schema,
        items=(items, ...),
        next=(str | None, Field(description="Cursor of the next page, or null on the last page.")),
    )


def page(queryset: QuerySet, cursor: str | None, *, limit: int, descending: bool,
         field: str = "created_at") -> dict:
    """One page of ``queryset`` ordered by ``field`` (a datetime) and id. Raises InvalidCursor."""
    items, next_cursor = cursors.page(queryset, cursor or None, size=limit, descending=descending, field=field)
    return {"items": items, "next": next_cursor}


def check_cursor(cursor: str | None) -> None:
    """A malformed cursor is an error even where the list turns out to be empty."""
    if cursor:
        cursors.decode(cursor)
