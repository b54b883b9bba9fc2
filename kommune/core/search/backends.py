"""The full-text index on PostgreSQL and on SQLite, behind one interface chosen by ``connection.vendor``.

- PostgreSQL: ``search_vector`` is a generated column (title weighted A, body B, ``german`` configuration)
  with a GIN index; a query goes through ``websearch_to_tsquery('german', …)`` and is ranked by ``ts_rank``,
  over at most ``CANDIDATES`` matches.
- SQLite: the contentless FTS5 table ``search_searchdocument_fts`` (rowid = document id) is fed with the
  title and body stemmed in Python (kommune.core.search.german); the query is stemmed the same way and
  turned into an FTS5 expression of quoted stems only, ranked by ``bm25``. A contentless table forgets the
  text, so removing a row needs the stemmed values it was given: they are recomputed from the stored
  document, which changes only here. ``rebuild()`` empties and refills the FTS table from the documents.

Both parse the query with ``german.parse_query``, so the words, phrases, "or" and "-" mean the same.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, connections, router, transaction

from kommune.core.models import Municipality
from kommune.core.search.german import ParsedQuery, parse_query, stemmed
from kommune.core.search.models import MAX_BODY_LENGTH, SearchDocument

TABLE = SearchDocument._meta.db_table
MUNICIPALITY_TABLE = Municipality._meta.db_table
FTS_TABLE = f"{TABLE}_fts"
# bm25 weights of the FTS columns (title, body), like the A/B weights on PostgreSQL.
TITLE_WEIGHT, BODY_WEIGHT = 4.0, 1.0
BATCH_SIZE = 500
UPDATED_FIELDS = ["municipality", "kind", "title", "body", "url", "context", "updated_at"]


# Matches are shown as "more than" beyond this number, and a count of its own (a page past the last match) stops
# there. Nobody pages beyond the first 200 results (selectors.MAX_PAGES).
COUNT_LIMIT = 1_000
# PostgreSQL ranks at most this many matches: the first ones the index scan finds. Ranking reads the vector of
# every match from the table: a word in 14 % of the millionenstadt's 353,541 documents took 150-190 ms in the
# database; its first 2,000 matches take 5 (5,000: 24). A query with fewer matches is ranked exactly; one with more
# shows the best of the candidates and "more than 1,000 results" with the advice to add words. Kept above
# COUNT_LIMIT, so that the count shown stays exact, and ten times what anyone can page through (MAX_PAGES × 20).
CANDIDATES = 2_000


# What ``search(..., documents=True)`` reads of each document of the page, in the same statement as the ranking:
# the columns of SearchDocument, and the municipality's name.
DOCUMENT_COLUMNS = ("object_id", "kind", "title", "body", "url", "context")


@dataclass(frozen=True)
class Hits:
    total: int  # at most COUNT_LIMIT
    ranked: list[tuple[int, float]]  # (document id, rank), best first; a higher rank is a better match
    more: bool = False  # there are more than ``total`` matches
    # With ``documents=True``: each ranked document's DOCUMENT_COLUMNS and "municipality_name", by id.
    documents: dict[int, dict[str, Any]] = field(default_factory=dict)


def _count(cursor, source: str, args: list) -> int:
    cursor.execute(f"SELECT COUNT(*) FROM (SELECT 1 {source} LIMIT %s) found", [*args, COUNT_LIMIT + 1])
    return cursor.fetchone()[0]


def _ranked(source: str, score: str, args: list, limit: int, offset: int, *, window: bool = True,
            documents: bool = False) -> Hits:
    """One page of the matches of ``source`` by ``score``, with their number. Ranking reads every match anyway,
    so on PostgreSQL the same query counts them (a window over the ranked rows) instead of a second pass over the
    index; only a page past the last match needs a count of its own. SQLite's bm25() cannot sit beside a window
    function (``window=False``): it counts first. With ``documents``, the same statement reads the page's
    documents (a results page had a second query for them)."""
    def page(columns: str = "") -> list[tuple]:
        statement = (f"SELECT d.id, {score} AS score{columns} {source} "
                     "ORDER BY score DESC, d.id DESC LIMIT %s OFFSET %s")
        if documents:
            statement = (f"SELECT p.*, {', '.join('doc.' + column for column in DOCUMENT_COLUMNS)}, m.name "
                         f"FROM ({statement}) p JOIN {TABLE} doc ON doc.id = p.id "
                         f"JOIN {MUNICIPALITY_TABLE} m ON m.id = doc.municipality_id ORDER BY p.score DESC, p.id DESC")
        cursor.execute(statement, [*args, limit, offset])
        return cursor.fetchall()

    # A read like any other: on a replica where the router says so (anonymous GET requests, kommune.core.replicas).
    with connections[router.db_for_read(SearchDocument)].cursor() as cursor:
        if window:
            rows = page(", COUNT(*) OVER ()")
            found = rows[0][2] if rows else (_count(cursor, source, args) if offset else 0)
        else:
            found = _count(cursor, source, args)
            rows = page() if found > offset else []
    first_document_column = 3 if window else 2
    found_documents = {row[0]: dict(zip((*DOCUMENT_COLUMNS, "municipality_name"), row[first_document_column:],
                                        strict=True)) for row in rows} if documents else {}
    return Hits(min(found, COUNT_LIMIT), [(row[0], float(row[1])) for row in rows], found > COUNT_LIMIT,
                found_documents)


def _clean(doc: SearchDocument) -> SearchDocument:
    # PostgreSQL refuses NUL characters in text; the field limits are ours.
    doc.title = doc.title.replace("\x00", "")[:300]
    doc.context = doc.context.replace("\x00", "")[:300]
    doc.body = doc.body.replace("\x00", "")[:MAX_BODY_LENGTH]
    doc.url = doc.url[:500]
    return doc


def _upsert(docs: Sequence[SearchDocument]) -> None:
    SearchDocument.objects.bulk_create(
        [_clean(doc) for doc in docs], batch_size=BATCH_SIZE, update_conflicts=True,
        unique_fields=["content_type", "object_id"], update_fields=UPDATED_FIELDS,
    )


def _filters(municipality_id: int | None, kinds: Sequence[str] | None) -> tuple[str, list]:
    sql = ""
    params: list[int | str] = []
    if municipality_id is not None:
        # As bigint, the column's type: compared with a smaller integer, PostgreSQL does not use the index per
        # municipality (migration 0003), and scanned all of the municipality's documents beside the words' index.
        sql += " AND d.municipality_id = CAST(%s AS bigint)"
        params.append(municipality_id)
    if kinds:
        sql += " AND d.kind IN (" + ", ".join(["%s"] * len(kinds)) + ")"
        params.extend(kinds)
    return sql, params


class PostgresBackend:
    def index_many(self, docs: Sequence[SearchDocument]) -> None:
        _upsert(docs)

    def remove_many(self, content_type_id: int, object_ids: Iterable[int]) -> None:
        SearchDocument.objects.filter(content_type_id=content_type_id, object_id__in=list(object_ids)).delete()

    def rebuild(self) -> None:
        pass  # the vector is a generated column, always in step with its row

    def search(self, query: ParsedQuery, municipality_id: int | None, kinds: Sequence[str] | None,
               limit: int, offset: int, documents: bool) -> Hits:
        where, params = _filters(municipality_id, kinds)
        candidates = (f"SELECT d.id, d.search_vector FROM {TABLE} d "
                      f"WHERE d.search_vector @@ websearch_to_tsquery('german', %s){where} LIMIT {CANDIDATES}")
        source = f"FROM ({candidates}) d, websearch_to_tsquery('german', %s) q"
        words = query.websearch()
        args = [words, *params, words]
        return _ranked(source, "ts_rank(d.search_vector, q)", args, limit, offset, documents=documents)


class SqliteBackend:
    def _fts_rows(self, docs: Iterable[SearchDocument]) -> list[tuple[int, str, str]]:
        return [(doc.pk, stemmed(doc.title), stemmed(doc.body)) for doc in docs]

    def _fts_delete(self, docs: Iterable[SearchDocument]) -> None:
        rows = self._fts_rows(docs)
        if rows:
            with connection.cursor() as cursor:
                cursor.executemany(f"INSERT INTO {FTS_TABLE} ({FTS_TABLE}, rowid, title, body) "
                                   "VALUES ('delete', %s, %s, %s)", rows)

    def _fts_insert(self, docs: Iterable[SearchDocument]) -> None:
        rows = self._fts_rows(docs)
        if rows:
            with connection.cursor() as cursor:
                cursor.executemany(f"INSERT INTO {FTS_TABLE} (rowid, title, body) VALUES (%s, %s, %s)", rows)

    def _existing(self, content_type_id: int, object_ids: Iterable[int]) -> list[SearchDocument]:
        return list(SearchDocument.objects.filter(content_type_id=content_type_id, object_id__in=list(object_ids))
                    .only("id", "object_id", "title", "body"))

    def index_many(self, docs: Sequence[SearchDocument]) -> None:
        by_type: dict[int, list[SearchDocument]] = {}
        for doc in docs:
            by_type.setdefault(doc.content_type_id, []).append(doc)
        with transaction.atomic():
            for content_type_id, group in by_type.items():
                old = {doc.object_id: doc for doc in self._existing(content_type_id, (d.object_id for d in group))}
                # Only a new or changed title or body touches the FTS table (not a new address or context).
                changed = [doc.object_id for doc in map(_clean, group)
                           if doc.object_id not in old or (old[doc.object_id].title, old[doc.object_id].body)
                           != (doc.title, doc.body)]
                self._fts_delete(old[object_id] for object_id in changed if object_id in old)
                _upsert(group)
                if changed:
                    self._fts_insert(self._existing(content_type_id, changed))

    def remove_many(self, content_type_id: int, object_ids: Iterable[int]) -> None:
        with transaction.atomic():
            old = self._existing(content_type_id, object_ids)
            self._fts_delete(old)
            SearchDocument.objects.filter(pk__in=[doc.pk for doc in old]).delete()

    def rebuild(self) -> None:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(f"INSERT INTO {FTS_TABLE} ({FTS_TABLE}) VALUES ('delete-all')")
            last = 0
            while True:
                batch = list(SearchDocument.objects.filter(pk__gt=last).order_by("pk")
                             .only("id", "title", "body")[:BATCH_SIZE])
                if not batch:
                    break
                self._fts_insert(batch)
                last = batch[-1].pk

    def search(self, query: ParsedQuery, municipality_id: int | None, kinds: Sequence[str] | None,
               limit: int, offset: int, documents: bool) -> Hits:
        where, params = _filters(municipality_id, kinds)
        source = f"FROM {FTS_TABLE} f JOIN {TABLE} d ON d.id = f.rowid WHERE {FTS_TABLE} MATCH %s{where}"
        args = [query.fts5(), *params]
        # bm25() is lower for better matches; negated so that higher is better on both databases.
        return _ranked(source, f"-bm25({FTS_TABLE}, {TITLE_WEIGHT}, {BODY_WEIGHT})", args, limit, offset,
                       window=False, documents=documents)


def backend() -> PostgresBackend | SqliteBackend:
    if connection.vendor == "postgresql":
        return PostgresBackend()
    if connection.vendor == "sqlite":
        return SqliteBackend()
    raise NotImplementedError(f"Full-text search is not available on {connection.vendor}.")


# --- The interface --------------------------------------------------------------------------------------------


def index(doc: SearchDocument) -> None:
    """Store ``doc`` (unsaved; identified by content_type and object_id) and index it, replacing what was there."""
    backend().index_many([doc])


def index_many(docs: Sequence[SearchDocument]) -> None:
    if docs:
        backend().index_many(docs)


def remove(content_type_id: int, object_id: int) -> None:
    backend().remove_many(content_type_id, [object_id])


def remove_many(content_type_id: int, object_ids: Iterable[int]) -> None:
    object_ids = list(object_ids)
    if object_ids:
        backend().remove_many(content_type_id, object_ids)


def rebuild() -> None:
    """Make the full-text index agree with the stored documents again (SQLite; nothing to do on PostgreSQL)."""
    backend().rebuild()


def search(query: str | ParsedQuery, *, municipality: Municipality | None = None,
           kinds: Sequence[str] | None = None, limit: int = 20, offset: int = 0, documents: bool = False) -> Hits:
    """Document ids matching ``query``, best first, with the number of all matches (and, with ``documents``,
    what the results page shows of each: Hits.documents).

    ``query`` is what a person typed (or its parse); it never raises, and a query without a searchable word
    (only stop words or punctuation) finds nothing.
    """
    if isinstance(query, str):
        query = parse_query(query)
    if not query:
        return Hits(0, [])
    return backend().search(query, municipality.pk if municipality else None, kinds, limit, offset, documents)
