"""Managing the Vorhabenliste under /<slug>/verwaltung/vorhaben/ (permission projects.manage): the projects,
their details, status, milestones, funding and links."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kommune.core.access import get_for_tenant, municipality_view
from kommune.core.linkables import linkable_by_kind
from kommune.core.models import Municipality
from kommune.core.types import AuthenticatedHttpRequest
from kommune.projects import selectors, services
from kommune.projects.forms import (
    FundingForm,
    LinkSearchForm,
    MilestoneForm,
    NewProjectForm,
    ProjectForm,
    StatusForm,
)
from kommune.projects.models import Funding, Milestone, Project, ProjectLink

PERMISSION = services.MANAGE_PERMISSION
PAGE_SIZE = 50


def _url(name: str, project: Project) -> str:
    return reverse(f"projects:{name}", kwargs={"municipality_slug": project.municipality.slug,
                                               "project_id": project.pk})


def _project(municipality: Municipality, project_id: int) -> Project:
    return get_for_tenant(selectors.projects_of(municipality), municipality, pk=project_id)


@municipality_view(PERMISSION)
def overview(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    page_obj = Paginator(selectors.projects_of(municipality).order_by("-created_at", "-id"),
                         PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "projects/manage/overview.html", {
        "municipality": municipality, "page_obj": page_obj, "counts": selectors.status_counts(municipality)})


@municipality_view(PERMISSION)
def create(request: AuthenticatedHttpRequest, municipality: Municipality) -> HttpResponse:
    form = NewProjectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            project = services.do_create_project(municipality=municipality, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The project “%(title)s” is in the public list.") % {"title": project.title})
            return redirect(project.get_absolute_url())
    return render(request, "projects/manage/form.html", {"municipality": municipality, "form": form,
                                                         "project": None})


@municipality_view(PERMISSION)
def edit(request: AuthenticatedHttpRequest, municipality: Municipality, project_id: int) -> HttpResponse:
    project = _project(municipality, project_id)
    initial = {name: getattr(project, name) for name in services.PROJECT_FIELDS}
    form = ProjectForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.do_update_project(project=project, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your changes were saved."))
            return redirect(project.get_absolute_url())
    return render(request, "projects/manage/form.html", {"municipality": municipality, "form": form,
                                                         "project": project})


@municipality_view(PERMISSION)
def change_status(request: AuthenticatedHttpRequest, municipality: Municipality, project_id: int) -> HttpResponse:
    project = _project(municipality, project_id)
    form = StatusForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.do_change_status(project=project, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The status of “%(title)s” is now “%(status)s”. Its followers are told.")
                             % {"title": project.title, "status": project.get_status_display()})
            return redirect(project.get_absolute_url())
    return render(request, "projects/manage/status.html", {
        "municipality": municipality, "project": project, "form": form, "history": selectors.history_of(project)})


@municipality_view(PERMISSION)
def milestones(request: AuthenticatedHttpRequest, municipality: Municipality, project_id: int) -> HttpResponse:
    project = _project(municipality, project_id)
    return _milestone_page(request, municipality, project, None)


@municipality_view(PERMISSION)
def edit_milestone(request: AuthenticatedHttpRequest, municipality: Municipality, project_id: int,
                   milestone_id: int) -> HttpResponse:
    project = _project(municipality, project_id)
    milestone = get_for_tenant(Milestone.objects.filter(project=project), municipality, pk=milestone_id)
    return _milestone_page(request, municipality, project, milestone)


def _milestone_page(request: AuthenticatedHttpRequest, municipality: Municipality, project: Project,
                    milestone: Milestone | None) -> HttpResponse:
    initial: dict[str, Any] = {}
    if milestone is not None:
        initial = {"title": milestone.title, "planned_on": milestone.planned_on, "reached_on": milestone.reached_on,
                   "note": milestone.note}
    form = MilestoneForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.do_save_milestone(project=project, actor=request.user, milestone=milestone, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The milestone “%(title)s” was saved.") % {"title": form.cleaned_data["title"]})
            return redirect(_url("manage_milestones", project))
    return render(request, "projects/manage/milestones.html", {
        "municipality": municipality, "project": project, "form": form, "milestone": milestone,
        "milestones": selectors.milestones_of(project)})


@municipality_view(PERMISSION)
@require_POST
def delete_milestone(request: AuthenticatedHttpRequest, municipality: Municipality, project_id: int,
                     milestone_id: int) -> HttpResponse:
    project = _project(municipality, project_id)
    milestone = get_for_tenant(Milestone.objects.filter(project=project).select_related("project__municipality"),
                               municipality, pk=milestone_id)
    services.do_delete_milestone(milestone=milestone, actor=request.user)
    messages.success(request, _("The milestone “%(title)s” was removed.") % {"title": milestone.title})
    return redirect(_url("manage_milestones", project))


@municipality_view(PERMISSION)
def funding(request: AuthenticatedHttpRequest, municipality: Municipality, project_id: int) -> HttpResponse:
    project = _project(municipality, project_id)
    form = FundingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.do_add_funding(project=project, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The funding source was added."))
            return redirect(_url("manage_funding", project))
    rows = selectors.funding_of(project)
    return render(request, "projects/manage/funding.html", {
        "municipality": municipality, "project": project, "form": form, "funding": rows,
        "funding_total": sum((row.amount for row in rows), start=0)})


@municipality_view(PERMISSION)
@require_POST
def remove_funding(request: AuthenticatedHttpRequest, municipality: Municipality, project_id: int,
                   funding_id: int) -> HttpResponse:
    project = _project(municipality, project_id)
    row = get_for_tenant(Funding.objects.filter(project=project).select_related("project__municipality"),
                         municipality, pk=funding_id)
    services.do_remove_funding(funding=row, actor=request.user)
    messages.success(request, _("The funding source “%(source)s” was removed.") % {"source": row.source})
    return redirect(_url("manage_funding", project))


@municipality_view(PERMISSION)
def links(request: AuthenticatedHttpRequest, municipality: Municipality, project_id: int) -> HttpResponse:
    """GET with kind and text: candidates to link; POST kind and object_id: link one."""
    project = _project(municipality, project_id)
    search = LinkSearchForm(request.GET if "kind" in request.GET else None)
    candidates: list = []
    chosen = None
    if search.is_bound and search.is_valid():
        chosen = linkable_by_kind(search.cleaned_data["kind"])
        if chosen is not None:
            candidates = chosen.find(municipality, search.cleaned_data["text"] or "")
    error = ""
    if request.method == "POST":
        try:
            services.do_link(project=project, actor=request.user, kind=request.POST.get("kind", ""),
                             object_id=request.POST.get("object_id", ""))
        except ValidationError as problem:
            error = " ".join(problem.messages)
        else:
            messages.success(request, _("The link was added."))
            return redirect(_url("manage_links", project))
    return render(request, "projects/manage/links.html", {
        "municipality": municipality, "project": project, "search": search, "chosen": chosen,
        "candidates": [(obj, chosen.title(obj)) for obj in candidates] if chosen else [],
        "linked": selectors.linked_objects(project, municipality=municipality), "error": error,
    }, status=400 if error else 200)


@municipality_view(PERMISSION)
@require_POST
def unlink(request: AuthenticatedHttpRequest, municipality: Municipality, project_id: int,
           link_id: int) -> HttpResponse:
    project = _project(municipality, project_id)
    link = get_for_tenant(ProjectLink.objects.filter(project=project).select_related("project__municipality"),
                          municipality, pk=link_id)
    services.do_unlink(link=link, actor=request.user)
    messages.success(request, _("The link was removed."))
    return redirect(_url("manage_links", project))
