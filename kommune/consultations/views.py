"""Public pages of consultations: the list, the reading view with comment counts in the margin, a paragraph with
its comments and the form to comment on it or on a passage, the consideration table with its files, and what
changed between versions. Views are thin: forms parse, services decide, selectors read."""

import re
from functools import partial

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kommune.consultations import exports, selectors, services
from kommune.consultations.forms import CommentForm, TableFilterForm
from kommune.consultations.models import Consultation, DraftVersion, Paragraph
from kommune.consultations.rendering import render_paragraph
from kommune.consultations.rules import MANAGE
from kommune.core.access import get_for_tenant, municipality_view
from kommune.core.comments.selectors import thread_page
from kommune.core.models import Municipality
from kommune.core.pagecache import cached_for_anonymous, shared_object, shared_value

LIST_PAGE_SIZE = 20
TABLE_PAGE_SIZE = 50
SENTENCE = re.compile(r"[^.!?;:]+[.!?;:]?")


def _consultation(request: HttpRequest, municipality: Municipality, consultation_id: int) -> Consultation:
    return get_for_tenant(selectors.consultations_for(municipality, request.user), municipality, pk=consultation_id)


def _kept_consultation(request: HttpRequest, municipality: Municipality, consultation_id: int
                       ) -> tuple[Consultation, DraftVersion | None]:
    """The consultation and its current version for a page under ``consultation:<id>``. A published one is the same
    for everyone, so it is kept under the page's generations (a shared object); staff read a draft as
    ``_consultation`` does."""
    public = shared_object(request, f"consultation:{consultation_id}",
                           partial(selectors.public_consultation, municipality, consultation_id))
    if public is None:
        consultation = _consultation(request, municipality, consultation_id)
        version = selectors.current_version(consultation)
    else:
        consultation, version = public
        consultation.municipality = municipality
    services.remember_current_version(consultation, version)
    return consultation, version


def _kept_paragraph(request: HttpRequest, consultation: Consultation, paragraph_id: int) -> Paragraph:
    paragraph = shared_object(request, f"paragraph:{consultation.pk}:{paragraph_id}",
                              partial(selectors.paragraph_of, consultation, paragraph_id))
    if paragraph is None:
        raise Http404
    paragraph.municipality = paragraph.version.municipality = consultation.municipality
    paragraph.version.consultation = consultation
    return paragraph


def _paragraph(consultation: Consultation, paragraph_id: int) -> Paragraph:
    return get_for_tenant(Paragraph.objects.filter(version__consultation=consultation)
                          .select_related("version__consultation__municipality", "version__consultation__process",
                                          "chapter", "municipality"),
                          consultation.municipality, pk=paragraph_id)


def sentences(text: str) -> list[str]:
    """The sentences of a paragraph's text, for choosing a passage without selecting it with a pointer."""
    found = [part.strip() for line in text.split("\n") for part in SENTENCE.findall(line.replace("\t", " "))]
    return [sentence for sentence in found if len(sentence) > 3][:100]


