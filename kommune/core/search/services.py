"""Writes of the search index. Called by the event subscribers and the rebuild command, never by a person,
so there is no permission to check: what may be found is decided by each registration's ``document()``.
"""

from collections.abc import Iterable
from functools import partial

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Model, QuerySet
from django.utils import timezone

from kommune.core.models import Municipality
from kommune.core.pagecache import invalidate_tags
from kommune.core.search import backends
from kommune.core.search.models import SearchDocument
from kommune.core.search.registry import Searchable, registered, searchable_for

BATCH_SIZE = 500
# The page tag of a municipality's search results (views.municipality_search), made stale after every index write
# that commits: the events that change a page do not wait for the index.
RESULTS_PAGE_TAG = "search"


def _results_change(municipality_ids: Iterable[int]) -> None:
    """The search results of these municipalities are stale once the open transaction commits."""
    ids = set(municipality_ids)
    if ids:
        transaction.on_commit(partial(_results_changed, ids))


def _results_changed(municipality_ids: set[int]) -> None:
    for slug in Municipality.objects.filter(pk__in=municipality_ids).values_list("slug", flat=True):
        invalidate_tags(slug, [RESULTS_PAGE_TAG])


def _searchable(obj: Model) -> Searchable | None:
    concrete = obj._meta.concrete_model
    return searchable_for(type(obj)) or (searchable_for(concrete) if concrete else None)


def _document(searchable: Searchable, obj: Model, content_type: ContentType) -> SearchDocument | None:
    data = searchable.document(obj)
    if data is None:
        return None
    return SearchDocument(municipality=data.municipality, content_type=content_type, object_id=obj.pk,
                          kind=searchable.kind, title=data.title, body=data.body, url=data.url,
                          context=data.context, updated_at=timezone.now())


def _shown(doc: SearchDocument | None) -> tuple | None:
    """What others may copy from a document (a comment shows its target's title and address)."""
    return None if doc is None else (doc.title, doc.url, doc.context)


def _sync(searchable: Searchable, objects: Iterable[Model]) -> None:
    """Index the objects whose document exists and remove the others, skipping documents that are unchanged."""
    objects = list(objects)
    if not objects:
        return
    content_type = ContentType.objects.get_for_model(searchable.model)
    existing = {doc.object_id: doc for doc in SearchDocument.objects.filter(
        content_type=content_type, object_id__in=[obj.pk for obj in objects])}
    changed, gone = [], []
    for obj in objects:
        doc = _document(searchable, obj, content_type)
        old = existing.get(obj.pk)
        if doc is None:
            if old is not None:
                gone.append(obj.pk)
        elif old is None or _differs(old, doc):
            changed.append(doc)
    backends.index_many(changed)
    backends.remove_many(content_type.pk, gone)
    _results_change([doc.municipality_id for doc in changed] + [existing[pk].municipality_id for pk in gone])


def _differs(old: SearchDocument, new: SearchDocument) -> bool:
    return any(getattr(old, f) != getattr(new, f)
               for f in ("municipality_id", "kind", "title", "body", "url", "context"))


def _sync_dependents(obj: Model) -> None:
    """Re-index what shows this object's title or depends on its visibility (the comments on a process)."""
    for searchable in registered():
        if searchable.depends_on is None:
            continue
        queryset = searchable.depends_on(obj)
        if queryset is not None:
            for batch in _batches(queryset):
                _sync(searchable, batch)


def _batches(queryset: QuerySet) -> Iterable[list[Model]]:
    last = None
    while True:
        page = queryset.order_by("pk")
        if last is not None:
            page = page.filter(pk__gt=last)
        batch = list(page[:BATCH_SIZE])
        if not batch:
            return
        yield batch
        last = batch[-1].pk


def do_update_index(*, obj: Model) -> None:
    """Bring the object's document up to date: index it, or remove it when it must not be found (any more).

    The object is read again, because an event may carry an instance older than the write it reports.
    When what the object shows (title, address, visibility) changed, its dependents follow.
    """
    searchable = _searchable(obj)
    if searchable is None:
        return
    with transaction.atomic():
        content_type = ContentType.objects.get_for_model(searchable.model)
        before = SearchDocument.objects.filter(content_type=content_type, object_id=obj.pk).first()
        fresh = searchable.queryset().filter(pk=obj.pk).first()
        doc = _document(searchable, fresh, content_type) if fresh is not None else None
        if doc is None:
            if before is not None:
                backends.remove(content_type.pk, obj.pk)
                _results_change([before.municipality_id])
        elif before is None or _differs(before, doc):
            backends.index(doc)
            _results_change([doc.municipality_id] + ([before.municipality_id] if before else []))
        if _shown(before) != _shown(doc):
            _sync_dependents(fresh or obj)


def do_remove_from_index(*, obj: Model) -> None:
    """Remove the object's document (and re-check its dependents, which may have become invisible with it)."""
    searchable = _searchable(obj)
    if searchable is None:
        return
    with transaction.atomic():
        content_type = ContentType.objects.get_for_model(searchable.model)
        found = list(SearchDocument.objects.filter(content_type=content_type, object_id=obj.pk)
                     .values_list("municipality_id", flat=True))
        backends.remove(content_type.pk, obj.pk)
        if found:
            _results_change(found)
            _sync_dependents(obj)


def do_rebuild_index() -> dict[str, int]:
    """Re-index everything registered, in batches; remove documents of objects that are gone or not findable.

    Idempotent: a second run changes nothing. Each batch is its own transaction and locks its rows (on
    PostgreSQL; SQLite writes one transaction at a time anyway), so a comment hidden while the rebuild runs
    cannot be written back by it. Returns the number of documents per kind.
    """
    counts = {}
    kinds = []
    for searchable in registered():
        kinds.append(searchable.kind)
        content_type = ContentType.objects.get_for_model(searchable.model)
        last = None
        while True:
            with transaction.atomic():
                page = searchable.queryset().select_for_update(of=("self",)).order_by("pk")
                batch = list((page if last is None else page.filter(pk__gt=last))[:BATCH_SIZE])
                _sync(searchable, batch)
            if not batch:
                break
            last = batch[-1].pk
        stale = list(SearchDocument.objects.filter(content_type=content_type)
                     .exclude(object_id__in=searchable.queryset().values("pk")).values_list("object_id", flat=True))
        for start in range(0, len(stale), BATCH_SIZE):
            backends.remove_many(content_type.pk, stale[start:start + BATCH_SIZE])
        counts[searchable.kind] = SearchDocument.objects.filter(content_type=content_type).count()
    # Documents of a kind that is no longer registered.
    for doc in SearchDocument.objects.exclude(kind__in=kinds).only("content_type_id", "object_id").iterator():
        backends.remove(doc.content_type_id, doc.object_id)
    backends.rebuild()
    _results_change(Municipality.objects.values_list("pk", flat=True))
    return counts
