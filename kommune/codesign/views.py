"""The pages of the co-design: the public services, a service's journey with its history, a step with its
comments, the rating form; and the staff's pages (describing services and steps, the feedback grouped into
themes, publishing changes, entering ratings for residents who phoned)."""

from functools import partial

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kommune.codesign import charts, selectors, services
from kommune.codesign.forms import (
    AssistedRatingForm,
    ChangeForm,
    RatingForm,
    ServiceForm,
    StepForm,
    ThemeForm,
    service_initial,
    step_initial,
)
from kommune.codesign.models import Rating, Service, Step, Theme
from kommune.core.access import get_for_tenant, municipality_view
from kommune.core.cleaning import parse_id
from kommune.core.forms import add_service_errors
from kommune.core.models import Municipality
from kommune.core.pagecache import cached_for_anonymous, shared_object

MANAGE = services.MANAGE_PERMISSION


def _may_manage(request: HttpRequest, municipality: Municipality) -> bool:
    return request.user.has_perm(MANAGE, municipality)


def _service(request: HttpRequest, municipality: Municipality, service_id: int) -> Service:
    """A published service; staff also see the unpublished ones."""
    queryset = Service.objects.select_related("municipality", "process")
    if not _may_manage(request, municipality):
        queryset = queryset.filter(is_published=True)
    return get_for_tenant(queryset, municipality, pk=service_id)


def _kept_service(request: HttpRequest, municipality: Municipality, service_id: int) -> Service:
    """``_service`` for a page under ``codesign-service:<id>``: a published service is the same for everyone, so it
    is kept under the page's generations (a shared object); staff read a draft as ``_service`` does."""
    public = shared_object(request, f"service:{service_id}",
                           partial(selectors.published_service, municipality, service_id))
    if public is None:
        return _service(request, municipality, service_id)
    public.municipality = municipality
    if public.process is not None:
        public.process.municipality = municipality
    return public


def _step(service: Service, step_id: int) -> Step:
    return get_for_tenant(Step.objects.filter(service=service).select_related("service"), service.municipality,
                          pk=step_id)


# --- Public pages -----------------------------------------------------------------------------------------------


