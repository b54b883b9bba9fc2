"""Council papers are found by the site search (kind "paper") with the text of their files: the text the importer
extracted from each PDF (pdf.extract_text), so a word that is only in an attachment finds the paper."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kommune.core.search.registry import SearchDocumentData, register_searchable
from kommune.council import selectors
from kommune.council.events import PaperChanged, PaperDeleted
from kommune.council.models import Paper

# The index keeps this much of a paper's text (PostgreSQL's tsvector holds at most 1 MB).
MAX_BODY = 300_000


def paper_document(paper: Paper) -> SearchDocumentData | None:
    if paper.deleted:
        return None
    parts = [paper.paper_type, paper.reference]
    for file in paper.files.all():  # prefetched live files (selectors), else a query
        if not file.deleted:
            parts += [file.name, file.text]
    body = "\n".join(part for part in parts if part)[:MAX_BODY]
    url = reverse("council_pages:paper", kwargs={"municipality_slug": paper.municipality.slug, "paper_id": paper.pk})
    context = f"{paper.paper_type} {paper.reference}".strip()
    return SearchDocumentData(municipality=paper.municipality, title=paper.name, body=body, url=url,
                              context=context)


def register() -> None:
    register_searchable(Paper, kind="paper", label=_("Council paper"), document=paper_document,
                        queryset=selectors.papers_for_search, index_on=(PaperChanged,), remove_on=(PaperDeleted,))
