"""The pages of impact models: the public list and a model with its chain, charts and tables; the staff's pages to
describe a model, add indicators, enter values and measure now."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kommune.core.access import get_for_tenant, municipality_view
from kommune.core.linkables import linkables
from kommune.core.models import Lab, Municipality
from kommune.core.types import AuthenticatedHttpRequest
from kommune.impact import selectors, services
from kommune.impact.forms import IndicatorForm, ModelForm, StepForm, ValueForm
from kommune.impact.models import ImpactModel, Indicator, Step


def _is_staff(request: HttpRequest, municipality: Municipality) -> bool:
    return request.user.has_perm("impact.manage", municipality)


@municipality_view()
def model_list(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    staff = _is_staff(request, municipality)
    return render(request, "impact/list.html", {
        "municipality": municipality, "models": list(selectors.visible_models(municipality, staff=staff)[:200]),
        "staff": staff})


@municipality_view()
def model_detail(request: HttpRequest, municipality: Municipality, model_id: int) -> HttpResponse:
    staff = _is_staff(request, municipality)
    model = get_for_tenant(selectors.visible_models(municipality, staff=staff), municipality, pk=model_id)
    return render(request, "impact/detail.html", {
        "municipality": municipality, "model": model, "staff": staff,
        "steps": selectors.model_page(model, today=timezone.localdate(), number=selectors.format_value),
        "linked": selectors.linked_object(model), "format_value": selectors.format_value})


@municipality_view("impact.manage")
def manage_list(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    return render(request, "impact/list.html", {
        "municipality": municipality, "models": list(selectors.visible_models(municipality, staff=True)[:200]),
        "staff": True})


def _labs(municipality: Municipality) -> list[Lab]:
    return list(municipality.labs.order_by("name"))


def _model_form(request: HttpRequest, municipality: Municipality, model: ImpactModel | None = None) -> ModelForm:
    initial = {} if model is None else {
        "title": model.title, "summary": model.summary, "is_public": model.is_public,
        "lab": str(model.lab_id or ""), "link_id": model.link_id,
        "link_kind": next((item.kind for item in linkables() if model.link_type_id
                           and item.content_type().pk == model.link_type_id), "")}
    return ModelForm(request.POST if request.method == "POST" else None, initial=initial,
                     labs=_labs(municipality))


def _model_form_values(form: ModelForm, municipality: Municipality) -> dict:
    data = form.cleaned_data
    lab = next((lab for lab in _labs(municipality) if str(lab.pk) == data["lab"]), None)
    return {"title": data["title"], "summary": data["summary"], "is_public": data["is_public"], "lab": lab,
            "link_kind": data["link_kind"], "link_id": data["link_id"]}


@municipality_view("impact.manage")
def model_new(request: AuthenticatedHttpRequest, municipality: Municipality) -> HttpResponse:
    form = _model_form(request, municipality)
    if request.method == "POST" and form.is_valid():
        try:
            model = services.do_save_model(municipality=municipality, actor=request.user,
                                           **_model_form_values(form, municipality))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The impact model was created. Now describe its steps and add indicators."))
            return redirect("impact:edit", municipality_slug=municipality.slug, model_id=model.pk)
    return render(request, "impact/new.html", {"municipality": municipality, "form": form},
                  status=400 if form.is_bound else 200)


def _edit(request: AuthenticatedHttpRequest, municipality: Municipality, model: ImpactModel, *, status: int = 200,
          **forms) -> HttpResponse:
    model_form = forms.get("model_form") or ModelForm(initial=_model_form(request, model.municipality, model).initial,
                                                      labs=_labs(model.municipality))
    steps = {step.level: step for step in model.steps.all()}
    indicators = list(model.indicators.select_related("step"))
    value_form_for = forms.get("value_form_for")
    return render(request, "impact/edit.html", {
        "municipality": municipality, "model": model, "model_form": model_form,
        "step_forms": [(steps[level], StepForm(initial={"description": steps[level].description}, prefix=level))
                       for level in selectors.Level.values if level in steps],
        "indicator_form": forms.get("indicator_form") or IndicatorForm(prefix="indicator"),
        "indicators": [(item, forms["value_form"] if value_form_for == item.pk else ValueForm(prefix=f"v{item.pk}"))
                       for item in indicators],
    }, status=status)


def _model(municipality: Municipality, model_id: int) -> ImpactModel:
    return get_for_tenant(ImpactModel.objects.select_related("municipality", "lab"), municipality, pk=model_id)


@municipality_view("impact.manage")
def model_edit(request: AuthenticatedHttpRequest, municipality: Municipality, model_id: int) -> HttpResponse:
    model = _model(municipality, model_id)
    if request.method != "POST":
        return _edit(request, municipality, model)
    form = _model_form(request, municipality, model)
    if form.is_valid():
        try:
            services.do_save_model(municipality=municipality, actor=request.user, model=model,
                                   **_model_form_values(form, municipality))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The impact model was saved."))
            return redirect("impact:edit", municipality_slug=municipality.slug, model_id=model.pk)
    return _edit(request, municipality, model, model_form=form, status=400)


@municipality_view("impact.manage")
@require_POST
def step_save(request: AuthenticatedHttpRequest, municipality: Municipality, model_id: int, level: str) -> HttpResponse:
    model = _model(municipality, model_id)
    step = Step.objects.filter(model=model, level=level).first()
    if step is None:
        raise Http404
    form = StepForm(request.POST, prefix=level)
    if form.is_valid():
        try:
            services.do_save_step(actor=request.user, step=step, description=form.cleaned_data["description"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The step “%(step)s” was saved.") % {"step": step.get_level_display()})
    else:
        messages.error(request, _("The description is too long."))
    return redirect("impact:edit", municipality_slug=municipality.slug, model_id=model.pk)


@municipality_view("impact.manage")
@require_POST
def indicator_add(request: AuthenticatedHttpRequest, municipality: Municipality, model_id: int) -> HttpResponse:
    model = _model(municipality, model_id)
    form = IndicatorForm(request.POST, prefix="indicator")
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.do_add_indicator(actor=request.user, model=model, level=data["level"], source=form.source,
                                      measured_key=data["measured_key"], title=data["title"], unit=data["unit"],
                                      target_value=data["target_value"], target_date=data["target_date"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The indicator was added."))
            return redirect("impact:edit", municipality_slug=municipality.slug, model_id=model.pk)
    return _edit(request, municipality, model, indicator_form=form, status=400)


def _indicator(model: ImpactModel, indicator_id: int) -> Indicator:
    indicator = Indicator.objects.filter(model=model, pk=indicator_id).select_related("model").first()
    if indicator is None:
        raise Http404
    return indicator


@municipality_view("impact.manage")
@require_POST
def value_enter(request: AuthenticatedHttpRequest, municipality: Municipality, model_id: int,
                indicator_id: int) -> HttpResponse:
    model = _model(municipality, model_id)
    indicator = _indicator(model, indicator_id)
    form = ValueForm(request.POST, prefix=f"v{indicator.pk}")
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.do_enter_value(actor=request.user, indicator=indicator, value=data["value"],
                                    source=data["source"], measured_on=data["measured_on"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The value was saved."))
            return redirect("impact:edit", municipality_slug=municipality.slug, model_id=model.pk)
    return _edit(request, municipality, model, value_form=form, value_form_for=indicator.pk, status=400)


@municipality_view("impact.manage")
@require_POST
def indicator_delete(request: AuthenticatedHttpRequest, municipality: Municipality, model_id: int,
                     indicator_id: int) -> HttpResponse:
    model = _model(municipality, model_id)
    services.do_delete_indicator(actor=request.user, indicator=_indicator(model, indicator_id))
    messages.success(request, _("The indicator was removed with its values."))
    return redirect("impact:edit", municipality_slug=municipality.slug, model_id=model.pk)


@municipality_view("impact.manage")
@require_POST
def snapshot(request: AuthenticatedHttpRequest, municipality: Municipality, model_id: int) -> HttpResponse:
    model = _model(municipality, model_id)
    stored = services.do_snapshot_model(model=model)
    messages.success(request, _("The platform measured the indicators again: %(count)d monthly values.")
                     % {"count": stored})
    return redirect("impact:detail", municipality_slug=municipality.slug, model_id=model.pk)
