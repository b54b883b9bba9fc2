"""The record sets of the methods library (open data, CC BY 4.0 for the methods' texts): the methods written by
a municipality or by a lab it belongs to, the uses of methods in its processes, and the templates copied into it.
No personal data: no authors' names, no user ids."""

from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kommune.core.models import Municipality
from kommune.core.records import Column, register_record_set
from kommune.methods import events
from kommune.methods.models import LICENSE, Method, MethodUse, TemplateCopy

METHOD_COLUMNS = (
    Column("id", "integer", _("Number of the method on this platform."), required=True),
    Column("slug", "string", _("Address of the method in the library."), required=True),
    Column("title", "string", _("Name."), required=True),
    Column("kind", "string", _("Kind: method, instrument or tool."), required=True),
    Column("summary", "string", _("Summary."), required=True),
    Column("purpose", "string", _("Purpose (Markdown)."), required=True),
    Column("perspectives", "string", _("Perspectives of openness, keys separated by spaces: transparency, "
                                       "agenda_setting, dialogue, co_production, innovation, open_data, culture."),
           required=True),
    Column("effort", "string", _("Effort: low, medium or high."), required=True),
    Column("group_size_min", "integer", _("Smallest group, in people.")),
    Column("group_size_max", "integer", _("Largest group, in people.")),
    Column("duration", "string", _("Duration."), required=True),
    Column("steps", "string", _("Steps (Markdown)."), required=True),
    Column("materials", "string", _("Materials (Markdown).")),
    Column("pitfalls", "string", _("Pitfalls (Markdown).")),
    Column("author", "string", _("Municipality or lab that wrote it."), required=True),
    Column("author_kind", "string", _("municipality or lab."), required=True),
    Column("version", "integer", _("Number of the current version."), required=True),
    Column("updated_at", "datetime", _("Last change."), required=True),
    Column("process_count", "integer", _("Published participation processes on this platform that used it."),
           required=True),
    Column("license", "string", _("Licence of the text (SPDX)."), required=True),
    Column("url", "string", _("Address of the method on this platform."), required=True),
)

USE_COLUMNS = (
    Column("id", "integer", _("Number of the use."), required=True),
    Column("method_id", "integer", _("Number of the method (record set methods)."), required=True),
    Column("method_title", "string", _("Name of the method."), required=True),
    Column("process_id", "integer", _("Number of the participation process."), required=True),
    Column("process_title", "string", _("Title of the participation process."), required=True),
    Column("process_url", "string", _("Address of the participation process."), required=True),
)

COPY_COLUMNS = (
    Column("id", "integer", _("Number of the copy."), required=True),
    Column("template_id", "integer", _("Number of the template."), required=True),
    Column("template_title", "string", _("Title of the template."), required=True),
    Column("kind", "string", _("What was copied: process, survey or proposal_settings."), required=True),
    Column("origin", "string", _("Municipality the template comes from."), required=True),
    Column("title", "string", _("Title of the copy."), required=True),
    Column("starts_on", "date", _("Day the copy's dates start from.")),
    Column("copied_at", "datetime", _("When it was copied."), required=True),
    Column("url", "string", _("Address of the copy, if it has a page.")),
)


def _site() -> str:
    return settings.SITE_URL.rstrip("/")


def method_row(method: Method, process_count: int) -> dict[str, Any]:
    return {
        "id": method.pk, "slug": method.slug, "title": method.title, "kind": method.kind,
        "summary": method.summary, "purpose": method.purpose, "perspectives": " ".join(method.perspective_keys()),
        "effort": method.effort, "group_size_min": method.group_size_min, "group_size_max": method.group_size_max,
        "duration": method.duration, "steps": method.steps, "materials": method.materials,
        "pitfalls": method.pitfalls, "author": str(method.author),
        "author_kind": "municipality" if method.municipality_id else "lab", "version": method.version,
        "updated_at": method.updated_at, "process_count": process_count, "license": LICENSE,
        "url": _site() + method.get_absolute_url(),
    }


def method_rows(municipality: Municipality) -> Iterator[dict[str, Any]]:
    from kommune.methods.selectors import with_use_counts

    methods = with_use_counts(Method.objects.filter(
        Q(municipality=municipality) | Q(lab__municipalities=municipality)).distinct()).order_by("id")
    for method in methods.iterator(chunk_size=500):
        yield method_row(method, method.process_count)  # type: ignore[attr-defined]  # annotated


def use_rows(municipality: Municipality) -> Iterator[dict[str, Any]]:
    uses = (MethodUse.objects.filter(municipality=municipality, process__is_published=True)
            .values("id", "method_id", "method__title", "process_id", "process__title", "process__slug")
            .order_by("id"))
    for row in uses.iterator(chunk_size=2000):
        yield {"id": row["id"], "method_id": row["method_id"], "method_title": row["method__title"],
               "process_id": row["process_id"], "process_title": row["process__title"],
               "process_url": _site() + reverse("processes:detail", kwargs={
                   "municipality_slug": municipality.slug, "process_slug": row["process__slug"]})}


def copy_rows(municipality: Municipality) -> Iterator[dict[str, Any]]:
    copies = (TemplateCopy.objects.filter(municipality=municipality)
              .values("id", "template_id", "template__title", "template__kind", "template__municipality__name",
                      "title", "starts_on", "copied_at", "object_url").order_by("id"))
    for row in copies.iterator(chunk_size=2000):
        yield {"id": row["id"], "template_id": row["template_id"], "template_title": row["template__title"],
               "kind": row["template__kind"], "origin": row["template__municipality__name"], "title": row["title"],
               "starts_on": row["starts_on"], "copied_at": row["copied_at"],
               "url": _site() + row["object_url"] if row["object_url"] else ""}


def register() -> None:
    from kommune.core.processes.events import ProcessPublished, ProcessUnpublished, ProcessUpdated

    process_changes = (ProcessPublished, ProcessUnpublished, ProcessUpdated)
    register_record_set(
        key="methods", title=_("Methods of open government"),
        description=_("Methods, instruments and tools written by the municipality or by a lab it belongs to, "
                      "with purpose, perspectives of openness, effort, group size, duration, steps, materials and "
                      "pitfalls. The texts are licensed under CC BY 4.0."),
        columns=METHOD_COLUMNS, rows=method_rows,
        changed_by=(events.MethodSaved, events.MethodUsesChanged, *process_changes),
        keywords=("Open Government", "Methoden", "Bürgerbeteiligung", "Methodenbibliothek"))
    register_record_set(
        key="method_uses", title=_("Methods used in participation processes"),
        description=_("Which method each published participation process of the municipality used."),
        columns=USE_COLUMNS, rows=use_rows, changed_by=(events.MethodUsesChanged, *process_changes),
        keywords=("Open Government", "Methoden", "Bürgerbeteiligung"))
    register_record_set(
        key="template_copies", title=_("Reused participation setups"),
        description=_("Templates of other municipalities that the municipality copied, with their origin."),
        columns=COPY_COLUMNS, rows=copy_rows, changed_by=(events.TemplateCopied,),
        keywords=("Open Government", "Vorlagen", "Bürgerbeteiligung"))
