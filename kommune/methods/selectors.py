"""Reads of the methods library that the pages, the export and the open data share; a constant number of queries
per page, whatever the number of methods, uses and copies."""

import itertools
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet

from kommune.core.models import Municipality
from kommune.core.search.german import OR_WORDS, stem
from kommune.core.search.selectors import search
from kommune.methods.models import Method, MethodUse, MethodVersion, Template, TemplateCopy

PER_PAGE = 30

USED = Q(uses__process__is_published=True)


def with_use_counts(methods: QuerySet[Method]) -> QuerySet[Method]:
    """Each method with ``process_count`` and ``municipality_count``: its uses in published processes."""
    return methods.select_related("municipality", "lab").annotate(
        process_count=Count("uses__process", filter=USED, distinct=True),
        municipality_count=Count("uses__municipality", filter=USED, distinct=True),
        copy_count=Count("templates__copies", distinct=True))


def _forms(word: str) -> tuple[str, ...]:
    """A loanword that the German stemmer leaves as it is ("Workshop", "Workshops", "Hackdays") also in its other
    number: the Snowball stemmer strips an -s only after certain letters, so "Workshops" would miss "Workshop"."""
    lower = word.lower()
    if len(lower) < 4 or not lower.isalpha() or stem(lower) != lower:
        return (word,)
    return (word, word[:-1]) if lower.endswith("s") else (word, word + "s")


def with_loanword_plurals(query: str) -> str:
    """The query with each of up to three plain words also in its other number, joined by "or"."""
    words = query.split()
    if '"' in query or not 1 <= len(words) <= 3 or any(w.startswith("-") or w.lower() in OR_WORDS for w in words):
        return query
    return " or ".join(" ".join(combo) for combo in itertools.product(*map(_forms, words)))


@dataclass(frozen=True)
class Library:
    methods: list[Method]
    total: int
    searched: bool  # a query was given (the order is the search's ranking, at most one page)


def filtered(methods: QuerySet[Method], *, perspective: str = "", kind: str = "") -> QuerySet[Method]:
    """``methods`` that serve ``perspective`` (a key of Perspective) and are of ``kind``, where given."""
    if perspective:
        methods = methods.filter(perspectives__contains=f",{perspective},")
    if kind:
        methods = methods.filter(kind=kind)
    return methods


def library(*, query: str = "", perspective: str = "", kind: str = "") -> Library:
    methods = filtered(Method.objects.all(), perspective=perspective, kind=kind)
    if query.strip():
        page = search(query=with_loanword_plurals(query), kinds=["method"])
        ranked = [result.document.object_id for result in page.results]
        found = {method.pk: method for method in with_use_counts(methods.filter(pk__in=ranked))}
        hits = [found[pk] for pk in ranked if pk in found]
        return Library(hits, len(hits), True)
    listed = list(with_use_counts(methods).order_by("title", "id")[:PER_PAGE * 10])
    return Library(listed, len(listed), False)


def method_uses(method: Method) -> list[MethodUse]:
    """The uses in published processes, newest process first."""
    return list(MethodUse.objects.filter(method=method, process__is_published=True)
                .select_related("process__municipality", "municipality").order_by("-process__starts_at", "-id")[:200])


def method_templates(method: Method) -> list[Template]:
    return list(Template.objects.filter(method=method).select_related("municipality")
                .prefetch_related(Prefetch("copies", TemplateCopy.objects.select_related("municipality")))
                .order_by("-created_at", "-id")[:50])


def versions_of(method: Method) -> QuerySet[MethodVersion]:
    return MethodVersion.objects.filter(method=method)


def versions(method: Method) -> list[MethodVersion]:
    return list(versions_of(method).order_by("-number")[:500])


def templates(*, municipality: Municipality | None = None) -> list[Template]:
    """The templates (of one municipality, or all), each with its copies and where they went."""
    found = Template.objects.select_related("municipality", "method").annotate(
        copy_total=Count("copies", distinct=True),
        copy_municipalities=Count("copies__municipality", distinct=True))
    if municipality is not None:
        found = found.filter(municipality=municipality)
    return list(found.order_by("-created_at", "-id")[:200])


def template_copies(template: Template) -> list[TemplateCopy]:
    return list(TemplateCopy.objects.filter(template=template).select_related("municipality")
                .order_by("-copied_at", "-id")[:500])


def copies_into(municipality: Municipality) -> list[TemplateCopy]:
    return list(TemplateCopy.objects.filter(municipality=municipality)
                .select_related("template", "template__municipality").order_by("-copied_at", "-id")[:200])


def written_for(municipality: Municipality) -> QuerySet[Method]:
    """Written by the municipality, or by a lab it belongs to."""
    return Method.objects.filter(Q(municipality=municipality) | Q(lab__municipalities=municipality)).distinct()


def methods_of(municipality: Municipality) -> list[Method]:
    return list(with_use_counts(written_for(municipality)).order_by("title", "id"))


def used_in(municipality: Municipality) -> list[MethodUse]:
    return list(MethodUse.objects.filter(municipality=municipality, process__is_published=True)
                .select_related("method", "process").order_by("method__title", "-process__starts_at")[:500])
