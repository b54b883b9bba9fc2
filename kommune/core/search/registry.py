"""What the search finds. An app registers its models in AppConfig.ready() with ``register_searchable``.

``document(obj)`` tells what of an object is searchable, or returns None when it must not be found (an
unpublished process, a hidden comment). The search app keeps the index current from the event types
(kommune.core.events) named in ``index_on`` (the object's document is rebuilt, or removed when ``document``
returns None) and ``remove_on`` (the object is removed), and ``python manage.py rebuild_search_index`` rebuilds
it from ``queryset()``.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Model, QuerySet
from django.utils.functional import Promise

from kommune.core.events import Event
from kommune.core.models import Municipality


@dataclass(frozen=True)
class SearchDocumentData:
    municipality: Municipality
    title: str  # weighs most; may be empty (a comment has none of its own)
    body: str  # plain text, no markup
    url: str
    # Shown with the result, not searched: what the object belongs to, e.g. the process a comment is on.
    context: str = ""


@dataclass(frozen=True)
class Searchable[M: Model]:
    model: type[M]
    kind: str
    label: str | Promise
    document: Callable[[M], SearchDocumentData | None]
    queryset: Callable[[], QuerySet]
    index_on: frozenset[type[Event]]
    remove_on: frozenset[type[Event]]
    depends_on: Callable[[M], QuerySet | None] | None = None


_by_model: dict[type[Model], Searchable[Any]] = {}
_by_kind: dict[str, Searchable[Any]] = {}


def register_searchable[M: Model](model: type[M], *, kind: str, label: str | Promise,
                                  document: Callable[[M], SearchDocumentData | None],
                                  queryset: Callable[[], QuerySet] | None = None,
                                  index_on: Iterable[type[Event]] = (), remove_on: Iterable[type[Event]] = (),
                                  depends_on: Callable[[M], QuerySet | None] | None = None) -> None:
    """Make ``model`` findable as ``kind`` (a short key used in URLs, e.g. "process"), shown as ``label``.

    ``queryset`` is what the rebuild walks (default: all objects); give it the select_related/prefetch_related
    that ``document`` needs, so the rebuild runs a constant number of queries per batch.
    """
    if kind in _by_kind and _by_kind[kind].model is not model:
        raise ValueError(f"The search kind {kind!r} is taken by {_by_kind[kind].model._meta.label}.")
    searchable = Searchable(model, kind, label, document, queryset or model._default_manager.all,
                            frozenset(index_on), frozenset(remove_on), depends_on)
    _by_model[model] = searchable
    _by_kind[kind] = searchable


def searchable_for(model: type[Model]) -> Searchable[Any] | None:
    return _by_model.get(model)


def searchable_by_kind(kind: str) -> Searchable[Any] | None:
    return _by_kind.get(kind)


def registered() -> list[Searchable[Any]]:
    return list(_by_kind.values())  # in the order of registration


def kind_choices() -> list[tuple[str, str | Promise]]:
    return [(s.kind, s.label) for s in registered()]
