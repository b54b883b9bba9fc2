"""The survey of the generated city (generate_city): the largest municipality asks about its parks, with eight
questions of every kind (single and multiple choice, rating scales, a ranking, a free text, and a question shown
only after a certain answer), and 10,000 people answered (twice the proposals at small scales; 5 % on paper,
entered by staff). The survey runs in a phase of a published process, is anonymous and open to every confirmed
account, so the respondents come from the whole city, each once (the respondent key is the app's own keyed hash).
Measured: the public results page, which aggregates every answer (bench: "survey results").

Responses and answers go in through the generator's bulk loader; each response answers the questions it was
shown (the condition holds), the required ones always, so the results page counts what a real run would hold.
``Survey.response_count`` equals the responses.
"""

from datetime import timedelta
from types import SimpleNamespace
from typing import Any

from django.db import models

from kommune.benchmark.processes_city import index_documents, json_value, published_processes
from kommune.core.processes.models import Phase
from kommune.surveys.models import Answer, Question, Response, Survey
from kommune.surveys.services import SURVEY_FEATURE, respondent_key

MODELS_WITH_IDS: list[type[models.Model]] = [Response]
MAX_RESPONSES = 10_000
PAPER_SHARE, TEXT_SHARE = 0.05, 0.3
Kind = Question.Kind
# (kind, text, options, required, scale max, condition: (question index, value) or None)
QUESTIONS: list[tuple[str, str, list[str], bool, int, tuple[int, int] | None]] = [
    (Kind.SINGLE, "Wie oft besuchen Sie einen Park in der Stadt?",
     ["Täglich", "Mehrmals pro Woche", "Einmal pro Woche", "Seltener", "Nie"], True, 5, None),
    (Kind.SINGLE, "Zu welcher Tageszeit sind Sie meistens dort?", ["Morgens", "Mittags", "Nachmittags", "Abends"],
     False, 5, (0, 0)),
    (Kind.MULTIPLE, "Was fehlt Ihnen in den Parks?",
     ["Sitzbänke", "Toiletten", "Schatten", "Spielgeräte", "Beleuchtung", "Trinkbrunnen"], False, 5, None),
    (Kind.RATING, "Wie zufrieden sind Sie mit der Pflege der Parks?", [], True, 5, None),
    (Kind.RANKING, "Was soll die Stadt zuerst angehen?",
     ["Mehr Bäume pflanzen", "Wege sanieren", "Spielplätze erneuern", "Mehr Mülleimer"], False, 5, None),
    (Kind.RATING, "Wie wichtig sind Ihnen Parks für das Leben in der Stadt?", [], False, 10, None),
    (Kind.SINGLE, "Wie alt sind Sie?", ["unter 18", "18 bis 29", "30 bis 49", "50 bis 64", "65 und älter"], False, 5,
     None),
    (Kind.TEXT, "Was möchten Sie uns sonst noch sagen?", [], False, 5, None),
]
TEXTS = ["Mehr Schatten auf den Spielplätzen bitte.", "Die Wege sind bei Regen kaum begehbar.",
         "Danke für die Umfrage!", "Abends fehlt Beleuchtung am Teich.", "Bitte keine Autos im Park."]


def response_count(proposals: int) -> int:
    return min(MAX_RESPONSES, max(200, proposals * 2))


def survey_tables(table: Any) -> dict[str, Any]:
    """The loader's tables (``table`` is generate_city.Table), in the order of their foreign keys."""
    return {
        "survey_response": table(Response, ["id", "municipality_id", "survey_id", "respondent_key", "channel",
                                            "paper_reference", "created_at"]),
        "survey_answer": table(Answer, ["municipality_id", "survey_id", "response_id", "question_id", "value"]),
    }


