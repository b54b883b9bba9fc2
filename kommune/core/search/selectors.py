"""The search results page's reads: a constant number of queries, whatever the number of matches."""

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.functional import Promise
from markupsafe import Markup

from kommune.core.models import Municipality
from kommune.core.search import backends
from kommune.core.search.german import parse_query
from kommune.core.search.registry import searchable_by_kind
from kommune.core.search.text import highlight, snippet

PER_PAGE = 20
MAX_PAGES = 10


@dataclass(frozen=True)
class FoundDocument:
    """What a result shows of its document, read as values (as models, with their municipality, they were 15 % of
    a results page rendered anew, in cProfile)."""

    id: int
    object_id: int
    kind: str
    title: str
    body: str
    url: str
    context: str
    municipality_name: str


@dataclass(frozen=True)
class Result:
    document: FoundDocument
    kind_label: str | Promise
    title: Markup  # highlighted; empty when the document has no title of its own (then show the context)
    snippet: Markup


@dataclass(frozen=True)
class ResultPage:
    results: list[Result]
    total: int  # all matches, also beyond the pages shown, up to backends.COUNT_LIMIT
    number: int
    num_pages: int  # at most MAX_PAGES
    searchable: bool  # False when the query holds no word to search for (only stop words or punctuation)
    more: bool = False  # more than ``total`` matches

    @property
    def start_index(self) -> int:
        return (self.number - 1) * PER_PAGE + 1


def search(*, query: str, municipality: Municipality | None = None, kinds: Sequence[str] | None = None,
           page: int = 1) -> ResultPage:
    parsed = parse_query(query)
    page = max(1, min(page, MAX_PAGES))
    hits = backends.search(parsed, municipality=municipality, kinds=kinds or None, limit=PER_PAGE,
                           offset=(page - 1) * PER_PAGE, documents=True)
    stems = parsed.highlight_stems
    results = []
    for doc_id, _ in hits.ranked:
        doc = FoundDocument(id=doc_id, **hits.documents[doc_id])
        searchable = searchable_by_kind(doc.kind)
        results.append(Result(doc, searchable.label if searchable else doc.kind, highlight(doc.title, stems),
                              snippet(doc.body, stems)))
    num_pages = min(MAX_PAGES, max(1, -(-hits.total // PER_PAGE)))
    return ResultPage(results, hits.total, page, num_pages, bool(parsed), hits.more)
