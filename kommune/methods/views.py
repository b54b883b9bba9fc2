"""The pages of the methods library: the shared library across the installation (list with search and filters,
a method with its real uses and templates, its history of versions, the templates with their reuse, the open-data
export), a municipality's methods, and the staff's pages (write and edit methods, tag processes, publish and copy
templates) for municipalities and labs."""

import json
from datetime import date
from functools import partial

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from kommune.core import blueprints
from kommune.core.access import get_for_tenant, lab_view, municipality_view, public_view
from kommune.core.forms import choice_field
from kommune.core.models import Lab, Municipality
from kommune.core.pagecache import MUNICIPALITIES_TAG, cached_for_anonymous
from kommune.core.processes.models import Process
from kommune.core.richtext import render_markdown
from kommune.core.spreadsheets import csv_bytes
from kommune.core.types import AuthenticatedHttpRequest
from kommune.methods import records, selectors, services
from kommune.methods.events import LIBRARY_PAGE_TAG
from kommune.methods.forms import (
    CopyTemplateForm,
    EditMethodForm,
    LibraryFilterForm,
    MethodForm,
    ProcessMethodsForm,
    PublishTemplateForm,
)
from kommune.methods.models import CONTENT_FIELDS, LICENSE_NAME, LICENSE_URL, Method, MethodVersion, Template

LICENSE = {"name": LICENSE_NAME, "url": LICENSE_URL}
MAX_KEY = 2**31 - 1  # larger numbers in a URL name nothing (and no database column holds them)


def _key(value: int) -> int:
    if value > MAX_KEY:
        raise Http404
    return value


# --- The library (installation-wide, public) ------------------------------------------------------------------


@cached_for_anonymous(LIBRARY_PAGE_TAG, MUNICIPALITIES_TAG)  # it counts the uses in published processes
@public_view
def library(request: HttpRequest) -> HttpResponse:
    form = LibraryFilterForm(request.GET)
    filters = form.cleaned_data if form.is_valid() else {"q": "", "perspective": "", "kind": ""}
    found = partial(selectors.library, query=filters["q"], perspective=filters["perspective"], kind=filters["kind"])
    return render(request, "methods/library.html", {
        "form": form, "library": found,  # read only when the shared fragment is not cached
        "license": LICENSE, "query": filters["q"]}, status=200 if form.is_valid() else 400)


def _method(method_slug: str) -> Method:
    return get_object_or_404(selectors.with_use_counts(Method.objects.all()), slug=method_slug)


@public_view
def method_detail(request: HttpRequest, method_slug: str) -> HttpResponse:
    method = _method(method_slug)
    return render(request, "methods/method.html", {
        "method": method, "uses": selectors.method_uses(method), "templates": selectors.method_templates(method),
        "may_edit": services.may_edit(request.user, method), "license": LICENSE})


@public_view
def history(request: HttpRequest, method_slug: str) -> HttpResponse:
    method = _method(method_slug)
    return render(request, "methods/history.html", {"method": method, "versions": selectors.versions(method)})


@public_view
def version(request: HttpRequest, method_slug: str, number: int) -> HttpResponse:
    method = _method(method_slug)
    kept = get_object_or_404(MethodVersion, method=method, number=_key(number))
    content = {name: kept.content.get(name) for name in CONTENT_FIELDS}
    return render(request, "methods/version.html", {
        "method": method, "kept": kept, "content": content, "license": LICENSE,
        "kind_label": Method.Kind(content["kind"]).label if content["kind"] in Method.Kind.values else "",
        "effort_label": Method.Effort(content["effort"]).label if content["effort"] in Method.Effort.values else "",
        "perspectives": Method(perspectives=content["perspectives"] or "").perspective_labels(),
        "rendered": {name: render_markdown(content[name] or "") for name in services.RENDERED}})


FILE_TYPES = {"csv": "text/csv; charset=utf-8", "json": "application/json"}


@public_view
def library_file(request: HttpRequest, file_format: str) -> HttpResponse:
    """The whole library as open data (CC BY 4.0), with the columns of the record set "methods"."""
    if file_format not in FILE_TYPES:
        raise Http404
    rows = [records.method_row(method, method.process_count)  # type: ignore[attr-defined]  # annotated
            for method in selectors.with_use_counts(Method.objects.all()).order_by("id")]
    names = [column.name for column in records.METHOD_COLUMNS]
    if file_format == "csv":
        body = csv_bytes(names, ([row[name] for name in names] for row in rows))
    else:
        body = json.dumps({"license": LICENSE_NAME, "license_url": LICENSE_URL, "methods": rows},
                          cls=DjangoJSONEncoder, ensure_ascii=False, indent=1).encode()
    response = HttpResponse(body, content_type=FILE_TYPES[file_format])
    response["Content-Disposition"] = f'attachment; filename="methoden.{file_format}"'
    return response


