"""Managing participation processes under /<slug>/verwaltung/verfahren/ (permission processes.manage)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kommune.core.access import get_for_tenant, municipality_view
from kommune.core.models import Municipality
from kommune.core.processes import selectors, services
from kommune.core.processes.forms import NewsForm, PhaseFormSet, ProcessForm, TopicForm, phase_initial, phases_from
from kommune.core.processes.models import Process, ProcessNews
from kommune.core.processes.services import PERMISSION
from kommune.core.processes.timing import process_state
from kommune.core.types import AuthenticatedHttpRequest

PAGE_SIZE = 50


def _process(municipality: Municipality, slug: str) -> Process:
    return get_for_tenant(Process.objects.select_related("municipality", "organisation", "topic"), municipality,
                          slug=slug)


def _url(name: str, municipality: Municipality, process: Process | None = None) -> str:
    kwargs = {"municipality_slug": municipality.slug}
    if process is not None:
        kwargs["process_slug"] = process.slug
    return reverse(f"processes:{name}", kwargs=kwargs)


def _page(request: HttpRequest, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


@municipality_view(PERMISSION)
def manage_list(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    page_obj = _page(request, selectors.manage_processes(municipality))
    now = timezone.now()
    return render(request, "processes/manage/list.html", {
        "municipality": municipality,
        "page_obj": page_obj,
        "rows": [(process, process_state(process, now)) for process in page_obj],
    })


@municipality_view(PERMISSION)
def manage_create(request: AuthenticatedHttpRequest, municipality: Municipality) -> HttpResponse:
    form = ProcessForm(request.POST or None, municipality=municipality)
    if request.method == "POST" and form.is_valid():
        try:
            process = services.do_create_process(municipality=municipality, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The process “%(title)s” was created. Now add its phases; it stays "
                                        "unpublished until you publish it.") % {"title": process.title})
            return redirect(_url("manage_phases", municipality, process))
    return render(request, "processes/manage/process_form.html", {
        "municipality": municipality, "form": form, "process": None,
    })


@municipality_view(PERMISSION)
def manage_edit(request: AuthenticatedHttpRequest, municipality: Municipality, process_slug: str) -> HttpResponse:
    process = _process(municipality, process_slug)
    initial = {name: getattr(process, name) for name in ProcessForm.base_fields}
    form = ProcessForm(request.POST or None, initial=initial, municipality=municipality, slug_required=True)
    if request.method == "POST" and form.is_valid():
        try:
            services.do_update_process(process=process, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The changes to “%(title)s” were saved.") % {"title": process.title})
            return redirect(_url("manage_list", municipality))
    return render(request, "processes/manage/process_form.html", {
        "municipality": municipality, "form": form, "process": process,
    })


@municipality_view(PERMISSION)
def manage_phases(request: AuthenticatedHttpRequest, municipality: Municipality, process_slug: str) -> HttpResponse:
    process = _process(municipality, process_slug)
    initial = phase_initial(process.phases.order_by("starts_at", "id"))
    formset = PhaseFormSet(request.POST or None, initial=initial, prefix="phases")
    errors: list[str] = []
    if request.method == "POST" and formset.is_valid():
        try:
            services.do_set_phases(process=process, actor=request.user, phases=phases_from(formset))
        except ValidationError as error:
            errors = error.messages
        else:
            messages.success(request, _("The phases of “%(title)s” were saved.") % {"title": process.title})
            return redirect(_url("manage_phases", municipality, process))
    return render(request, "processes/manage/phases.html", {
        "municipality": municipality, "process": process, "formset": formset, "errors": errors,
    })


@municipality_view(PERMISSION)
@require_POST
def manage_publish(request: AuthenticatedHttpRequest, municipality: Municipality, process_slug: str) -> HttpResponse:
    process = _process(municipality, process_slug)
    try:
        services.do_publish_process(process=process, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("“%(title)s” is published.") % {"title": process.title})
    return redirect(_url("manage_list", municipality))


@municipality_view(PERMISSION)
@require_POST
def manage_unpublish(request: AuthenticatedHttpRequest, municipality: Municipality, process_slug: str) -> HttpResponse:
    process = _process(municipality, process_slug)
    services.do_unpublish_process(process=process, actor=request.user)
    messages.success(request, _("“%(title)s” is no longer published. Only staff can see it now.")
                     % {"title": process.title})
    return redirect(_url("manage_list", municipality))


@municipality_view(PERMISSION)
def manage_topics(request: AuthenticatedHttpRequest, municipality: Municipality) -> HttpResponse:
    form = TopicForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            topic = services.do_create_topic(municipality=municipality, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The topic “%(name)s” was created.") % {"name": topic.name})
            return redirect(_url("manage_topics", municipality))
    return render(request, "processes/manage/topics.html", {
        "municipality": municipality, "form": form,
        "page_obj": _page(request, selectors.topics_of(municipality)),
    })


@municipality_view(PERMISSION)
def manage_news(request: AuthenticatedHttpRequest, municipality: Municipality, process_slug: str) -> HttpResponse:
    process = _process(municipality, process_slug)
    form = NewsForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.do_publish_news(process=process, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The news item was published.") if process.is_published else
                             _("The news item was saved. It becomes visible when the process is published."))
            return redirect(_url("manage_news", municipality, process))
    return render(request, "processes/manage/news.html", {
        "municipality": municipality, "process": process, "form": form,
        "recent": ProcessNews.objects.filter(process=process).order_by("-published_at", "-id")[:10],
    })


# --- The evaluation export (evaluation.py): every contribution of the process, without personal data -------------


def _evaluation_response(content: bytes, content_type: str, process: Process, extension: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="auswertung-{process.slug}.{extension}"'
    response["Cache-Control"] = "private, no-store"
    return response


@municipality_view(PERMISSION)
def manage_evaluation_csv(request: HttpRequest, municipality: Municipality, process_slug: str) -> HttpResponse:
    from kommune.core.processes.evaluation import evaluation_zip

    process = _process(municipality, process_slug)
    return _evaluation_response(evaluation_zip(process), "application/zip", process, "zip")


@municipality_view(PERMISSION)
def manage_evaluation_xlsx(request: HttpRequest, municipality: Municipality, process_slug: str) -> HttpResponse:
    from kommune.core.processes.evaluation import evaluation_xlsx

    process = _process(municipality, process_slug)
    return _evaluation_response(
        evaluation_xlsx(process), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", process, "xlsx")