@cached_for_anonymous("codesign-services")
@municipality_view()
def service_list(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    def services() -> list[Service]:  # read only when the shared fragment is not cached
        return list(selectors.published_services(municipality)[:200])

    return render(request, "codesign/list.html", {"municipality": municipality, "services": services})


def _history_context(service: Service) -> dict:
    history = selectors.changes(service)
    compared = selectors.comparisons(service, history)
    latest = compared[0] if compared else None
    return {"changes": history, "comparisons": compared, "latest": latest,
            "charts": {measure: charts.comparison_chart(latest, measure) for measure in ("effort", "clarity")}
            if latest else {}}


@cached_for_anonymous("codesign-service:{service_id}")
@municipality_view()
def service_detail(request: HttpRequest, municipality: Municipality, service_id: int) -> HttpResponse:
    service = _kept_service(request, municipality, service_id)

    def analysis() -> dict:  # read only when the shared fragment is not cached
        return {"summaries": selectors.step_summaries(service), "themes": selectors.themes_with_counts(service),
                **_history_context(service)}

    return render(request, "codesign/detail.html", {
        "municipality": municipality, "service": service, "analysis": analysis,
        "is_open": services.is_open_for_ratings(service), "may_manage": _may_manage(request, municipality)})


@cached_for_anonymous("codesign-service:{service_id}")
@municipality_view()
def step_detail(request: HttpRequest, municipality: Municipality, service_id: int, step_id: int) -> HttpResponse:
    service = _service(request, municipality, service_id)
    step = _step(service, step_id)
    summary = next(s for s in selectors.step_summaries(service) if s.step.pk == step.pk)
    return render(request, "codesign/step.html", {
        "municipality": municipality, "service": service, "step": step, "summary": summary,
        "changes": [change for change in selectors.changes(service) if change.step_id == step.pk],
        "is_open": services.is_open_for_ratings(service)})


def _rate_page(request: HttpRequest, municipality: Municipality, service: Service, form: RatingForm | None,
               status: int = 200) -> HttpResponse:
    code = services.rating_refusal(service, request.user)
    return render(request, "codesign/rate.html", {
        "municipality": municipality, "service": service, "form": form, "refusal": code,
        "refusal_message": services.refusal_message(code) if code else "",
        "has_rated": bool(form and any(f.initial for f in form if f.name.startswith("effort_")))}, status=status)


@municipality_view()
def rate(request: HttpRequest, municipality: Municipality, service_id: int) -> HttpResponse:
    service = _service(request, municipality, service_id)
    code = services.rating_refusal(service, request.user)
    if code == "login":
        return redirect_to_login(request.get_full_path())
    if code is not None:
        return _rate_page(request, municipality, service, None, status=200 if request.method == "GET" else 400)
    steps = selectors.steps(service)
    existing = selectors.own_ratings(service, request.user)
    form = RatingForm(request.POST or None, steps=steps, existing=existing)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.do_rate_steps(service=service, actor=request.user,  # type: ignore[arg-type]
                                       used_on=form.cleaned_data["used_on"], ratings=[
                                           services.StepRating(step, **values) for step, values in form.rated_steps()])
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Thank you! Your rating is saved. You can change it at any time."))
                return redirect(service.get_absolute_url())
        return _rate_page(request, municipality, service, form, status=400)
    return _rate_page(request, municipality, service, form)


# --- Staff pages ------------------------------------------------------------------------------------------------


@municipality_view(MANAGE)
def manage(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    form = ServiceForm(request.POST or None, municipality=municipality)
    if request.method == "POST" and form.is_valid():
        try:
            service = services.do_create_service(municipality=municipality, actor=request.user,  # type: ignore[arg-type]
                                                 values=services.ServiceInput(**form.cleaned_data))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The service is created. Now describe its steps."))
            return redirect("codesign:manage_service", municipality_slug=municipality.slug, service_id=service.pk)
    return render(request, "codesign/manage/list.html", {
        "municipality": municipality, "services": list(selectors.all_services(municipality)[:200]), "form": form},
        status=400 if form.errors else 200)




def _manage_service_page(request: HttpRequest, municipality: Municipality, service: Service, *,
                         form: ServiceForm | None = None, step_form: StepForm | None = None,
                         status: int = 200) -> HttpResponse:
    return render(request, "codesign/manage/service.html", {
        "municipality": municipality, "service": service, "steps": selectors.steps(service),
        "form": form or ServiceForm(initial=service_initial(service), municipality=municipality),
        "step_form": step_form or StepForm(prefix="step")}, status=status)


@municipality_view(MANAGE)
def manage_service(request: HttpRequest, municipality: Municipality, service_id: int) -> HttpResponse:
    service = get_for_tenant(Service, municipality, pk=service_id)
    if request.method != "POST":
        return _manage_service_page(request, municipality, service)
    form = ServiceForm(request.POST, municipality=municipality)
    if form.is_valid():
        try:
            services.do_update_service(service=service, actor=request.user,  # type: ignore[arg-type]
                                       values=services.ServiceInput(**form.cleaned_data))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The service is saved."))
            return redirect("codesign:manage_service", municipality_slug=municipality.slug, service_id=service.pk)
    return _manage_service_page(request, municipality, service, form=form, status=400)


@municipality_view(MANAGE)
@require_POST
def manage_publish(request: HttpRequest, municipality: Municipality, service_id: int) -> HttpResponse:
    service = get_for_tenant(Service, municipality, pk=service_id)
    try:
        services.do_publish_service(service=service, actor=request.user)  # type: ignore[arg-type]
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The service is published; residents can now rate its steps."))
    return redirect("codesign:manage_service", municipality_slug=municipality.slug, service_id=service.pk)


@municipality_view(MANAGE)
@require_POST
def manage_add_step(request: HttpRequest, municipality: Municipality, service_id: int) -> HttpResponse:
    service = get_for_tenant(Service, municipality, pk=service_id)
    form = StepForm(request.POST, prefix="step")
    if form.is_valid():
        try:
            services.do_add_step(service=service, actor=request.user,  # type: ignore[arg-type]
                                 values=services.StepInput(**form.cleaned_data))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The step is added."))
            return redirect("codesign:manage_service", municipality_slug=municipality.slug, service_id=service.pk)
    return _manage_service_page(request, municipality, service, step_form=form, status=400)


@municipality_view(MANAGE)
def manage_step(request: HttpRequest, municipality: Municipality, service_id: int, step_id: int) -> HttpResponse:
    service = get_for_tenant(Service, municipality, pk=service_id)
    step = _step(service, step_id)
    form = StepForm(request.POST or None, initial=step_initial(step))
    if request.method == "POST" and form.is_valid():
        try:
            services.do_update_step(step=step, actor=request.user,  # type: ignore[arg-type]
                                    values=services.StepInput(**form.cleaned_data))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The step is saved."))
            return redirect("codesign:manage_service", municipality_slug=municipality.slug, service_id=service.pk)
    return render(request, "codesign/manage/step.html", {
        "municipality": municipality, "service": service, "step": step, "form": form},
        status=400 if form.errors else 200)


@municipality_view(MANAGE)
@require_POST
def manage_remove_step(request: HttpRequest, municipality: Municipality, service_id: int,
                       step_id: int) -> HttpResponse:
    service = get_for_tenant(Service, municipality, pk=service_id)
    step = _step(service, step_id)
    try:
        services.do_remove_step(step=step, actor=request.user)  # type: ignore[arg-type]
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The step is removed."))
    return redirect("codesign:manage_service", municipality_slug=municipality.slug, service_id=service.pk)


def _feedback_page(request: HttpRequest, municipality: Municipality, service: Service, *,
                   theme_form: ThemeForm | None = None, status: int = 200) -> HttpResponse:
    theme_id = parse_id(request.GET.get("thema", ""))
    step_id = parse_id(request.GET.get("schritt", ""))
    return render(request, "codesign/manage/feedback.html", {
        "municipality": municipality, "service": service, "summaries": selectors.step_summaries(service),
        "themes": selectors.themes_with_counts(service), "theme_form": theme_form or ThemeForm(),
        "feedback": selectors.feedback(service, theme_id=theme_id, step_id=step_id),
        "theme_id": theme_id, "step_id": step_id}, status=status)


@municipality_view(MANAGE)
def manage_feedback(request: HttpRequest, municipality: Municipality, service_id: int) -> HttpResponse:
    service = get_for_tenant(Service, municipality, pk=service_id)
    return _feedback_page(request, municipality, service)


@municipality_view(MANAGE)
@require_POST
def manage_add_theme(request: HttpRequest, municipality: Municipality, service_id: int) -> HttpResponse:
    service = get_for_tenant(Service, municipality, pk=service_id)
    form = ThemeForm(request.POST)
    if form.is_valid():
        try:
            services.do_create_theme(service=service, actor=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The theme is created. Now assign problems and ideas to it."))
            return redirect("codesign:manage_feedback", municipality_slug=municipality.slug, service_id=service.pk)
    return _feedback_page(request, municipality, service, theme_form=form, status=400)


@municipality_view(MANAGE)
@require_POST
def manage_assign_theme(request: HttpRequest, municipality: Municipality, service_id: int) -> HttpResponse:
    service = get_for_tenant(Service, municipality, pk=service_id)
    rating_id = parse_id(request.POST.get("rating", ""))
    theme_value = request.POST.get("theme", "")
    theme_id = parse_id(theme_value)
    rating = Rating.objects.filter(service=service, pk=rating_id).first() if rating_id is not None else None
    theme = Theme.objects.filter(service=service, pk=theme_id).first() if theme_id is not None else None
    if rating is None or (theme_value and theme is None):
        messages.error(request, _("Please choose a rating and one of this service's themes."))
    else:
        services.do_assign_theme(rating=rating, actor=request.user, theme=theme)  # type: ignore[arg-type]
        messages.success(request, _("The theme is assigned.") if theme else _("The rating has no theme now."))
    return redirect(f"{service_url(municipality, service, 'codesign:manage_feedback')}#rating-{rating_id or ''}")


def service_url(municipality: Municipality, service: Service, name: str) -> str:
    return reverse(name, kwargs={"municipality_slug": municipality.slug, "service_id": service.pk})


@municipality_view(MANAGE)
def manage_change(request: HttpRequest, municipality: Municipality, service_id: int) -> HttpResponse:
    service = get_for_tenant(Service, municipality, pk=service_id)
    form = ChangeForm(request.POST or None, service=service)
    if request.method == "POST" and form.is_valid():
        try:
            services.do_publish_change(service=service, actor=request.user,  # type: ignore[arg-type]
                                       **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The change is published; the followers of the service are notified."))
            return redirect(service.get_absolute_url() + "#changes-heading")
    return render(request, "codesign/manage/change.html", {
        "municipality": municipality, "service": service, "form": form, "changes": selectors.changes(service)},
        status=400 if form.errors else 200)


@municipality_view(MANAGE)
def manage_assisted(request: HttpRequest, municipality: Municipality, service_id: int) -> HttpResponse:
    service = get_for_tenant(Service, municipality, pk=service_id)
    form = AssistedRatingForm(request.POST or None, steps=selectors.steps(service))
    if request.method == "POST" and form.is_valid():
        try:
            stored = services.do_enter_assisted_ratings(
                service=service, actor=request.user, channel=form.cleaned_data["channel"],  # type: ignore[arg-type]
                reference=form.cleaned_data["reference"], used_on=form.cleaned_data["used_on"],
                ratings=[services.StepRating(step, **values) for step, values in form.rated_steps()])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("%(num)d ratings are entered and marked as entered by you.")
                             % {"num": len(stored)})
            return redirect("codesign:manage_feedback", municipality_slug=municipality.slug, service_id=service.pk)
    return render(request, "codesign/manage/assisted.html", {
        "municipality": municipality, "service": service, "form": form}, status=400 if form.errors else 200)
