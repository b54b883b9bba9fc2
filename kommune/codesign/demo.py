"""Demo content for `seed_demo`: in Musterstadt the service "Wohnsitz anmelden/ummelden" with five steps, run
inside the participation process "Bürgerbüro gemeinsam verbessern"; thirty ratings of six residents with problems
and ideas, one rating entered by phone, three themes and one published change. Idempotent: nothing is written
when the service exists."""

import random
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from kommune.codesign import services
from kommune.codesign.models import Channel, Rating, Service
from kommune.core.demo import DemoData
from kommune.core.processes import services as processes
from kommune.core.processes.models import Phase, Process

TITLE = "Wohnsitz anmelden/ummelden"
PROCESS_SLUG = "buergerbuero-verbessern"
# An example Leistungsschlüssel in the 14-digit form of the LeiKa catalogue.
LEIKA_KEY = "99115001001000"

STEPS = [
    ("Termin online buchen", "Termin im Bürgerbüro über das Terminportal der Stadt buchen.", Channel.ONLINE),
    ("Unterlagen zusammenstellen", "Personalausweis oder Reisepass und die Wohnungsgeberbestätigung des "
                                   "Vermieters bereitlegen.", Channel.ONLINE),
    ("Vorsprache im Bürgerbüro", "Zur gebuchten Zeit im Bürgerbüro am Markt vorsprechen; die Sachbearbeitung "
                                 "nimmt die Anmeldung auf.", Channel.COUNTER),
    ("Meldebescheinigung erhalten", "Die Meldebescheinigung wird ausgedruckt und mitgegeben.", Channel.COUNTER),
    ("Adresse im Ausweis ändern", "Ein Aufkleber mit der neuen Anschrift kommt auf den Personalausweis; der "
                                  "Chip wird neu beschrieben.", Channel.COUNTER),
]

# Per step: (effort, clarity) before and since the change, a problem and an idea residents describe.
FEEDBACK: list[tuple[tuple[int, int], tuple[int, int], str, str]] = [
    ((3, 3), (3, 3), "Die nächsten freien Termine waren erst in drei Wochen.",
     "Kurzfristig frei gewordene Termine per E-Mail anbieten."),
    ((5, 2), (2, 4), "Die Wohnungsgeberbestätigung musste ich beim Vermieter auf Papier holen.",
     "Der Vermieter sollte die Bestätigung online schicken können."),
    ((3, 4), (2, 4), "Trotz Termin habe ich 25 Minuten gewartet.", "Eine Anzeige, welcher Termin gerade dran ist."),
    ((1, 5), (1, 5), "", ""),
    ((2, 3), (2, 4), "Mir war nicht klar, dass ich die PIN des Ausweises brauche.",
     "Im Terminbestätigungs-Mail auf die PIN hinweisen."),
]
THEMES = [
    ("Wohnungsgeberbestätigung", "Der Weg zur Bestätigung des Vermieters kostet Zeit und Wege."),
    ("Terminvergabe", "Wartezeit auf einen Termin und Wartezeit vor Ort."),
    ("Informationen vorab", "Was man vorher wissen und mitbringen muss."),
]
THEME_OF_STEP = {0: "Terminvergabe", 1: "Wohnungsgeberbestätigung", 2: "Terminvergabe", 4: "Informationen vorab"}
RESIDENTS = ["Lena Hoffmann", "Murat Demir", "Sabine Krüger", "Jonas Becker", "Aylin Yıldız", "Peter Wagner"]
CHANGE_DAYS_AGO = 30


def _residents() -> list:
    user_model = get_user_model()
    people = []
    for index, name in enumerate(RESIDENTS, start=1):
        email = f"ummeldung.{index}@example.org"
        person = user_model.objects.filter(email=email).first()
        if person is None:
            person = user_model.objects.create_user(email, None, display_name=name,
                                                    email_confirmed_at=timezone.now())
        people.append(person)
    return people


