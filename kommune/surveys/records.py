"""The record sets of surveys and opinion maps as open data: aggregated results only, never a person's answer
(no free texts, no single responses, no authors, no voters)."""

from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from kommune.core.models import Municipality
from kommune.core.records import Column, register_record_set
from kommune.surveys import selectors
from kommune.surveys.events import (
    OpinionMapComputed,
    OpinionMapPublished,
    StatementHidden,
    StatementPosted,
    StatementUnhidden,
    SurveyAnswered,
    SurveyPublished,
)
from kommune.surveys.models import Question

RESULT_COLUMNS = (
    Column("id", "string", _("Key of the row: survey, question and answer option."), required=True),
    Column("survey_id", "integer", _("Number of the survey on this platform."), required=True),
    Column("survey", "string", _("Title of the survey."), required=True),
    Column("process", "string", _("Title of the participation process."), required=True),
    Column("question_position", "integer", _("Position of the question in the survey."), required=True),
    Column("question", "string", _("The question."), required=True),
    Column("question_type", "string", _("Type: single, multiple, rating or ranking."), required=True),
    Column("answer", "string", _("The answer option or the value of the scale."), required=True),
    Column("count", "integer", _("How many chose it (ranking: how many put it first)."), required=True),
    Column("answered", "integer", _("How many answered the question."), required=True),
    Column("average_place", "number", _("Ranking only: the average place of the option (1 is best).")),
    Column("responses", "integer", _("Responses to the survey in total (online and paper)."), required=True),
    Column("url", "string", _("Address of the survey on this platform."), required=True),
)

STATEMENT_COLUMNS = (
    Column("id", "integer", _("Number of the statement on this platform."), required=True),
    Column("opinion_map_id", "integer", _("Number of the opinion map."), required=True),
    Column("opinion_map", "string", _("Question of the debate."), required=True),
    Column("statement", "string", _("The statement."), required=True),
    Column("agree", "integer", _("Votes: agree."), required=True),
    Column("disagree", "integer", _("Votes: disagree."), required=True),
    Column("pass", "integer", _("Votes: pass."), required=True),
    Column("consensus", "string", _("agree or disagree if all groups share that view, else empty.")),
    Column("representative_for", "string", _("The groups (A, B, …) this statement stands for, if any.")),
    Column("url", "string", _("Address of the opinion map on this platform."), required=True),
)


def result_rows(municipality: Municipality) -> Iterator[dict[str, Any]]:
    site = settings.SITE_URL.rstrip("/")
    for survey in selectors.published_surveys(municipality).order_by("published_at", "id"):
        for result in selectors.survey_results(survey):
            question = result.question
            if question.kind == Question.Kind.TEXT:
                continue
            for index, bar in enumerate(result.bars):
                yield {"id": f"{survey.pk}-{question.pk}-{index}", "survey_id": survey.pk, "survey": survey.title,
                       "process": survey.process.title, "question_position": question.position,
                       "question": question.text, "question_type": question.kind, "answer": bar.label,
                       "count": bar.count, "answered": result.answered,
                       "average_place": float(bar.extra) if bar.extra else None,
                       "responses": survey.response_count, "url": site + survey.get_absolute_url()}


def statement_rows(municipality: Municipality) -> Iterator[dict[str, Any]]:
    site = settings.SITE_URL.rstrip("/")
    for opinion_map in selectors.published_maps(municipality).order_by("published_at", "id"):
        view = selectors.map_view(opinion_map)
        consensus = {item["statement"]: item["direction"] for item in view["consensus"]}
        representative: dict[int, list[str]] = {}
        for group in view["groups"]:
            for item in group["representative"]:
                representative.setdefault(item["statement"], []).append(group["name"])
        for statement in selectors.visible_statements(opinion_map).order_by("id"):
            yield {"id": statement.pk, "opinion_map_id": opinion_map.pk, "opinion_map": opinion_map.title,
                   "statement": statement.text, "agree": statement.agree_count,
                   "disagree": statement.disagree_count, "pass": statement.pass_count,
                   "consensus": consensus.get(statement.pk, ""),
                   "representative_for": ", ".join(representative.get(statement.pk, [])),
                   "url": site + opinion_map.get_absolute_url()}


def register() -> None:
    register_record_set(
        key="survey-results", title=_("Survey results"),
        description=_("The results of the municipality's surveys: per question and answer how many chose it. "
                      "Aggregated only: no single responses, no free texts, no personal data."),
        columns=RESULT_COLUMNS, rows=result_rows, changed_by=(SurveyPublished, SurveyAnswered),
        keywords=("Bürgerbeteiligung", "Umfrage", "Befragung"))
    register_record_set(
        key="opinion-statements", title=_("Opinion map statements"),
        description=_("The statements of the municipality's opinion maps with their votes and the groups they "
                      "stand for. Without personal data: no authors, no voters."),
        columns=STATEMENT_COLUMNS, rows=statement_rows,
        changed_by=(OpinionMapPublished, OpinionMapComputed, StatementPosted, StatementHidden, StatementUnhidden),
        keywords=("Bürgerbeteiligung", "Meinungsbild", "Debatte"))
