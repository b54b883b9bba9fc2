"""Demo content for `seed_demo`: in Musterstadt a process about the traffic in the old town whose dialogue phase
opens a survey (with a few hundred generated responses and one paper questionnaire) and an opinion map (with
generated votes of three camps, computed into groups). Idempotent: nothing is written when the process exists."""

import hashlib
import random
from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from kommune.core.demo import DemoData
from kommune.core.processes import services as processes
from kommune.core.processes.models import Phase, Process
from kommune.surveys import services
from kommune.surveys.models import Answer, Response, Statement, Survey, Vote

SLUG = "verkehr-altstadt"
RESPONSES = 320
VOTERS = 150

STATEMENTS = [
    # Camp A (cars), camp B (cycling and walking), camp C (trade and deliveries); the first three unite all.
    ("Die Gehwege in der Altstadt müssen barrierefrei werden.", (1, 1, 1)),
    ("Kinder sollen sicher allein zur Schule gehen können.", (1, 1, 1)),
    ("Die Busse sollten abends länger fahren.", (1, 1, 1)),
    ("Die Altstadt soll autofrei werden.", (-1, 1, -1)),
    ("Parkplätze am Markt dürfen nicht wegfallen.", (1, -1, 1)),
    ("Radwege brauchen Vorrang vor Parkplätzen.", (-1, 1, -1)),
    ("Tempo 20 in der ganzen Altstadt.", (-1, 1, 1)),
    ("Lieferverkehr soll nur morgens bis 10 Uhr fahren dürfen.", (1, 1, -1)),
    ("Ein Parkhaus am Stadtrand mit Pendelbus wäre gut.", (-1, 1, 1)),
    ("Die Geschäfte leben von Kundschaft mit dem Auto.", (1, -1, 1)),
    ("Mehr Fahrradständer vor den Geschäften.", (-1, 1, 1)),
    ("Anwohnerparken soll teurer werden.", (-1, 1, -1)),
    ("Die Marktstraße soll Fußgängerzone werden.", (-1, 1, 1)),
    ("Ladezonen für Lieferwagen fehlen.", (-1, -1, 1)),
    ("Durchgangsverkehr gehört auf die Umgehungsstraße.", (1, 1, 1)),
]


def _key(index: int) -> str:
    return hashlib.sha256(f"demo-response:{index}".encode()).hexdigest()


def seed(demo: DemoData) -> None:
    municipality = demo.municipality
    if Process.objects.filter(municipality=municipality, slug=SLUG).exists():
        return
    now = timezone.now().replace(hour=9, minute=0, second=0, microsecond=0)
    process = processes.do_create_process(
        municipality=municipality, actor=demo.staff, slug=SLUG, title="Verkehr in der Altstadt",
        summary="Wie kommen Sie in die Altstadt, und was soll sich ändern? Umfrage und Meinungsbild.",
        description="Die Stadt erarbeitet ein Verkehrskonzept für die Altstadt. Beantworten Sie die Umfrage und "
                    "sagen Sie im Meinungsbild, welchen Aussagen Sie zustimmen.", area="Altstadt")
    processes.do_set_phases(process=process, actor=demo.staff, phases=[
        processes.PhaseInput(kind=Phase.Kind.DIALOGUE, starts_at=now - timedelta(days=14),
                             ends_at=now + timedelta(days=28),
                             features=("comments", services.SURVEY_FEATURE, services.OPINION_MAP_FEATURE)),
        processes.PhaseInput(kind=Phase.Kind.EVALUATION, starts_at=now + timedelta(days=28),
                             ends_at=now + timedelta(days=70)),
    ])
    processes.do_publish_process(process=process, actor=demo.staff)
    _seed_survey(demo, process)
    _seed_opinion_map(demo, process)


