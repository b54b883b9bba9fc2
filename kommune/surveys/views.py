"""Public pages of surveys and opinion maps: the overview, a survey answered step by step (a question whose
condition depends on an earlier one comes on a later step, so conditions work without JavaScript), its results
as SVG charts with tables and as CSV; an opinion map with one statement at a time to vote on, the form for a new
statement and the computed map with its groups and consensus."""

import csv
from functools import partial
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kommune.core.access import get_for_tenant, municipality_view
from kommune.core.cleaning import parse_id
from kommune.core.models import Municipality
from kommune.core.pagecache import cached_for_anonymous, shared_object
from kommune.core.spreadsheets import spreadsheet_safe
from kommune.core.types import User
from kommune.surveys import charts, selectors, services
from kommune.surveys.forms import AnswerForm, ConsentForm, StatementForm, carried, raw_answers
from kommune.surveys.models import OpinionMap, Question, Statement, Survey, Vote


def _survey(request: HttpRequest, municipality: Municipality, survey_id: int) -> Survey:
    return get_for_tenant(selectors.surveys_for_page(municipality, request.user), municipality, pk=survey_id)


def _kept_survey(request: HttpRequest, municipality: Municipality, survey_id: int) -> Survey:
    """``_survey`` for a page under ``survey:<id>``: a published survey is the same for everyone, so it is kept
    under the page's generations (a shared object); staff read a draft as ``_survey`` does."""
    public = shared_object(request, f"survey:{survey_id}", partial(selectors.published_survey, municipality, survey_id))
    if public is None:
        return _survey(request, municipality, survey_id)
    public.municipality = public.process.municipality = municipality
    return public


def _map(request: HttpRequest, municipality: Municipality, map_id: int) -> OpinionMap:
    return get_for_tenant(selectors.maps_for_page(municipality, request.user), municipality, pk=map_id)


@cached_for_anonymous("surveys")
@municipality_view()
def overview(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    return render(request, "surveys/overview.html", {
        "municipality": municipality,
        "surveys": list(selectors.published_surveys(municipality)[:50]),
        "maps": list(selectors.published_maps(municipality)[:50]),
        "can_manage": request.user.has_perm(services.MANAGE_PERMISSION, municipality),
    })


# --- Surveys ----------------------------------------------------------------------------------------------------


@municipality_view()
def survey_detail(request: HttpRequest, municipality: Municipality, survey_id: int) -> HttpResponse:
    survey = _survey(request, municipality, survey_id)
    refusal = services.answer_refusal(survey, request.user)
    return render(request, "surveys/detail.html", {
        "municipality": municipality, "survey": survey, "refusal": refusal,
        "refusal_message": services.refusal_message(refusal) if refusal else "",
        "questions": selectors.questions_of(survey),
        "can_manage": request.user.has_perm(services.MANAGE_PERMISSION, municipality),
    })


def steps_of(questions: list[Question]) -> list[list[Question]]:
    """The steps of the form: a question whose condition refers to a question of the current step starts the
    next step, so the condition is known when the step is shown."""
    steps: list[list[Question]] = [[]]
    for question in questions:
        if question.condition_question_id and any(q.pk == question.condition_question_id for q in steps[-1]):
            steps.append([])
        steps[-1].append(question)
    return steps


def _shown(step: list[Question], answers: dict[int, Any]) -> list[Question]:
    return [question for question in step if services.is_shown(question, answers)]


@municipality_view()
def answer(request: HttpRequest, municipality: Municipality, survey_id: int) -> HttpResponse:
    survey = _survey(request, municipality, survey_id)
    refusal = services.answer_refusal(survey, request.user)
    if refusal is not None:
        if refusal == "login":
            return redirect_to_login(request.get_full_path())
        messages.error(request, services.refusal_message(refusal))
        return redirect(survey.get_absolute_url())
    questions = selectors.questions_of(survey)
    steps = steps_of(questions)
    data = request.POST if request.method == "POST" else None
    index = 0
    errors: dict[str, list[str]] = {}
    if data is not None:
        try:
            index = min(max(int(data.get("step", "0")), 0), len(steps) - 1)
        except ValueError:
            index = 0
        raw = raw_answers(questions, data)
        if "back" in data:
            index = max(index - 1, 0)
            while index > 0 and not _shown(steps[index], _cleaned_quietly(steps[:index], raw)):
                index -= 1
        else:
            answered = [question for step in steps[:index + 1] for question in step]
            try:
                cleaned = services.clean_answers(answered, raw)
            except ValidationError as error:
                errors = error.message_dict
            else:
                following = index + 1
                while following < len(steps) and not _shown(steps[following], cleaned):
                    following += 1
                if following < len(steps):
                    index = following
                else:
                    consent = ConsentForm(data)
                    shares = consent.is_valid() and consent.cleaned_data["shares_name"]
                    try:
                        services.do_submit_response(survey=survey, user=cast(User, request.user), answers=raw,
                                                    shares_name=bool(shares))
                    except ValidationError as error:
                        messages.error(request, " ".join(error.messages))
                        return redirect(survey.get_absolute_url())
                    messages.success(request, _("Thank you! Your response has been saved."))
                    return redirect(survey.get_absolute_url())
    answers_before = _cleaned_quietly(steps[:index], raw_answers(questions, data or {}))
    current = _shown(steps[index], answers_before)
    form = AnswerForm(current, data if data is not None else None)
    if errors:
        form.add_question_errors(errors)
    earlier = [question for step in steps[:index] for question in step]
    later = [question for step in steps[index + 1:] for question in step]
    return render(request, "surveys/answer.html", {
        "municipality": municipality, "survey": survey, "form": form, "step": index, "steps": len(steps),
        "is_last": index == len(steps) - 1,
        "carried": carried(earlier, data or {}) + carried(later, data or {}),
        "consent": ConsentForm() if not survey.is_anonymous else None,
    }, status=400 if errors else 200)


def _cleaned_quietly(steps: list[list[Question]], raw: dict[int, Any]) -> dict[int, Any]:
    """The valid answers of earlier steps (for the conditions of the step shown); wrong ones count as none."""
    answers: dict[int, Any] = {}
    for question in (question for step in steps for question in step):
        if not services.is_shown(question, answers):
            continue
        try:
            value = services.clean_answers([question], {question.pk: raw.get(question.pk)}).get(question.pk)
        except ValidationError:
            continue
        if value is not None:
            answers[question.pk] = value
    return answers


@cached_for_anonymous("survey:{survey_id}")
@municipality_view()
def results(request: HttpRequest, municipality: Municipality, survey_id: int) -> HttpResponse:
    survey = _kept_survey(request, municipality, survey_id)
    can_manage = request.user.has_perm(services.MANAGE_PERMISSION, municipality)

    def results() -> list:  # read only when the shared fragment is not cached
        return [(result, charts.bar_chart(result.bars))
                for result in selectors.survey_results(survey, with_texts=can_manage)]

    return render(request, "surveys/results.html", {
        "municipality": municipality, "survey": survey, "can_manage": can_manage, "results": results})


@municipality_view()
def results_csv(request: HttpRequest, municipality: Municipality, survey_id: int) -> HttpResponse:
    """The aggregated results as CSV (the same numbers as the page; no single responses)."""
    survey = _survey(request, municipality, survey_id)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="umfrage-{survey.pk}-ergebnisse.csv"'
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";")
    writer.writerow([_("Question number"), _("Question"), _("Type"), _("Answer"), _("Count"), _("Share in %"),
                     _("Answered by"), _("Average place")])
    for result in selectors.survey_results(survey):
        question = result.question
        for bar in result.bars:
            writer.writerow([question.position, spreadsheet_safe(question.text), question.kind,
                             spreadsheet_safe(bar.label), bar.count, round(bar.share * 100, 1), result.answered,
                             bar.extra])
        if question.kind == Question.Kind.TEXT:
            writer.writerow([question.position, spreadsheet_safe(question.text), question.kind, "", "", "",
                             result.answered, ""])
    return response


