"""Demo consultations for `seed_demo`: Musterstadt consults on a draft statute on the use of its playgrounds (the
comment period runs, with comments on paragraphs and passages), and has finished a consultation on its guidelines
for citizen participation (Leitbild Bürgerbeteiligung) with a published consideration table and a second version
whose changes are linked to the comments that caused them.

Written through the services. Idempotent: nothing is written when the processes exist.
"""

from datetime import timedelta
from pathlib import Path

from django.utils import timezone

from kommune.consultations import services
from kommune.consultations.documents import read_markdown
from kommune.consultations.models import Answer, Consultation, Paragraph
from kommune.consultations.selectors import changes_of, current_version
from kommune.core.comments.services import do_post_assisted_comment
from kommune.core.demo import DemoData
from kommune.core.processes import services as process_services
from kommune.core.processes.models import Phase, Process

TEXTS = Path(__file__).parent / "demo_texts"
PLAYGROUNDS = "spielplatzsatzung"
GUIDELINES = "leitbild-buergerbeteiligung"

# (paragraph starts with, passage or "", comment, author index)
PLAYGROUND_COMMENTS = [
    ("(1) Die Spielplätze dürfen zu folgenden", "", "Im Sommer ist es bis 21 Uhr hell. Warum sollen Kinder um 20 Uhr "
     "nach Hause, wenn niemand in der Nähe wohnt?", 0),
    ("alkoholische Getränke und andere", "zu rauchen, auch elektronische Zigaretten",
     "Sehr gut, dass E-Zigaretten ausdrücklich genannt werden. Die Kippen im Sand sind ein echtes Problem.", 1),
    ("(1) Hunde und andere Tiere dürfen", "", "Können Hunde nicht an der kurzen Leine auf den Wegen erlaubt werden? "
     "Wer mit Kind und Hund spazieren geht, muss sonst draußen warten.", 2),
    ("(4) Jeder Spielplatz soll eine Spielplatzpatin", "erhalten eine Einweisung",
     "Bitte auch eine Haftpflichtversicherung für die Patinnen und Paten, sonst traut sich niemand.", 3),
    ("(2) Die Stadt gestaltet die Spielplätze so", "mindestens ein Spielgerät barrierefrei",
     "Ein Gerät ist zu wenig. Auch die Wege zum Gerät und eine Sitzgelegenheit müssen barrierefrei sein.", 4),
    ("(2) Die Ordnungswidrigkeit kann mit einer Geldbuße", "bis zu 1.000 Euro",
     "1.000 Euro für Rauchen auf dem Spielplatz finde ich angemessen, in anderen Städten sind es 500.", 0),
]

GUIDELINE_COMMENTS = [
    ("Wir beteiligen, solange", "", "Bitte konkreter: Wie viele Wochen vor einer Entscheidung beginnt die "
     "Beteiligung mindestens?", 1),
    ("Wir gehen auf Menschen zu", "Menschen, die wenig Deutsch sprechen",
     "Dafür braucht es Übersetzungen der wichtigsten Unterlagen, mindestens ins Englische, Türkische und "
     "Arabische.", 2),
    ("Einwohnerinnen und Einwohner können eine Beteiligung", "Unterstützen 200 Personen",
     "200 Unterstützungen sind für eine Stadt unserer Größe zu viel. 100 würden reichen.", 3),
    ("Ein Beirat aus zwölf Mitgliedern", "", "Gut, dass gelost wird. Bitte auch Jugendliche ab 14 Jahren in das Los "
     "aufnehmen.", 4),
    ("Wir werten jeden Beitrag aus", "", "Das ist der wichtigste Satz des Leitbilds. Bitte auch sagen, bis wann "
     "geantwortet wird.", 0),
]


# Who wrote: the demo resident and the partner online; the others by letter, phone or at the information evening,
# entered by staff (assisted participation) under the name they chose.
OFFLINE = [("letter", "Familie Özdemir"), ("phone", "Jonas K."), ("event", "Spielplatzpatin Erika")]


