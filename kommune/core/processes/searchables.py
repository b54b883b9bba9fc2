"""Participation processes in the search (kommune/core/search/registry.py)."""

from django.utils.translation import gettext_lazy as _

from kommune.core.processes.events import ProcessPublished, ProcessUnpublished, ProcessUpdated
from kommune.core.processes.models import Process
from kommune.core.search.registry import SearchDocumentData, register_searchable
from kommune.core.search.text import plain_text


def process_document(process: Process) -> SearchDocumentData | None:
    if not process.is_published:
        return None
    description = plain_text(process.description_html) if process.description_html else process.description
    body = [process.summary, description, process.area,
            process.topic.name if process.topic else "",
            process.organisation.name if process.organisation else ""]
    return SearchDocumentData(municipality=process.municipality, title=process.title,
                              body="\n".join(part for part in body if part), url=process.get_absolute_url())


def register() -> None:
    register_searchable(
        Process, kind="process", label=_("Participation process"), document=process_document,
        queryset=lambda: Process.objects.filter(is_published=True).select_related(
            "municipality", "topic", "organisation"),
        index_on=(ProcessPublished, ProcessUpdated), remove_on=(ProcessUnpublished,),
    )
