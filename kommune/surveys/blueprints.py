"""The surveys of a participation process as a part of its template (kommune/core/blueprints.py): their texts
and questions (with options, scales and conditions), never their responses. A copied survey is unpublished."""

from typing import Any

from django.utils.translation import gettext as _

from kommune.core.types import User
from kommune.surveys import services
from kommune.surveys.models import Question, Survey


def export_surveys(process: Any) -> list[dict]:
    surveys = Survey.objects.filter(process=process).prefetch_related("questions").order_by("pk")
    exported = []
    for survey in surveys:
        questions = sorted(survey.questions.all(), key=lambda q: (q.position, q.pk))
        number = {question.pk: index for index, question in enumerate(questions)}
        exported.append({
            "title": survey.title, "description": survey.description, "is_anonymous": survey.is_anonymous,
            "audience": survey.audience,
            "questions": [{"kind": q.kind, "text": q.text, "help_text": q.help_text, "is_required": q.is_required,
                           "options": list(q.options or []), "scale_min": q.scale_min, "scale_max": q.scale_max,
                           "scale_min_label": q.scale_min_label, "scale_max_label": q.scale_max_label,
                           "condition": number.get(q.condition_question_id) if q.condition_question_id else None,
                           "condition_value": q.condition_value} for q in questions],
        })
    return exported


def create_surveys(*, obj: Any, items: list, actor: User) -> None:
    """Rebuild the surveys on the copied process, through the surveys' own services (their checks apply)."""
    for item in items:
        if not isinstance(item, dict):
            continue
        survey = services.do_create_survey(
            municipality=obj.municipality, actor=actor, process=obj, title=str(item.get("title") or ""),
            description=str(item.get("description") or ""), is_anonymous=bool(item.get("is_anonymous", True)),
            audience=str(item.get("audience") or Survey.Audience.REGISTERED))
        created: list[Question] = []
        for question in item.get("questions") or []:
            condition = question.get("condition")
            condition_question = created[condition] if isinstance(condition, int) and 0 <= condition < len(
                created) else None
            created.append(services.do_add_question(
                survey=survey, actor=actor, kind=str(question.get("kind") or ""), text=str(question.get("text") or ""),
                help_text=str(question.get("help_text") or ""), is_required=bool(question.get("is_required")),
                options=[str(option) for option in question.get("options") or []],
                scale_min=int(question.get("scale_min", 1)), scale_max=int(question.get("scale_max", 5)),
                scale_min_label=str(question.get("scale_min_label") or ""),
                scale_max_label=str(question.get("scale_max_label") or ""), condition_question=condition_question,
                condition_value=question.get("condition_value") if condition_question is not None else None))


def describe_surveys(items: list) -> list[str]:
    return [_("Survey “%(title)s” with %(count)d questions")
            % {"title": item.get("title", ""), "count": len(item.get("questions") or [])}
            for item in items if isinstance(item, dict)]


def register() -> None:
    from django.utils.translation import gettext_lazy

    from kommune.core.blueprints import register_part

    register_part("process", "surveys", label=gettext_lazy("Surveys"), export=export_surveys,
                  create=create_surveys, describe=describe_surveys)
