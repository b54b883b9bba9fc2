"""Managing the open-data catalogue under /<slug>/verwaltung/daten/ (permission opendata.manage_datasets).

Datasets generated from the participation records are shown read-only: the services refuse changes to them.
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kommune.core.access import get_for_tenant, municipality_view
from kommune.core.cursor import InvalidCursor
from kommune.core.forms import add_service_errors
from kommune.core.models import Municipality
from kommune.core.types import AuthenticatedHttpRequest
from kommune.opendata import selectors, services
from kommune.opendata.access import bad_cursor
from kommune.opendata.forms import DatasetForm, ReplaceFileForm, ResourceForm
from kommune.opendata.models import Dataset, Resource
from kommune.opendata.services import PERMISSION


def _dataset(municipality: Municipality, slug: str) -> Dataset:
    return get_for_tenant(selectors.dataset_for_page(municipality, slug), municipality, slug=slug)


def _resource(municipality: Municipality, dataset: Dataset, resource_id: int) -> Resource:
    resource = get_for_tenant(Resource.objects.filter(dataset=dataset), municipality, pk=resource_id)
    resource.dataset = dataset
    return resource


def _url(name: str, municipality: Municipality, dataset: Dataset | None = None) -> str:
    kwargs = {"municipality_slug": municipality.slug}
    if dataset is not None:
        kwargs["dataset_slug"] = dataset.slug
    return reverse(f"opendata:{name}", kwargs=kwargs)




def _max_mb() -> int:
    return settings.OPENDATA_MAX_UPLOAD_MB


@municipality_view(PERMISSION)
def manage_list(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    try:
        page = selectors.manage_page(municipality, cursor=request.GET.get("cursor"))
    except InvalidCursor:
        return bad_cursor(request, municipality, request.path)
    return render(request, "opendata/manage/list.html", {"municipality": municipality, "page": page})


@municipality_view(PERMISSION)
def manage_create(request: AuthenticatedHttpRequest, municipality: Municipality) -> HttpResponse:
    initial = {"contact_email": municipality.contact_email}
    form = DatasetForm(request.POST or None, initial=initial, municipality=municipality)
    if request.method == "POST" and form.is_valid():
        try:
            dataset = services.do_create_dataset(municipality=municipality, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The dataset “%(title)s” was created. Now add its files or links; it stays "
                                        "unpublished until you publish it.") % {"title": dataset.title})
            return redirect(_url("manage_add_resource", municipality, dataset))
    return render(request, "opendata/manage/dataset_form.html", {
        "municipality": municipality, "form": form, "dataset": None,
    })


@municipality_view(PERMISSION)
def manage_edit(request: AuthenticatedHttpRequest, municipality: Municipality, dataset_slug: str) -> HttpResponse:
    dataset = _dataset(municipality, dataset_slug)
    form = None
    if not dataset.is_generated:
        initial = {name: getattr(dataset, name) for name in DatasetForm.base_fields}
        form = DatasetForm(request.POST or None, initial=initial, municipality=municipality, slug_required=True)
        if request.method == "POST" and form.is_valid():
            try:
                services.do_update_dataset(dataset=dataset, actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The changes to “%(title)s” were saved.") % {"title": dataset.title})
                return redirect(_url("manage_edit", municipality, dataset))
    return render(request, "opendata/manage/dataset_form.html", {
        "municipality": municipality, "form": form, "dataset": dataset,
        "resources": list(dataset.resources.all()), "filesize": filesizeformat,
        "generated_message": services.generated_message() if dataset.is_generated else "",
    })


def _publication(request: HttpRequest, municipality: Municipality, dataset_slug: str, service, done: str):
    dataset = _dataset(municipality, dataset_slug)
    try:
        service(dataset=dataset, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done % {"title": dataset.title})
    return redirect(_url("manage_list", municipality))


@municipality_view(PERMISSION)
@require_POST
def manage_publish(request: HttpRequest, municipality: Municipality, dataset_slug: str) -> HttpResponse:
    return _publication(request, municipality, dataset_slug, services.do_publish_dataset,
                        _("“%(title)s” is published in the catalogue."))


@municipality_view(PERMISSION)
@require_POST
def manage_unpublish(request: HttpRequest, municipality: Municipality, dataset_slug: str) -> HttpResponse:
    return _publication(request, municipality, dataset_slug, services.do_unpublish_dataset,
                        _("“%(title)s” is no longer published. Only staff can see it now."))


@municipality_view(PERMISSION)
def manage_delete(request: AuthenticatedHttpRequest, municipality: Municipality, dataset_slug: str) -> HttpResponse:
    dataset = _dataset(municipality, dataset_slug)
    errors: list[str] = []
    if request.method == "POST":
        try:
            services.do_delete_dataset(dataset=dataset, actor=request.user)
        except ValidationError as error:
            errors = error.messages
        else:
            messages.success(request, _("The dataset “%(title)s” was deleted.") % {"title": dataset.title})
            return redirect(_url("manage_list", municipality))
    return render(request, "opendata/manage/confirm_delete.html", {
        "municipality": municipality, "dataset": dataset, "resource": None, "errors": errors,
        "generated_message": services.generated_message() if dataset.is_generated else "",
    })


@municipality_view(PERMISSION)
def manage_add_resource(request: AuthenticatedHttpRequest, municipality: Municipality,
                        dataset_slug: str) -> HttpResponse:
    dataset = _dataset(municipality, dataset_slug)
    form = ResourceForm(request.POST or None, request.FILES or None, max_mb=_max_mb())
    if request.method == "POST" and form.is_valid():
        try:
            resource = services.do_add_resource(dataset=dataset, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("“%(title)s” was added to the dataset.") % {"title": resource.title})
            return redirect(_url("manage_edit", municipality, dataset))
    return render(request, "opendata/manage/resource_form.html", {
        "municipality": municipality, "dataset": dataset, "form": form, "resource": None,
        "generated_message": services.generated_message() if dataset.is_generated else "",
    })


@municipality_view(PERMISSION)
def manage_replace_resource(request: AuthenticatedHttpRequest, municipality: Municipality, dataset_slug: str,
                            resource_id: int) -> HttpResponse:
    dataset = _dataset(municipality, dataset_slug)
    resource = _resource(municipality, dataset, resource_id)
    form = ReplaceFileForm(request.POST or None, request.FILES or None, resource=resource, max_mb=_max_mb())
    if request.method == "POST" and form.is_valid():
        try:
            services.do_replace_resource_file(resource=resource, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The file of “%(title)s” was replaced.") % {"title": resource.title})
            return redirect(_url("manage_edit", municipality, dataset))
    return render(request, "opendata/manage/resource_form.html", {
        "municipality": municipality, "dataset": dataset, "form": form, "resource": resource,
        "filesize": filesizeformat,
        "generated_message": services.generated_message() if dataset.is_generated else "",
    })


@municipality_view(PERMISSION)
def manage_delete_resource(request: AuthenticatedHttpRequest, municipality: Municipality, dataset_slug: str,
                           resource_id: int) -> HttpResponse:
    dataset = _dataset(municipality, dataset_slug)
    resource = _resource(municipality, dataset, resource_id)
    errors: list[str] = []
    if request.method == "POST":
        try:
            services.do_delete_resource(resource=resource, actor=request.user)
        except ValidationError as error:
            errors = error.messages
        else:
            messages.success(request, _("“%(title)s” was removed from the dataset.") % {"title": resource.title})
            return redirect(_url("manage_edit", municipality, dataset))
    return render(request, "opendata/manage/confirm_delete.html", {
        "municipality": municipality, "dataset": dataset, "resource": resource, "errors": errors,
        "generated_message": services.generated_message() if dataset.is_generated else "",
    })