def _people(demo: DemoData) -> list:
    return [demo.resident, demo.partner, *OFFLINE]


def _paragraph(consultation: Consultation, starts_with: str) -> Paragraph:
    version = current_version(consultation)
    assert version is not None
    return next(p for p in version.paragraphs.order_by("position") if p.text.startswith(starts_with))


def _comment_all(consultation: Consultation, comments, people, staff) -> list:
    posted = []
    for starts_with, passage, text, author in comments:
        paragraph = _paragraph(consultation, starts_with)
        person = people[author % len(people)]
        if isinstance(person, tuple):
            posted.append(services.do_comment_on_paragraph(actor=staff, paragraph=paragraph, text=text, quote=passage,
                                                           channel=person[0], assisted_name=person[1]))
        else:
            posted.append(services.do_comment_on_paragraph(actor=person, paragraph=paragraph, text=text,
                                                           quote=passage))
    return posted


def _process(demo: DemoData, slug: str, title: str, summary: str, phases) -> Process:
    process = process_services.do_create_process(municipality=demo.municipality, actor=demo.staff, slug=slug,
                                                 title=title, summary=summary, description="", area="Stadtgebiet")
    process_services.do_set_phases(process=process, actor=demo.staff, phases=phases)
    process_services.do_publish_process(process=process, actor=demo.staff)
    return process


