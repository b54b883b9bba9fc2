"""Surveys and opinion maps for tests, written directly (the services are tested on their own)."""

from django.utils import timezone

from kommune.surveys.models import OpinionMap, Question, Statement, Survey
from tests.factories_processes import published_process


def open_process(municipality, *features: str, **fields):
    return published_process(municipality, features=features or ("survey", "opinion_map"), **fields)


def survey_with_questions(municipality, *, process=None, is_anonymous=True, audience="registered",
                          published=True) -> Survey:
    """A published survey in a running phase with every question type and one condition:
    1 single (Ja/Nein, required) → 2 free text shown only for "Ja"; 3 multiple; 4 rating 1..5 (required);
    5 ranking of three options."""
    process = process or open_process(municipality)
    survey = Survey.objects.create(municipality=municipality, process=process, title="Marktplatz-Befragung",
                                   description="Fünf Fragen zum Marktplatz.", is_anonymous=is_anonymous,
                                   audience=audience, is_published=published,
                                   published_at=timezone.now() if published else None)
    q = dict(municipality=municipality, survey=survey)
    use = Question.objects.create(**q, position=1, kind="single", text="Nutzen Sie den Marktplatz?",
                                  is_required=True, options=["Ja", "Nein"])
    Question.objects.create(**q, position=2, kind="text", text="Wofür nutzen Sie ihn?", condition_question=use,
                            condition_value=0, is_required=True)
    Question.objects.create(**q, position=3, kind="multiple", text="Was fehlt?", options=["Bänke", "Bäume", "Wasser"])
    Question.objects.create(**q, position=4, kind="rating", text="Wie gefällt er Ihnen?", is_required=True,
                            scale_min=1, scale_max=5, scale_min_label="gar nicht", scale_max_label="sehr")
    Question.objects.create(**q, position=5, kind="ranking", text="Was ist am wichtigsten?",
                            options=["Schatten", "Sitzplätze", "Markt"])
    return survey


def opinion_map(municipality, *, process=None, statements=("Mehr Bäume", "Weniger Autos", "Mehr Bänke"),
                published=True) -> OpinionMap:
    process = process or open_process(municipality)
    opinion_map = OpinionMap.objects.create(municipality=municipality, process=process,
                                            title="Wie soll der Marktplatz werden?", is_published=published,
                                            published_at=timezone.now() if published else None,
                                            statement_count=len(statements))
    for text in statements:
        Statement.objects.create(municipality=municipality, opinion_map=opinion_map, text=text)
    return opinion_map


def add_demo_votes(target, person) -> None:
    """A survey: ``person`` answers it. An opinion map: thirty people vote in three planted camps, and the map is
    computed."""
    from kommune.surveys import opinion, services
    from kommune.surveys.models import Vote
    from tests.factories import UserFactory

    if isinstance(target, Survey):
        ids = [question.pk for question in target.questions.order_by("position")]
        services.do_submit_response(survey=target, user=person, answers={
            ids[0]: "0", ids[1]: "Einkaufen", ids[2]: ["1"], ids[3]: "4", ids[4]: {0: "1", 1: "2", 2: "3"}})
        return
    statements = list(target.statements.order_by("id"))
    votes, _truth, _consensus = opinion.synthetic_votes(30, len(statements), groups=3, consensus=2,
                                                        participation=0.9, seed=5)
    people = UserFactory.create_batch(30)
    Vote.objects.bulk_create(
        Vote(municipality=target.municipality, opinion_map=target, statement=statements[column],
             participant=people[row], value=int(votes[row, column]))
        for row in range(len(people)) for column in range(len(statements)) if votes[row, column] == votes[row, column])
    services.do_compute_opinion_map(opinion_map=target)