@cached_for_anonymous("consultations")
@municipality_view()
def consultation_list(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    page_obj = Paginator(selectors.public_consultations(municipality), LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "consultations/list.html", {
        "municipality": municipality, "page_obj": page_obj, "now": timezone.now(),
        "can_manage": request.user.has_perm(MANAGE, municipality)})


@cached_for_anonymous("consultation:{consultation_id}")
@municipality_view()
def consultation_detail(request: HttpRequest, municipality: Municipality, consultation_id: int) -> HttpResponse:
    consultation, version = _kept_consultation(request, municipality, consultation_id)
    if version is None:
        raise Http404

    def draft() -> dict:  # read only when the shared fragment is not cached
        chapters, counts, passages = selectors.reading(version)
        rendered = {p.pk: render_paragraph(p, passages.get(p.pk, ()), heading_shift=1)
                    for chapter in chapters for p in chapter.paragraphs}
        return {"versions": list(consultation.versions.all()), "chapters": chapters, "counts": counts,
                "rendered": rendered}

    now = timezone.now()
    return render(request, "consultations/detail.html", {
        "municipality": municipality, "consultation": consultation, "version": version, "draft": draft,
        "state": consultation.period_state(now), "now": now,
        "is_open": consultation.is_open_for_comments(now),
        "can_manage": request.user.has_perm(MANAGE, municipality)})


def _paragraph_page(request: HttpRequest, consultation: Consultation, paragraph: Paragraph,
                    form: CommentForm | None = None, status: int = 200) -> HttpResponse:
    now = timezone.now()
    current_id = services.current_version_id(consultation)
    # The list is a shared fragment (paragraph.html); the person's reactions are personal marks.
    thread = thread_page(request, paragraph, cursor=request.GET.get("cursor") or None, shared=True)

    def text() -> dict:  # read only when the shared fragment is not cached
        passages = selectors.passages_by_paragraph([paragraph]).get(paragraph.pk, [])
        siblings = list(Paragraph.objects.filter(version=paragraph.version, position__in=[
            paragraph.position - 1, paragraph.position + 1]).order_by("position"))
        return {"rendered": render_paragraph(paragraph, passages, heading_shift=1), "passages": passages,
                "previous": next((p for p in siblings if p.position < paragraph.position), None),
                "next": next((p for p in siblings if p.position > paragraph.position), None)}

    return render(request, "consultations/paragraph.html", {
        "municipality": consultation.municipality, "consultation": consultation, "paragraph": paragraph,
        "text": text, "thread_page": thread, "is_current": paragraph.version_id == current_id,
        "is_open": services.is_paragraph_open(paragraph, now), "state": consultation.period_state(now),
        "form": form or CommentForm(sentences=sentences(paragraph.text), auto_id="id_passage_%s"),
    }, status=status)


@cached_for_anonymous("consultation:{consultation_id}")
@municipality_view()
def paragraph(request: HttpRequest, municipality: Municipality, consultation_id: int,
              paragraph_id: int) -> HttpResponse:
    consultation, _version = _kept_consultation(request, municipality, consultation_id)
    from kommune.core.cursor import InvalidCursor

    try:
        return _paragraph_page(request, consultation, _kept_paragraph(request, consultation, paragraph_id))
    except InvalidCursor:
        return render(request, "consultations/error.html", {
            "municipality": municipality, "consultation": consultation, "message": InvalidCursor.message},
            status=400)


@municipality_view()
@require_POST
def comment(request: HttpRequest, municipality: Municipality, consultation_id: int, paragraph_id: int
            ) -> HttpResponse:
    consultation = _consultation(request, municipality, consultation_id)
    target = _paragraph(consultation, paragraph_id)
    if not request.user.is_authenticated:
        return redirect_to_login(target.get_absolute_url())
    form = CommentForm(request.POST, sentences=sentences(target.text), auto_id="id_passage_%s")
    if not form.is_valid():
        return _paragraph_page(request, consultation, target, form, status=400)
    try:
        posted = services.do_comment_on_paragraph(
            actor=request.user, paragraph=target, text=form.cleaned_data["text"], quote=form.passage(),
            start=form.cleaned_data.get("start"), end=form.cleaned_data.get("end"))
    except ValidationError as error:
        field = "quote" if error.code in {"quote", "quote_too_long"} else None
        form.add_error(field, error)
        return _paragraph_page(request, consultation, target, form, status=400)
    except PermissionDenied:
        raise
    messages.success(request, _("Thank you, your comment is published."))
    return redirect(target.get_absolute_url() + f"#comment-{posted.pk}")


def _published_table(request: HttpRequest, municipality: Municipality, consultation_id: int) -> Consultation:
    consultation, _version = _kept_consultation(request, municipality, consultation_id)
    if consultation.considerations_published_at is None and not request.user.has_perm(MANAGE, municipality):
        raise Http404
    return consultation


@cached_for_anonymous("consultation:{consultation_id}")
@municipality_view()
def considerations(request: HttpRequest, municipality: Municipality, consultation_id: int) -> HttpResponse:
    consultation = _published_table(request, municipality, consultation_id)
    # Kept with the page's generations: reading the chapters was a quarter of the logged-in table page.
    chapters = shared_value(request, "chapters", partial(selectors.chapter_titles, consultation))
    form = TableFilterForm(request.GET or None, chapters=chapters)
    filters = form.filters()

    def table() -> dict:  # read only when the shared fragment is not cached
        rows = selectors.table_rows(consultation, **filters)
        return {"page_obj": Paginator(rows, TABLE_PAGE_SIZE).get_page(request.GET.get("page")), "count": len(rows)}

    query = {key: value for key, value in filters.items() if value}
    return render(request, "consultations/considerations.html", {
        "municipality": municipality, "consultation": consultation, "form": form, "table": table,
        "query": query, "formats": list(exports.FORMATS)}, status=400 if form.errors else 200)


@municipality_view()
def considerations_file(request: HttpRequest, municipality: Municipality, consultation_id: int,
                        file_format: str) -> HttpResponse:
    if file_format not in exports.FORMATS:
        raise Http404
    consultation = _published_table(request, municipality, consultation_id)
    form = TableFilterForm(request.GET or None, chapters=selectors.chapter_titles(consultation))
    rows = selectors.table_rows(consultation, **form.filters())
    response = HttpResponse(exports.table_file(consultation, rows, file_format),
                            content_type=exports.FORMATS[file_format])
    response["Content-Disposition"] = f'attachment; filename="abwaegung-{consultation.pk}.{file_format}"'
    if consultation.considerations_published_at is None:
        response["Cache-Control"] = "private, no-store"
    return response


@cached_for_anonymous("consultation:{consultation_id}")
@municipality_view()
def version_changes(request: HttpRequest, municipality: Municipality, consultation_id: int,
                    number: int) -> HttpResponse:
    consultation = _consultation(request, municipality, consultation_id)
    version = get_for_tenant(DraftVersion.objects.filter(consultation=consultation), municipality, number=number)
    previous = selectors.previous_version(version)
    changes = selectors.changes_of(version)
    comment_paragraphs = {}
    wanted = {c.thread.object_id for change in changes for c in change.comments}
    if wanted:
        comment_paragraphs = {p.pk: p for p in Paragraph.objects.filter(pk__in=wanted).select_related("municipality",
                                                                                                      "version")}
    return render(request, "consultations/changes.html", {
        "municipality": municipality, "consultation": consultation, "version": version, "previous": previous,
        "changes": changes, "comment_paragraphs": comment_paragraphs,
        "can_manage": request.user.has_perm(MANAGE, municipality)})