def generate_survey(generator: Any) -> Survey:
    """Called by generate_city's Generator inside its bulk-loading transaction."""
    now, municipality = generator.now, generator.places[0].municipality
    starts, ends = now - timedelta(days=20), now + timedelta(days=10)
    process = published_processes(municipality, [(
        "parks-der-zukunft", "Parks der Zukunft", "Wie sollen die Parks der Stadt in zehn Jahren aussehen?",
        [(Phase.Kind.DIALOGUE, starts, ends, (SURVEY_FEATURE,)),
         (Phase.Kind.EVALUATION, ends, ends + timedelta(days=30), ())])])[0]
    total = response_count(generator.scale.proposals)
    survey = Survey.objects.create(
        municipality=municipality, process=process, title="Umfrage: Unsere Parks",
        description="Zehn Minuten für die Parks der Stadt: sagen Sie uns, was Ihnen fehlt.", is_published=True,
        published_at=starts, response_count=total)
    survey.process = process
    questions = Question.objects.bulk_create([
        Question(municipality=municipality, survey=survey, position=position, kind=kind, text=text, options=options,
                 is_required=required, scale_max=scale_max)
        for position, (kind, text, options, required, scale_max, _condition) in enumerate(QUESTIONS, start=1)])
    for question, (*_rest, condition) in zip(questions, QUESTIONS, strict=True):
        if condition is not None:
            question.condition_question, question.condition_value = questions[condition[0]], condition[1]
            question.save(update_fields=["condition_question", "condition_value"])
    answers = _responses(generator, survey, questions, total)
    index_documents(generator, [process, survey])
    generator.out(f"  survey #{survey.pk}: {total:,} responses, {answers:,} answers")
    return survey


def _responses(generator: Any, survey: Survey, questions: list[Question], total: int) -> int:
    rnd, tables, add = generator.random, generator.tables, generator.loader.add
    municipality_id = survey.municipality.pk
    people = [person for place in generator.places for person in place.people]
    online = rnd.sample(people, total - round(total * PAPER_SHARE))
    opened = survey.published_at
    assert opened is not None  # published above
    span = int((generator.now - opened).total_seconds())
    # Every option has its own popularity, so the charts show differences.
    weights = {q.pk: [rnd.uniform(0.2, 3) for _ in (q.options or q.scale)] for q in questions}
    first, written = _next_id(Response), 0
    for n in range(total):
        response_id = first + n
        person = online[n] if n < len(online) else None
        key = respondent_key(survey, SimpleNamespace(pk=person)) if person is not None else None  # type: ignore[arg-type]
        add(tables["survey_response"], (
            response_id, municipality_id, survey.pk, key,
            Response.Channel.ONLINE if person is not None else Response.Channel.PAPER,
            "" if person is not None else f"Fragebogen {n + 1}",
            opened + timedelta(seconds=rnd.randrange(span))))
        given: dict[int, Any] = {}
        for question, (*_rest, condition) in zip(questions, QUESTIONS, strict=True):
            if condition is not None and given.get(questions[condition[0]].pk) != condition[1]:
                continue
            value = _value(rnd, question, weights[question.pk])
            if value is None:
                continue
            given[question.pk] = value
            add(tables["survey_answer"], (municipality_id, survey.pk, response_id, question.pk, json_value(value)))
            written += 1
    return written


def _value(rnd: Any, question: Question, weights: list[float]) -> Any:
    """An answer as the services store it, or None for an optional question left empty."""
    if not question.is_required and rnd.random() < (1 - TEXT_SHARE if question.kind == Kind.TEXT else 0.1):
        return None
    if question.kind == Kind.SINGLE:
        return rnd.choices(range(len(question.options)), weights)[0]
    if question.kind == Kind.MULTIPLE:
        return sorted({rnd.choices(range(len(question.options)), weights)[0] for _ in range(rnd.randint(1, 3))})
    if question.kind == Kind.RATING:
        return rnd.choices(question.scale, weights)[0]
    if question.kind == Kind.RANKING:
        return sorted(range(len(question.options)), key=lambda option: -weights[option] * rnd.random())
    return rnd.choice(TEXTS)


def _next_id(model: type[models.Model]) -> int:
    return (model._default_manager.aggregate(top=models.Max("pk"))["top"] or 0) + 1