# --- Opinion maps -----------------------------------------------------------------------------------------------


@municipality_view()
def map_detail(request: HttpRequest, municipality: Municipality, map_id: int) -> HttpResponse:
    opinion_map = _map(request, municipality, map_id)
    refusal = services.participation_refusal(opinion_map, request.user)
    view = selectors.map_view(opinion_map)
    return render(request, "surveys/map_detail.html", {
        "municipality": municipality, "opinion_map": opinion_map, "refusal": refusal,
        "refusal_message": services.participation_message(refusal) if refusal else "",
        "statement": selectors.next_statement(opinion_map, request.user) if refusal is None else None,
        "my_votes": selectors.votes_of(opinion_map, request.user),
        "form": StatementForm(), "view": view, "scatter": charts.scatter(view["points"]),
        "colours": charts.GROUP_COLOURS,
        "can_manage": request.user.has_perm(services.MANAGE_PERMISSION, municipality),
    })


VOTE_VALUES = {"agree": Vote.Value.AGREE, "disagree": Vote.Value.DISAGREE, "pass": Vote.Value.PASS}


@municipality_view()
@require_POST
def vote(request: HttpRequest, municipality: Municipality, map_id: int) -> HttpResponse:
    opinion_map = _map(request, municipality, map_id)
    if not request.user.is_authenticated:
        return redirect_to_login(opinion_map.get_absolute_url())
    statement_id = request.POST.get("statement", "")
    statement = (Statement.objects.filter(opinion_map=opinion_map, pk=int(statement_id)).first()
                 if parse_id(statement_id, max_digits=9) is not None else None)
    value = VOTE_VALUES.get(request.POST.get("vote", ""))
    if statement is None or value is None:
        messages.error(request, _("Please choose a statement and agree, disagree or pass."))
        return redirect(opinion_map.get_absolute_url())
    try:
        services.do_vote(statement=statement, participant=request.user, value=value)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Your vote has been saved."))
    return redirect(opinion_map.get_absolute_url() + "#abstimmen")


@municipality_view()
@require_POST
def post_statement(request: HttpRequest, municipality: Municipality, map_id: int) -> HttpResponse:
    opinion_map = _map(request, municipality, map_id)
    if not request.user.is_authenticated:
        return redirect_to_login(opinion_map.get_absolute_url())
    form = StatementForm(request.POST)
    if form.is_valid():
        try:
            services.do_post_statement(opinion_map=opinion_map, author=request.user, text=form.cleaned_data["text"])
        except ValidationError as error:
            form.add_error("text", error)
        else:
            messages.success(request, _("Thank you! Your statement is now shown to others to vote on."))
            return redirect(opinion_map.get_absolute_url())
    view = selectors.map_view(opinion_map)
    refusal = services.participation_refusal(opinion_map, request.user)
    return render(request, "surveys/map_detail.html", {
        "municipality": municipality, "opinion_map": opinion_map, "refusal": refusal,
        "refusal_message": services.participation_message(refusal) if refusal else "",
        "statement": selectors.next_statement(opinion_map, request.user) if refusal is None else None,
        "my_votes": selectors.votes_of(opinion_map, request.user), "form": form, "view": view,
        "scatter": charts.scatter(view["points"]), "colours": charts.GROUP_COLOURS,
        "can_manage": request.user.has_perm(services.MANAGE_PERMISSION, municipality),
    }, status=400)