def _seed_survey(demo: DemoData, process: Process) -> None:
    survey = services.do_create_survey(
        municipality=demo.municipality, actor=demo.staff, process=process, title="Wie kommen Sie in die Altstadt?",
        description="Sieben kurze Fragen, etwa drei Minuten. Ihre Antworten sind anonym.")
    add = services.do_add_question
    how = add(survey=survey, actor=demo.staff, kind="single", text="Wie kommen Sie meistens in die Altstadt?",
              is_required=True, options=["zu Fuß", "mit dem Rad", "mit Bus oder Bahn", "mit dem Auto"])
    add(survey=survey, actor=demo.staff, kind="text", text="Wo parken Sie, und wie lange suchen Sie?",
        condition_question=how, condition_value=3)
    add(survey=survey, actor=demo.staff, kind="multiple", text="Was stört Sie am meisten?",
        options=["zu viele Autos", "zu wenig Parkplätze", "schmale Gehwege", "fehlende Radwege", "Lärm"])
    add(survey=survey, actor=demo.staff, kind="rating", text="Wie sicher fühlen Sie sich im Verkehr der Altstadt?",
        is_required=True, scale_min=1, scale_max=5, scale_min_label="sehr unsicher", scale_max_label="sehr sicher")
    add(survey=survey, actor=demo.staff, kind="ranking", text="Was soll die Stadt zuerst angehen?",
        options=["Gehwege", "Radwege", "Busverbindungen", "Parken"])
    add(survey=survey, actor=demo.staff, kind="text", text="Was möchten Sie uns noch sagen?")
    services.do_publish_survey(survey=survey, actor=demo.staff)
    questions = list(survey.questions.all())
    rng = random.Random(2026)
    texts = ["Im Parkhaus am Wall, meist zehn Minuten.", "Am Markt, wenn etwas frei ist.",
             "Am Bahnhof und dann zu Fuß.", "Lange, samstags oft zwanzig Minuten."]
    with transaction.atomic():
        responses = Response.objects.bulk_create(
            Response(municipality=demo.municipality, survey=survey, respondent_key=_key(index))
            for index in range(RESPONSES))
        answers = []
        for response in responses:
            mode = rng.choices(range(4), weights=[30, 25, 15, 30])[0]
            safety = rng.choices(range(1, 6), weights=[10, 25, 30, 25, 10])[0]
            chosen: dict[int, Any] = {questions[0].pk: mode, questions[3].pk: safety}
            if mode == 3 and rng.random() < 0.5:
                chosen[questions[1].pk] = rng.choice(texts)
            bothers = sorted(rng.sample(range(5), rng.randint(1, 3)))
            chosen[questions[2].pk] = bothers
            order = [0, 1, 2, 3]
            rng.shuffle(order)
            if mode in (0, 1):
                order.sort(key=lambda option: option != mode)
            chosen[questions[4].pk] = order
            answers += [Answer(municipality=demo.municipality, survey=survey, response=response, question_id=pk,
                               value=value) for pk, value in chosen.items()]
        Answer.objects.bulk_create(answers)
        Survey.objects.filter(pk=survey.pk).update(response_count=F("response_count") + RESPONSES)
    services.do_enter_paper_response(survey=survey, actor=demo.staff, reference="Bürgerbüro, Bogen 1",
                                     answers={questions[0].pk: "0", questions[3].pk: "2",
                                              questions[4].pk: {0: "1", 1: "3", 2: "2", 3: "4"}})


def _seed_opinion_map(demo: DemoData, process: Process) -> None:
    opinion_map = services.do_create_opinion_map(
        municipality=demo.municipality, actor=demo.staff, process=process,
        title="Was soll sich am Verkehr in der Altstadt ändern?",
        description="Stimmen Sie den Aussagen zu oder nicht, eine nach der anderen. Schreiben Sie eigene Aussagen. "
                    "Die Karte zeigt, welche Gruppen ähnlich denken und worin sich alle einig sind.",
        statements=[text for text, _camps in STATEMENTS])
    services.do_publish_opinion_map(opinion_map=opinion_map, actor=demo.staff)
    statements = list(Statement.objects.filter(opinion_map=opinion_map).order_by("id"))
    users = get_user_model()
    voters = []
    for index in range(VOTERS):
        voter, created = users.objects.get_or_create(
            email=f"meinungsbild-{index:03d}@demo.invalid",
            defaults={"display_name": f"Teilnehmende {index + 1}", "email_confirmed_at": timezone.now()})
        if created:  # nobody logs in with these accounts
            voter.set_unusable_password()
            voter.save(update_fields=["password"])
        voters.append(voter)
    rng = random.Random(12)
    votes = []
    for index, voter in enumerate(voters):
        camp = rng.choices(range(3), weights=[35, 45, 20])[0] if index else 1
        for statement, (_text, camps) in zip(statements, STATEMENTS, strict=True):
            if rng.random() > 0.8:
                continue
            value = camps[camp] if rng.random() > 0.12 else rng.choice([-1, 0, 1])
            votes.append(Vote(municipality=demo.municipality, opinion_map=opinion_map, statement=statement,
                              participant=voter, value=value))
    counters = {1: "agree_count", -1: "disagree_count", 0: "pass_count"}
    with transaction.atomic():
        Vote.objects.bulk_create(votes)
        for statement in statements:
            counts = {name: sum(1 for vote in votes if vote.statement is statement and vote.value == value)
                      for value, name in counters.items()}
            Statement.objects.filter(pk=statement.pk).update(**counts)
        opinion_map.__class__.objects.filter(pk=opinion_map.pk).update(vote_count=len(votes))
    services.do_compute_opinion_map(opinion_map=opinion_map)
