"""The staff's pages: create surveys and opinion maps, add questions, publish, enter paper questionnaires
(assisted participation, audited) and compute an opinion map's groups in the background."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kommune.core.access import get_for_tenant, municipality_view
from kommune.core.models import Municipality
from kommune.core.types import AuthenticatedHttpRequest
from kommune.surveys import selectors, services
from kommune.surveys.forms import AnswerForm, OpinionMapForm, PaperForm, QuestionForm, SurveyForm, raw_answers
from kommune.surveys.models import OpinionMap, Survey
from kommune.surveys.tasks import compute_opinion_map

PERMISSION = services.MANAGE_PERMISSION


def _overview_context(municipality: Municipality, survey_form: SurveyForm, map_form: OpinionMapForm) -> dict:
    return {
        "municipality": municipality, "survey_form": survey_form, "map_form": map_form,
        "surveys": list(Survey.objects.filter(municipality=municipality).select_related("process")[:100]),
        "maps": list(OpinionMap.objects.filter(municipality=municipality).select_related("process")[:100]),
    }


@municipality_view(PERMISSION)
def overview(request: AuthenticatedHttpRequest, municipality: Municipality) -> HttpResponse:
    survey_form = SurveyForm(municipality=municipality, prefix="survey")
    map_form = OpinionMapForm(municipality=municipality, prefix="map")
    status = 200
    if request.method == "POST" and "survey-title" in request.POST:
        survey_form = SurveyForm(request.POST, municipality=municipality, prefix="survey")
        if survey_form.is_valid():
            try:
                survey = services.do_create_survey(municipality=municipality, actor=request.user,
                                                   **survey_form.cleaned_data)
            except ValidationError as error:
                survey_form.add_error(None, error)
            else:
                messages.success(request, _("The survey has been created. Now add its questions."))
                return redirect("surveys:manage_survey", municipality_slug=municipality.slug, survey_id=survey.pk)
        status = 400
    elif request.method == "POST":
        map_form = OpinionMapForm(request.POST, municipality=municipality, prefix="map")
        if map_form.is_valid():
            data = map_form.cleaned_data
            try:
                opinion_map = services.do_create_opinion_map(
                    municipality=municipality, actor=request.user, process=data["process"], title=data["title"],
                    description=data["description"], statements=data["statements"].splitlines())
            except ValidationError as error:
                map_form.add_error(None, error)
            else:
                messages.success(request, _("The opinion map has been created."))
                return redirect("surveys:manage_map", municipality_slug=municipality.slug, map_id=opinion_map.pk)
        status = 400
    return render(request, "surveys/manage/overview.html", _overview_context(municipality, survey_form, map_form),
                  status=status)


@municipality_view(PERMISSION)
def survey(request: AuthenticatedHttpRequest, municipality: Municipality, survey_id: int) -> HttpResponse:
    survey = get_for_tenant(Survey.objects.select_related("process"), municipality, pk=survey_id)
    questions = selectors.questions_of(survey)
    form = QuestionForm(request.POST or None, questions=questions)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        condition_question, condition_value = None, None
        if data["condition"]:
            question_id, _sep, value = data["condition"].partition(":")
            condition_question = next((q for q in questions if str(q.pk) == question_id), None)
            condition_value = int(value)
        try:
            services.do_add_question(
                survey=survey, actor=request.user, kind=data["kind"], text=data["text"],
                help_text=data["help_text"], is_required=data["is_required"],
                options=data["options"].splitlines(), scale_min=data["scale_min"], scale_max=data["scale_max"],
                scale_min_label=data["scale_min_label"], scale_max_label=data["scale_max_label"],
                condition_question=condition_question, condition_value=condition_value)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The question has been added."))
            return redirect(request.path)
    return render(request, "surveys/manage/survey.html", {
        "municipality": municipality, "survey": survey, "questions": questions, "form": form,
        "is_open": services.is_survey_open(survey),
    }, status=400 if request.method == "POST" else 200)


@municipality_view(PERMISSION)
@require_POST
def publish_survey(request: AuthenticatedHttpRequest, municipality: Municipality, survey_id: int) -> HttpResponse:
    survey = get_for_tenant(Survey.objects.select_related("process"), municipality, pk=survey_id)
    try:
        services.do_publish_survey(survey=survey, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The survey is published. It can be answered while a phase of its process "
                                    "that opens surveys is running."))
    return redirect("surveys:manage_survey", municipality_slug=municipality.slug, survey_id=survey.pk)


@municipality_view(PERMISSION)
def paper(request: AuthenticatedHttpRequest, municipality: Municipality, survey_id: int) -> HttpResponse:
    """All questions on one page; answers to questions whose condition does not hold are ignored."""
    survey = get_for_tenant(Survey.objects.select_related("process"), municipality, pk=survey_id)
    questions = selectors.questions_of(survey)
    form = AnswerForm(questions, request.POST or None)
    paper_form = PaperForm(request.POST or None)
    if request.method == "POST" and paper_form.is_valid():
        try:
            services.do_enter_paper_response(survey=survey, actor=request.user,
                                             answers=raw_answers(questions, request.POST),
                                             reference=paper_form.cleaned_data["reference"])
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                form.add_question_errors(error.message_dict)
            else:
                paper_form.add_error(None, error)
        else:
            messages.success(request, _("The paper questionnaire has been entered. You can enter the next one."))
            return redirect(request.path)
    return render(request, "surveys/manage/paper.html", {
        "municipality": municipality, "survey": survey, "form": form, "paper_form": paper_form,
        "conditions": {q.pk: q for q in questions},
    }, status=400 if request.method == "POST" else 200)


@municipality_view(PERMISSION)
def opinion_map(request: AuthenticatedHttpRequest, municipality: Municipality, map_id: int) -> HttpResponse:
    opinion_map = get_for_tenant(OpinionMap.objects.select_related("process"), municipality, pk=map_id)
    return render(request, "surveys/manage/map.html", {
        "municipality": municipality, "opinion_map": opinion_map, "is_open": services.is_map_open(opinion_map),
        "statements": list(opinion_map.statements.order_by("-id")[:200]),
    })


@municipality_view(PERMISSION)
@require_POST
def publish_map(request: AuthenticatedHttpRequest, municipality: Municipality, map_id: int) -> HttpResponse:
    opinion_map = get_for_tenant(OpinionMap.objects.select_related("process"), municipality, pk=map_id)
    services.do_publish_opinion_map(opinion_map=opinion_map, actor=request.user)
    messages.success(request, _("The opinion map is published."))
    return redirect("surveys:manage_map", municipality_slug=municipality.slug, map_id=opinion_map.pk)


@municipality_view(PERMISSION)
@require_POST
def compute_map(request: AuthenticatedHttpRequest, municipality: Municipality, map_id: int) -> HttpResponse:
    opinion_map = get_for_tenant(OpinionMap, municipality, pk=map_id)
    compute_opinion_map.enqueue(opinion_map.pk)
    messages.success(request, _("The groups are being computed. The map shows the result in a moment."))
    return redirect(reverse("surveys:manage_map", kwargs={"municipality_slug": municipality.slug,
                                                          "map_id": opinion_map.pk}))


