"""A demo participation process for `seed_demo`: Musterstadt asks about its market square. The information phase
is over, the dialogue with comments runs now, the evaluation follows; with a news item and a short discussion.

Written through the services. Idempotent: nothing is written when the process exists.
"""

from datetime import timedelta

from django.utils import timezone

from kommune.core.comments.services import do_post_comment
from kommune.core.demo import DemoData, neighbour_places
from kommune.core.processes import services
from kommune.core.processes.models import Phase, Process

SLUG = "marktplatz"
DESCRIPTION = """Der Marktplatz soll 2027 neu gestaltet werden. Bevor das Planungsbüro Entwürfe zeichnet, möchten wir
wissen, wie Sie den Platz nutzen und was Ihnen fehlt.

## So läuft die Beteiligung
- **Information:** Wir haben die Ausgangslage und die Rahmenbedingungen vorgestellt.
- **Dialog:** Bis Mitte Dezember können Sie hier kommentieren.
- **Auswertung:** Das Stadtplanungsamt wertet alle Beiträge aus und berichtet hier, was daraus wird."""


# One running process in each of the other demo municipalities: (title, summary, description, area, comment).
NEIGHBOUR_PROCESSES = {
    "landkreis-beispielkreis": (
        "Nahverkehrsplan 2027 bis 2031",
        "Welche Busverbindungen brauchen Sie im Kreis? Ihre Hinweise fließen in den neuen Nahverkehrsplan ein.",
        "Der Kreistag beschließt 2027 einen neuen Nahverkehrsplan. Er legt fest, welche Orte wie oft mit Bus und "
        "Rufbus erreichbar sind.\n\nSagen Sie uns, wo Verbindungen fehlen, wo Umstiege nicht klappen und wann Sie "
        "fahren würden, wenn es einen Bus gäbe. Die Fachstelle Nahverkehr wertet alle Hinweise aus und stellt das "
        "Ergebnis im Kreistag vor.",
        "ganzer Kreis",
        "Von Erlenbrück fährt nach 18 Uhr kein Bus mehr nach Birkenhagen. Für Schichtarbeit geht das nicht."),
    "birkenhagen": (
        "Spielplätze in Birkenhagen",
        "Welche Spielplätze nutzen Ihre Kinder, und was fehlt dort? Wir erneuern bis 2028 vier Spielplätze.",
        "Die Stadt erneuert bis 2028 die Spielplätze am Mühlenteich, im Wiesengrund, an der Schulstraße und am "
        "Stadtwald. Bevor wir planen, fragen wir Kinder, Eltern und Großeltern.\n\nSchreiben Sie uns, welche "
        "Spielgeräte fehlen, wo es Schatten braucht und was Ihnen den Weg zum Spielplatz schwer macht.",
        "Stadtgebiet",
        "Am Mühlenteich fehlt eine Schaukel für kleine Kinder und eine Bank im Schatten für die Eltern."),
    "ahornfeld": (
        "Dorfentwicklung Ahornfeld 2035",
        "Wie soll Ahornfeld 2035 aussehen? Ihre Ideen für Ortsmitte, Vereine und Nahversorgung.",
        "Mit dem Dorfentwicklungsprogramm des Landes kann Ahornfeld Geld für die Ortsmitte, Treffpunkte und die "
        "Nahversorgung beantragen. Der Antrag braucht Ideen aus dem Dorf.\n\nDer Gemeinderat sammelt hier bis "
        "zum Frühjahr Vorschläge und lädt danach zu einer Dorfwerkstatt ins Gemeindehaus ein.",
        "Ortsmitte",
        "Der alte Bahnhof steht leer. Dort könnten ein Dorfladen und ein Café für alle Generationen entstehen."),
    "erlenbrueck": (
        "Neue Nutzung für die alte Schule",
        "Die alte Schule Am Anger steht seit dem Sommer leer. Was soll aus ihr werden?",
        "Seit die Grundschule in den Neubau gezogen ist, steht das Schulhaus Am Anger leer. Die Gemeinde möchte es "
        "erhalten und sucht eine Nutzung, die dem Ort dient.\n\nIdeen aus der Einwohnerversammlung waren ein "
        "Treffpunkt für Vereine, Räume für eine Tagespflege und Wohnungen für ältere Menschen. Was meinen Sie?",
        "Am Anger",
        "Ein Raum für die Jugendfeuerwehr und den Chor wäre gut, beide proben heute in Wohnzimmern."),
}


def seed_process(demo: DemoData) -> None:
    seed_neighbour_processes()
    municipality = demo.municipality
    if Process.objects.filter(municipality=municipality, slug=SLUG).exists():
        return
    now = timezone.now().replace(hour=9, minute=0, second=0, microsecond=0)
    process = services.do_create_process(
        municipality=municipality, actor=demo.staff, slug=SLUG, title="Neugestaltung des Marktplatzes",
        summary="Wie soll der Marktplatz künftig aussehen? Sagen Sie uns, was Ihnen wichtig ist.",
        description=DESCRIPTION, area="Altstadt")
    services.do_set_phases(process=process, actor=demo.staff, phases=[
        services.PhaseInput(kind=Phase.Kind.INFORMATION, starts_at=now - timedelta(days=30),
                            ends_at=now - timedelta(days=10)),
        services.PhaseInput(kind=Phase.Kind.DIALOGUE, starts_at=now - timedelta(days=10),
                            ends_at=now + timedelta(days=21), features=("comments",)),
        services.PhaseInput(kind=Phase.Kind.EVALUATION, starts_at=now + timedelta(days=21),
                            ends_at=now + timedelta(days=60)),
    ])
    services.do_publish_process(process=process, actor=demo.staff)
    services.do_publish_news(process=process, actor=demo.staff, title="Die Dialogphase hat begonnen",
                             text="Vielen Dank an alle, die zur Informationsveranstaltung gekommen sind. "
                                  "Ab heute können Sie hier Ihre Ideen und Hinweise hinterlassen.")
    question = do_post_comment(actor=demo.resident, target=process,
                               text="Bitte mehr Schatten: Im Sommer ist der Platz mittags kaum auszuhalten. "
                                    "Bäume statt Sonnenschirme wären schön.")
    do_post_comment(actor=demo.staff, target=process, parent=question,
                    text="Danke für den Hinweis! Bäume sind möglich, soweit die Leitungen unter dem Platz es "
                         "zulassen. Das prüft das Planungsbüro.")
    do_post_comment(actor=demo.partner, target=process,
                    text="Der Wochenmarkt braucht weiter Strom- und Wasseranschlüsse an den Ständen.")


def seed_neighbour_processes() -> None:
    for place in neighbour_places():
        title, summary, description, area, comment = NEIGHBOUR_PROCESSES[place.municipality.slug]
        if Process.objects.filter(municipality=place.municipality, title=title).exists():
            continue
        now = timezone.now().replace(hour=9, minute=0, second=0, microsecond=0)
        process = services.do_create_process(municipality=place.municipality, actor=place.staff, title=title,
                                             summary=summary, description=description, area=area)
        services.do_set_phases(process=process, actor=place.staff, phases=[
            services.PhaseInput(kind=Phase.Kind.DIALOGUE, starts_at=now - timedelta(days=5),
                                ends_at=now + timedelta(days=40), features=("comments",)),
            services.PhaseInput(kind=Phase.Kind.EVALUATION, starts_at=now + timedelta(days=40),
                                ends_at=now + timedelta(days=90)),
        ])
        services.do_publish_process(process=process, actor=place.staff)
        do_post_comment(actor=place.resident, target=process, text=comment)
