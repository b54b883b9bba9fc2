"""The evaluation sources of surveys and opinion maps (kommune/core/processes/evaluation.py): every answer and
every statement and vote of a process, with pseudonyms stable within the export; a name only where the person
agreed (a survey that is not anonymous, answered with the consent box ticked)."""

from django.utils.translation import gettext as _

from kommune.core.processes.evaluation import EvaluationTable, pseudonym_for
from kommune.surveys.models import Answer, Question, Statement, Vote


def _readable(question: Question, value) -> str:
    if question.kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE, Question.Kind.RANKING):
        indexes = value if isinstance(value, list) else [value]
        options = question.options
        parts = [options[index] if isinstance(index, int) and 0 <= index < len(options) else str(index)
                 for index in indexes]
        return " > ".join(parts) if question.kind == Question.Kind.RANKING else "; ".join(parts)
    return str(value)


def survey_answers(process, *, include_personal: bool = False) -> list[EvaluationTable]:
    answers = (Answer.objects.filter(survey__process=process)
               .select_related("survey", "question", "response__respondent")
               .order_by("survey_id", "response_id", "question__position"))
    rows = []
    for answer in answers.iterator(chunk_size=2000):
        response = answer.response
        person = pseudonym_for(process, response.pk, kind="response")
        name = ""
        if include_personal and response.shares_name and response.respondent is not None:
            name = response.respondent.display_name
        rows.append([answer.survey.title, person, name, response.channel, response.created_at.isoformat(),
                     answer.question.position, answer.question.text, _readable(answer.question, answer.value)])
    return [EvaluationTable(key="survey-answers", title=_("Survey answers"),
                            columns=["survey", "response", "name", "channel", "submitted_at", "question_position",
                                     "question", "answer"], rows=rows)]


def opinion_map_contributions(process, *, include_personal: bool = False) -> list[EvaluationTable]:
    statements = (Statement.objects.filter(opinion_map__process=process).select_related("opinion_map")
                  .order_by("opinion_map_id", "id"))
    statement_rows = [[s.opinion_map.title, s.pk, pseudonym_for(process, s.author_id), s.text,
                       s.created_at.isoformat(), "hidden" if s.hidden_at else "visible", s.agree_count,
                       s.disagree_count, s.pass_count] for s in statements.iterator(chunk_size=2000)]
    votes = (Vote.objects.filter(opinion_map__process=process).order_by("opinion_map_id", "statement_id", "id")
             .values_list("opinion_map_id", "statement_id", "participant_id", "value", "created_at"))
    vote_rows = [[map_id, statement_id, pseudonym_for(process, participant_id), value, created.isoformat()]
                 for map_id, statement_id, participant_id, value, created in votes.iterator(chunk_size=5000)]
    return [
        EvaluationTable(key="opinion-statements", title=_("Opinion map statements"),
                        columns=["opinion_map", "statement_id", "author", "text", "written_at", "state", "agree",
                                 "disagree", "pass"], rows=statement_rows),
        EvaluationTable(key="opinion-votes", title=_("Opinion map votes"),
                        columns=["opinion_map_id", "statement_id", "participant", "vote", "voted_at"],
                        rows=vote_rows),
    ]