def _process(demo: DemoData) -> Process:
    process = Process.objects.filter(municipality=demo.municipality, slug=PROCESS_SLUG).first()
    if process is not None:
        return process
    now = timezone.now().replace(hour=9, minute=0, second=0, microsecond=0)
    process = processes.do_create_process(
        municipality=demo.municipality, actor=demo.staff, slug=PROCESS_SLUG, title="Bürgerbüro gemeinsam verbessern",
        summary="Sie haben sich kürzlich an- oder umgemeldet? Bewerten Sie jeden Schritt und sagen Sie uns, was "
                "besser werden soll.",
        description="Das Bürgerbüro gestaltet seine Leistungen gemeinsam mit den Menschen, die sie nutzen. Wir "
                    "veröffentlichen, was wir ändern, und vergleichen die Bewertungen vorher und nachher.",
        area="ganze Stadt")
    processes.do_set_phases(process=process, actor=demo.staff, phases=[
        processes.PhaseInput(kind=Phase.Kind.DIALOGUE, starts_at=now - timedelta(days=90),
                             ends_at=now + timedelta(days=60), features=("comments", services.FEATURE)),
        processes.PhaseInput(kind=Phase.Kind.EVALUATION, starts_at=now + timedelta(days=60),
                             ends_at=now + timedelta(days=90)),
    ])
    processes.do_publish_process(process=process, actor=demo.staff)
    return process


def seed(demo: DemoData) -> None:
    municipality = demo.municipality
    if Service.objects.filter(municipality=municipality, title=TITLE).exists():
        return
    process = _process(demo)
    service = services.do_create_service(municipality=municipality, actor=demo.staff, values=services.ServiceInput(
        title=TITLE, leika_key=LEIKA_KEY, department="Bürgerbüro, Fachbereich Bürgerdienste", process=process,
        description="Wer nach Musterstadt zieht oder innerhalb der Stadt umzieht, meldet sich innerhalb von zwei "
                    "Wochen beim Bürgerbüro an. So läuft es heute ab – sagen Sie uns, was besser werden soll."))
    steps = [services.do_add_step(service=service, actor=demo.staff, values=services.StepInput(title, text, channel))
             for title, text, channel in STEPS]
    services.do_publish_service(service=service, actor=demo.staff)
    today = timezone.localdate()
    change_day = today - timedelta(days=CHANGE_DAYS_AGO)
    generator = random.Random(14)
    for index, person in enumerate(_residents()):
        after = index >= 3
        used_on = change_day + timedelta(days=generator.randint(3, 20)) if after else \
            change_day - timedelta(days=generator.randint(5, 40))
        ratings = []
        for number, step in enumerate(steps):
            effort, clarity = FEEDBACK[number][1] if after else FEEDBACK[number][0]
            effort = max(1, min(5, effort + generator.choice((-1, 0, 0, 1))))
            clarity = max(1, min(5, clarity + generator.choice((-1, 0, 0, 1))))
            problem, idea = FEEDBACK[number][2], FEEDBACK[number][3]
            talks = (index + number) % 2 == 0 and not (after and number == 1)
            ratings.append(services.StepRating(step, effort, clarity, problem if talks else "",
                                               idea if talks and index % 3 != 2 else ""))
        services.do_rate_steps(service=service, actor=person, ratings=ratings, used_on=used_on)
    services.do_enter_assisted_ratings(
        service=service, actor=demo.staff, channel=Rating.EntryChannel.PHONE, reference="Anruf vom Vormittag",
        used_on=change_day - timedelta(days=10), ratings=[services.StepRating(
            steps[2], 4, 3, "Der Eingang zum Bürgerbüro ist für den Rollator schwer zu finden.",
            "Ein Schild am Markt, das zum barrierefreien Eingang führt.")])
    themes = {title: services.do_create_theme(service=service, actor=demo.staff, title=title, description=text)
              for title, text in THEMES}
    for rating in Rating.objects.filter(service=service).exclude(problem="", idea="").select_related("step"):
        theme = THEME_OF_STEP.get(rating.step.position - 1)
        if theme:
            services.do_assign_theme(rating=rating, actor=demo.staff, theme=themes[theme])
    services.do_publish_change(
        service=service, actor=demo.staff, step=steps[1], theme=themes["Wohnungsgeberbestätigung"],
        title="Wohnungsgeberbestätigung online", changed_on=change_day,
        description="Vermieterinnen und Vermieter können die Wohnungsgeberbestätigung jetzt online ausstellen; "
                    "Sie bringen nur noch die Vorgangsnummer mit.")
