"""Surveys and opinion maps in a person's data export. On account deletion (services.delete_personal_links) the
rows stay, without the link to the person: answers, statements and votes were counted and remain anonymous."""

from kommune.surveys.models import Answer, Response, Statement, Survey, Vote
from kommune.surveys.services import respondent_key


def export_responses(user) -> list[dict]:
    """The person's responses: linked to the account, or found through their key in anonymous surveys; and the
    paper questionnaires they entered as staff (without the answers of others)."""
    surveys = Survey.objects.filter(responses__respondent_key__isnull=False).distinct()
    keys = {respondent_key(survey, user) for survey in surveys.only("pk")}
    own = Response.objects.filter(respondent_key__in=keys) | Response.objects.filter(respondent=user)
    answers: dict[int, list[dict]] = {}
    for answer in Answer.objects.filter(response__in=own).select_related("question").order_by("question__position"):
        answers.setdefault(answer.response_id, []).append({"question": answer.question.text, "value": answer.value})
    rows = [{"municipality": response.survey.municipality.name, "survey": response.survey.title,
             "submitted_at": response.created_at.isoformat(), "channel": response.channel,
             "answers": answers.get(response.pk, [])}
            for response in own.select_related("survey__municipality").order_by("created_at", "id")]
    entered = Response.objects.filter(entered_by=user).select_related("survey__municipality").order_by("created_at")
    rows += [{"municipality": response.survey.municipality.name, "survey": response.survey.title,
              "entered_paper_questionnaire_at": response.created_at.isoformat(),
              "reference": response.paper_reference} for response in entered]
    return rows


def export_statements(user) -> list[dict]:
    statements = Statement.objects.filter(author=user).select_related("opinion_map__municipality").order_by("id")
    return [{"municipality": s.opinion_map.municipality.name, "opinion_map": s.opinion_map.title, "text": s.text,
             "written_at": s.created_at.isoformat(), "hidden": s.hidden_at is not None} for s in statements]


def export_votes(user) -> list[dict]:
    votes = Vote.objects.filter(participant=user).select_related("statement", "opinion_map").order_by("id")
    return [{"opinion_map": v.opinion_map.title, "statement": v.statement.text,
             "vote": Vote.Value(v.value).label, "voted_at": v.created_at.isoformat()} for v in votes]
