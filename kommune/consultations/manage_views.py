"""Managing consultations under /<slug>/verwaltung/konsultationen/ (permission consultations.manage): creating
one with its draft, new versions, answering the comments (the consideration table), publishing the table and
naming the comments that caused a change."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kommune.consultations import selectors, services
from kommune.consultations.documents import Block
from kommune.consultations.forms import (
    AnswerEditForm,
    AnswerForm,
    ConsultationEditForm,
    ConsultationForm,
    VersionForm,
)
from kommune.consultations.models import Answer, Consultation, DraftVersion
from kommune.consultations.rules import MANAGE
from kommune.core.access import get_for_tenant, municipality_view
from kommune.core.cleaning import parse_id
from kommune.core.models import Municipality
from kommune.core.processes.models import Phase
from kommune.core.types import AuthenticatedHttpRequest

PAGE_SIZE = 50


def _url(name: str, consultation: Consultation, **kwargs) -> str:
    return reverse(f"consultations:{name}", kwargs={"municipality_slug": consultation.municipality.slug,
                                                    "consultation_id": consultation.pk, **kwargs})


def _consultation(municipality: Municipality, consultation_id: int) -> Consultation:
    return get_for_tenant(Consultation.objects.select_related("municipality", "process", "phase"), municipality,
                          pk=consultation_id)


def _blocks(form) -> tuple[list[Block], str]:
    """The draft of a valid form: the uploaded file, else the text. Raises ValidationError."""
    upload = form.cleaned_data.get("file")
    if upload:
        return services.blocks_from_upload(upload.name, upload.read()), upload.name
    return services.blocks_from_text(form.cleaned_data["text"]), ""


@municipality_view(MANAGE)
def overview(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    page_obj = Paginator(Consultation.objects.filter(municipality=municipality).select_related("process"),
                         PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "consultations/manage/overview.html", {
        "municipality": municipality, "page_obj": page_obj, "now": timezone.now()})


def _phases(municipality: Municipality) -> list[Phase]:
    phases = Phase.objects.filter(municipality=municipality).select_related("process").order_by(
        "process__title", "starts_at")
    return [phase for phase in phases if services.FEATURE in (phase.features or [])]


@municipality_view(MANAGE)
def create(request: AuthenticatedHttpRequest, municipality: Municipality) -> HttpResponse:
    phases = _phases(municipality)
    form = ConsultationForm(request.POST or None, request.FILES or None, phases=phases)
    if request.method == "POST" and form.is_valid():
        try:
            blocks, source_name = _blocks(form)
            consultation = services.do_create_consultation(
                actor=request.user, phase=form.phases[form.cleaned_data["phase"]], title=form.cleaned_data["title"],
                summary=form.cleaned_data["summary"], opens_at=form.cleaned_data["opens_at"],
                closes_at=form.cleaned_data["closes_at"], blocks=blocks, source_name=source_name,
                publish_now=form.cleaned_data["publish"])
        except ValidationError as error:
            form.add_error("file" if error.code in {"malformed", "file_type", "too_large", "empty"} else None, error)
        else:
            messages.success(request, _("The consultation is created."))
            return redirect(consultation.get_absolute_url())
    return render(request, "consultations/manage/form.html", {
        "municipality": municipality, "form": form, "phases": phases,
        "title": _("New consultation")}, status=400 if form.errors else 200)


@municipality_view(MANAGE)
def edit(request: AuthenticatedHttpRequest, municipality: Municipality, consultation_id: int) -> HttpResponse:
    consultation = _consultation(municipality, consultation_id)
    form = ConsultationEditForm(request.POST or None, initial={
        "title": consultation.title, "summary": consultation.summary, "opens_at": consultation.comments_open_at,
        "closes_at": consultation.comments_close_at, "is_published": consultation.is_published})
    if request.method == "POST" and form.is_valid():
        try:
            services.do_update_consultation(actor=request.user, consultation=consultation,
                                            title=form.cleaned_data["title"], summary=form.cleaned_data["summary"],
                                            opens_at=form.cleaned_data["opens_at"],
                                            closes_at=form.cleaned_data["closes_at"],
                                            is_published=form.cleaned_data["is_published"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The consultation is saved."))
            return redirect(_url("manage_edit", consultation))
    return render(request, "consultations/manage/edit.html", {
        "municipality": municipality, "consultation": consultation, "form": form,
        "versions": list(consultation.versions.all()), "now": timezone.now()}, status=400 if form.errors else 200)


@municipality_view(MANAGE)
def add_version(request: AuthenticatedHttpRequest, municipality: Municipality, consultation_id: int) -> HttpResponse:
    consultation = _consultation(municipality, consultation_id)
    form = VersionForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            blocks, source_name = _blocks(form)
            version = services.do_add_version(actor=request.user, consultation=consultation, blocks=blocks,
                                              note=form.cleaned_data["note"], source_name=source_name)
        except ValidationError as error:
            form.add_error("file" if error.code in {"malformed", "file_type", "too_large", "empty"} else None, error)
        else:
            messages.success(request, _("Version %(number)d is put up.") % {"number": version.number})
            return redirect(_url("changes", consultation, number=version.number))
    return render(request, "consultations/manage/version.html", {
        "municipality": municipality, "consultation": consultation, "form": form},
        status=400 if form.errors else 200)


@municipality_view(MANAGE)
def considerations(request: AuthenticatedHttpRequest, municipality: Municipality,
                   consultation_id: int) -> HttpResponse:
    consultation = _consultation(municipality, consultation_id)
    answers = selectors.answers_of(consultation)
    form = AnswerForm(request.POST or None, answers=answers)
    status = 200
    if request.method == "POST":
        ids = [value for value in request.POST.getlist("comment") if parse_id(value) is not None]
        if form.is_valid():
            try:
                existing = form.answers.get(form.cleaned_data["existing"] or "")
                services.do_answer_comments(actor=request.user, consultation=consultation, comment_ids=[
                    int(pk) for pk in ids], disposition=form.cleaned_data["disposition"],
                    text=form.cleaned_data["text"], answer=existing)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The answer is saved for %(count)d comments.") % {"count": len(ids)})
                return redirect(_url("manage_considerations", consultation))
        status = 400
    rows = selectors.table_rows(consultation)
    unanswered = sum(1 for row in rows if row.answer is None)
    only_open = request.GET.get("offen") == "1"
    shown = [row for row in rows if row.answer is None] if only_open else rows
    page_obj = Paginator(shown, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "consultations/manage/considerations.html", {
        "municipality": municipality, "consultation": consultation, "form": form, "page_obj": page_obj,
        "answers": answers, "unanswered": unanswered, "total": len(rows), "only_open": only_open,
        "state": consultation.period_state(timezone.now())}, status=status)


@municipality_view(MANAGE)
def edit_answer(request: AuthenticatedHttpRequest, municipality: Municipality, consultation_id: int,
                answer_id: int) -> HttpResponse:
    consultation = _consultation(municipality, consultation_id)
    answer = get_for_tenant(Answer.objects.filter(consultation=consultation), municipality, pk=answer_id)
    form = AnswerEditForm(request.POST or None, initial={"disposition": answer.disposition, "text": answer.text})
    if request.method == "POST" and form.is_valid():
        try:
            services.do_edit_answer(actor=request.user, answer=answer, disposition=form.cleaned_data["disposition"],
                                    text=form.cleaned_data["text"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The answer is saved."))
            return redirect(_url("manage_considerations", consultation))
    return render(request, "consultations/manage/answer.html", {
        "municipality": municipality, "consultation": consultation, "answer": answer, "form": form},
        status=400 if form.errors else 200)


@municipality_view(MANAGE)
@require_POST
def publish_considerations(request: AuthenticatedHttpRequest, municipality: Municipality,
                           consultation_id: int) -> HttpResponse:
    consultation = _consultation(municipality, consultation_id)
    try:
        services.do_publish_considerations(actor=request.user, consultation=consultation)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(_url("manage_considerations", consultation))
    messages.success(request, _("The consideration table is published; everyone who commented is notified."))
    return redirect(_url("considerations", consultation))


@municipality_view(MANAGE)
def change_reasons(request: AuthenticatedHttpRequest, municipality: Municipality, consultation_id: int,
                   number: int) -> HttpResponse:
    consultation = _consultation(municipality, consultation_id)
    version = get_for_tenant(DraftVersion.objects.filter(consultation=consultation), municipality, number=number)
    changes = selectors.changes_of(version)
    error = None
    if request.method == "POST":
        ids = [pk for value in request.POST.getlist("comment") if (pk := parse_id(value)) is not None]
        try:
            services.do_link_change(actor=request.user, version=version, change_key=request.POST.get("change", ""),
                                    comment_ids=ids)
        except ValidationError as problem:
            error = " ".join(problem.messages)
        else:
            messages.success(request, _("The comments are linked to the change."))
            return redirect(_url("changes", consultation, number=version.number))
    key = request.POST.get("change") or request.GET.get("change", "")
    change = next((c for c in changes if c.key == key), None)
    rows = selectors.table_rows(consultation)
    return render(request, "consultations/manage/change_reasons.html", {
        "municipality": municipality, "consultation": consultation, "version": version, "changes": changes,
        "change": change, "rows": rows, "error": error,
        "linked": {c.pk for c in change.comments} if change else set()}, status=400 if error else 200)