def seed_consultations(demo: DemoData) -> None:
    if Process.objects.filter(municipality=demo.municipality, slug__in=[PLAYGROUNDS, GUIDELINES]).exists():
        return
    now = timezone.now().replace(second=0, microsecond=0)
    people = _people(demo)
    Input = process_services.PhaseInput

    # A running consultation on a draft statute.
    process = _process(demo, PLAYGROUNDS, "Satzung über die Benutzung der öffentlichen Spielplätze",
                       "Die Spielplatzsatzung von 1998 wird erneuert. Lesen Sie den Entwurf und sagen Sie uns, was "
                       "Sie ändern würden.", [
                           Input(kind=Phase.Kind.DIALOGUE, starts_at=now - timedelta(days=7),
                                 ends_at=now + timedelta(days=14), features=(services.FEATURE, "comments")),
                           Input(kind=Phase.Kind.EVALUATION, starts_at=now + timedelta(days=14),
                                 ends_at=now + timedelta(days=45)),
                       ])
    phase = process.phases.get(kind=Phase.Kind.DIALOGUE)
    consultation = services.do_create_consultation(
        actor=demo.staff, phase=phase, title="Entwurf: Satzung über die Benutzung der öffentlichen Spielplätze",
        summary="Der Entwurf der neuen Spielplatzsatzung, Paragraf für Paragraf zum Kommentieren.",
        opens_at=now - timedelta(days=7), closes_at=now + timedelta(days=14),
        blocks=read_markdown((TEXTS / "spielplatzsatzung.md").read_text(encoding="utf-8")),
        source_name="spielplatzsatzung-entwurf.md", publish_now=True)
    _comment_all(consultation, PLAYGROUND_COMMENTS, people, demo.staff)
    do_post_assisted_comment(staff=demo.staff, target=_paragraph(consultation, "(1) Die Spielplätze dürfen von"),
                             text="Auch Kinder bis 16 sollten die Spielplätze nutzen dürfen, viele Geräte sind für "
                             "Ältere gemacht.", channel="letter", assisted_name="Herr B. aus der Nordstadt")

    # A finished consultation with its published consideration table and a second version.
    process = _process(demo, GUIDELINES, "Leitbild Bürgerbeteiligung",
                       "Wie beteiligt Musterstadt künftig? Das Leitbild wurde öffentlich diskutiert; hier steht, "
                       "was aus jedem Hinweis wurde.", [
                           Input(kind=Phase.Kind.DIALOGUE, starts_at=now - timedelta(days=60),
                                 ends_at=now - timedelta(days=21), features=(services.FEATURE,)),
                           Input(kind=Phase.Kind.EVALUATION, starts_at=now - timedelta(days=21),
                                 ends_at=now + timedelta(days=30)),
                       ])
    phase = process.phases.get(kind=Phase.Kind.DIALOGUE)
    source = (TEXTS / "leitbild.md").read_text(encoding="utf-8")
    consultation = services.do_create_consultation(
        actor=demo.staff, phase=phase, title="Leitbild Bürgerbeteiligung Musterstadt",
        summary="Das Leitbild legt fest, wann und wie die Stadt ihre Einwohnerinnen und Einwohner beteiligt.",
        opens_at=now - timedelta(days=60), closes_at=now + timedelta(minutes=5), blocks=read_markdown(source),
        source_name="leitbild-entwurf.docx", publish_now=True)
    posted = _comment_all(consultation, GUIDELINE_COMMENTS, people, demo.staff)
    services.do_update_consultation(actor=demo.staff, consultation=consultation, title=consultation.title,
                                    summary=consultation.summary, opens_at=now - timedelta(days=60),
                                    closes_at=now - timedelta(days=21), is_published=True)
    D = Answer.Disposition
    services.do_answer_comments(actor=demo.staff, consultation=consultation, comment_ids=[posted[0].pk, posted[4].pk],
                                disposition=D.TAKEN_UP, text="Das Leitbild nennt jetzt Fristen: Die Beteiligung "
                                "beginnt mindestens sechs Wochen vor der Entscheidung, und die Stadt antwortet "
                                "spätestens drei Monate nach dem Ende eines Verfahrens auf alle Beiträge.")
    services.do_answer_comments(actor=demo.staff, consultation=consultation, comment_ids=[posted[1].pk],
                                disposition=D.PARTLY, text="Die Zusammenfassungen werden in einfacher Sprache und "
                                "auf Englisch, Türkisch und Arabisch veröffentlicht. Vollständige Übersetzungen aller "
                                "Unterlagen sind mit den vorhandenen Mitteln nicht möglich.")
    services.do_answer_comments(actor=demo.staff, consultation=consultation, comment_ids=[posted[2].pk],
                                disposition=D.NOT_TAKEN_UP, text="Die Zahl von 200 Unterstützungen entspricht etwa "
                                "0,5 Prozent der Einwohnerschaft und ist in vergleichbaren Städten üblich. Der Beirat "
                                "prüft die Schwelle nach zwei Jahren.")
    services.do_answer_comments(actor=demo.staff, consultation=consultation, comment_ids=[posted[3].pk],
                                disposition=D.NOTED, text="Die Zusammensetzung des Beirats regelt die "
                                "Geschäftsordnung; "
                                "der Hinweis wird an den Rat weitergegeben, der sie beschließt.")
    services.do_publish_considerations(actor=demo.staff, consultation=consultation)
    revised = (source.replace("Wir beteiligen, solange noch etwas zu entscheiden ist.",
                              "Wir beteiligen, solange noch etwas zu entscheiden ist, und mindestens sechs Wochen vor "
                              "der Entscheidung.")
               .replace("was wir übernehmen, was nicht, und warum.",
                        "was wir übernehmen, was nicht, und warum, spätestens drei Monate nach dem Ende eines "
                        "Verfahrens.")
               .replace("Menschen, die wenig Deutsch sprechen.", "Menschen, die wenig Deutsch sprechen. "
                        "Zusammenfassungen gibt es in einfacher Sprache, auf Englisch, Türkisch und Arabisch."))
    version = services.do_add_version(actor=demo.staff, consultation=consultation, blocks=read_markdown(revised),
                                      note="Fristen und Übersetzungen nach der Beteiligung ergänzt.",
                                      source_name="leitbild-fassung-2.md")
    reasons = {"mindestens sechs Wochen": [posted[0].pk], "drei Monate": [posted[4].pk],
               "Türkisch": [posted[1].pk]}
    for change in changes_of(version):
        text = getattr(change.new, "text", "")
        for needle, ids in reasons.items():
            if needle in text:
                services.do_link_change(actor=demo.staff, version=version, change_key=change.key, comment_ids=ids)