@public_view
def template_list(request: HttpRequest) -> HttpResponse:
    return render(request, "methods/templates.html", {"templates": selectors.templates(),
                                                      "kinds": {b.kind: b.label for b in blueprints.blueprints()}})


@public_view
def template_detail(request: HttpRequest, template_id: int) -> HttpResponse:
    template = get_object_or_404(Template.objects.select_related("municipality", "method"), pk=_key(template_id))
    blueprint = blueprints.blueprint(template.kind)
    may_copy = [m for m in _staff_municipalities(request) if request.user.has_perm("methods.reuse", m)]
    return render(request, "methods/template.html", {
        "template": template, "copies": selectors.template_copies(template), "may_copy": may_copy,
        "kind_label": blueprint.label if blueprint else template.kind,
        "lines": blueprint.describe(template.data) if blueprint else []})


def _staff_municipalities(request: HttpRequest) -> list[Municipality]:
    if not request.user.is_authenticated:
        return []
    return list(Municipality.objects.filter(memberships__user=request.user).distinct().order_by("name"))


# --- A municipality's methods (public) ------------------------------------------------------------------------


@municipality_view()
def municipality_methods(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    return render(request, "methods/municipality.html", {
        "municipality": municipality, "methods": selectors.methods_of(municipality),
        "uses": selectors.used_in(municipality), "templates": selectors.templates(municipality=municipality),
        "copies": selectors.copies_into(municipality)})


# --- Writing methods (municipality and lab staff) -------------------------------------------------------------


def _method_values(form: MethodForm) -> dict:
    return {name: form.cleaned_data[name] for name in CONTENT_FIELDS}


def _save_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, problems in error.message_dict.items():
            form.add_error(name if name in form.fields else None, problems)
    else:
        form.add_error(None, error)


def _create(request: AuthenticatedHttpRequest, author: Municipality | Lab, tenant: dict) -> HttpResponse:
    form = MethodForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            method = services.do_create_method(author=author, actor=request.user, **_method_values(form))
        except ValidationError as error:
            _save_errors(form, error)
        else:
            messages.success(request, _("The method “%(title)s” is in the library.") % {"title": method.title})
            return redirect(method.get_absolute_url())
    return render(request, "methods/method_form.html", {**tenant, "form": form, "method": None, "author": author},
                  status=400 if form.errors else 200)


def _edit(request: AuthenticatedHttpRequest, method: Method, tenant: dict) -> HttpResponse:
    initial = {name: getattr(method, name) for name in CONTENT_FIELDS}
    initial["perspectives"] = method.perspective_keys()
    form = EditMethodForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.do_update_method(method=method, actor=request.user, note=form.cleaned_data["note"],
                                              **_method_values(form))
        except ValidationError as error:
            _save_errors(form, error)
        else:
            messages.success(request, _("Saved as version %(number)d. The earlier versions stay in the history.")
                             % {"number": saved.version})
            return redirect(saved.get_absolute_url())
    return render(request, "methods/method_form.html", {**tenant, "form": form, "method": method,
                                                        "author": method.author},
                  status=400 if form.errors else 200)


@municipality_view("methods.write")
def create_method(request: AuthenticatedHttpRequest, municipality: Municipality) -> HttpResponse:
    return _create(request, municipality, {"municipality": municipality})


@municipality_view("methods.write")
def edit_method(request: AuthenticatedHttpRequest, municipality: Municipality, method_slug: str) -> HttpResponse:
    return _edit(request, get_for_tenant(Method, municipality, slug=method_slug), {"municipality": municipality})


@lab_view("methods.write")
def lab_create_method(request: AuthenticatedHttpRequest, lab: Lab) -> HttpResponse:
    return _create(request, lab, {"lab": lab})


@lab_view("methods.write")
def lab_edit_method(request: AuthenticatedHttpRequest, lab: Lab, method_slug: str) -> HttpResponse:
    return _edit(request, get_for_tenant(Method, lab, slug=method_slug), {"lab": lab})


# --- Staff: uses and templates --------------------------------------------------------------------------------


@municipality_view("methods.write")
def manage(request: AuthenticatedHttpRequest, municipality: Municipality) -> HttpResponse:
    processes = list(Process.objects.filter(municipality=municipality).prefetch_related("method_uses__method")
                     .order_by("-starts_at", "-id")[:100])
    return render(request, "methods/manage.html", {
        "municipality": municipality, "processes": processes,
        "own_methods": Method.objects.filter(municipality=municipality).order_by("title"),
        "templates": selectors.templates(municipality=municipality), "copies": selectors.copies_into(municipality),
        "may_reuse": request.user.has_perm("methods.reuse", municipality)})


def _all_method_choices() -> list[tuple[str, str]]:
    return [(str(pk), title) for pk, title in Method.objects.order_by("title", "id").values_list("pk", "title")]


@municipality_view("methods.write")
def process_methods(request: AuthenticatedHttpRequest, municipality: Municipality, process_slug: str) -> HttpResponse:
    process = get_for_tenant(Process, municipality, slug=process_slug)
    chosen = [str(pk) for pk in process.method_uses.values_list("method_id", flat=True)]
    form = ProcessMethodsForm(request.POST or None, initial={"methods": chosen})
    choice_field(form, "methods").choices = _all_method_choices()
    if request.method == "POST" and form.is_valid():
        methods = list(Method.objects.filter(pk__in=[int(pk) for pk in form.cleaned_data["methods"]]))
        try:
            services.do_set_process_methods(process=process, actor=request.user, methods=methods)
        except ValidationError as error:
            _save_errors(form, error)
        else:
            messages.success(request, _("The methods of “%(title)s” are saved.") % {"title": process.title})
            return redirect("methods:manage", municipality_slug=municipality.slug)
    return render(request, "methods/process_methods.html", {"municipality": municipality, "process": process,
                                                            "form": form}, status=400 if form.errors else 200)


def _source_choices(municipality: Municipality) -> list[tuple[str, str]]:
    choices = []
    for blueprint in blueprints.blueprints():
        for obj in blueprint.sources(municipality)[:200]:
            choices.append((f"{blueprint.kind}:{obj.pk}", f"{blueprint.label}: {obj}"))
    return choices


@municipality_view("methods.reuse")
def publish_template(request: AuthenticatedHttpRequest, municipality: Municipality) -> HttpResponse:
    form = PublishTemplateForm(request.POST or None, initial={"source": request.GET.get("source", "")})
    choice_field(form, "source").choices = [("", _("Please choose")), *_source_choices(municipality)]
    choice_field(form, "method").choices = [("", _("none")), *_all_method_choices()]
    if request.method == "POST" and form.is_valid():
        kind, _sep, source_id = form.cleaned_data["source"].partition(":")
        method = Method.objects.filter(pk=int(form.cleaned_data["method"])).first() \
            if form.cleaned_data["method"] else None
        try:
            template = services.do_publish_template(
                municipality=municipality, actor=request.user, kind=kind, source_id=int(source_id),
                title=form.cleaned_data["title"], summary=form.cleaned_data["summary"], method=method)
        except ValidationError as error:
            _save_errors(form, error)
        else:
            messages.success(request, _("The template “%(title)s” is published in the library.")
                             % {"title": template.title})
            return redirect(template.get_absolute_url())
    return render(request, "methods/publish_template.html", {"municipality": municipality, "form": form},
                  status=400 if form.errors else 200)


@municipality_view("methods.reuse")
def copy_template(request: AuthenticatedHttpRequest, municipality: Municipality, template_id: int) -> HttpResponse:
    template = get_object_or_404(Template.objects.select_related("municipality"), pk=_key(template_id))
    blueprint = blueprints.blueprint(template.kind)
    if blueprint is None:
        raise Http404
    form = CopyTemplateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        start: date | None = form.cleaned_data["start"]
        try:
            copy = services.do_copy_template(template=template, municipality=municipality, actor=request.user,
                                             start=start)
        except PermissionDenied:
            raise
        except ValidationError as error:
            _save_errors(form, error)
        else:
            messages.success(request, _("Copied into %(name)s, not yet published: please check the copy and "
                                        "publish it.") % {"name": municipality.name})
            return redirect(copy.object_url or template.get_absolute_url())
    return render(request, "methods/copy_template.html", {
        "municipality": municipality, "template": template, "form": form, "dated": blueprint.dated,
        "kind_label": blueprint.label, "lines": blueprint.describe(template.data)},
        status=400 if form.errors else 200)


