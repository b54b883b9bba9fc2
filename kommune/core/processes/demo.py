"""A demo participation process for `seed_demo`: Musterstadt asks about its market square. The information phase
is over, the dialogue with comments runs now, the evaluation follows; with a news item and a short discussion.

Written through the services. Idempotent: nothing is written when the process exists.
"""

from datetime import timedelta

from django.utils import timezone

from kommune.core.comments.services import do_post_comment
from kommune.core.demo import DemoData
from kommune.core.processes import services
from kommune.core.processes.models import Phase, Process

SLUG = "marktplatz"
DESCRIPTION = """Der Marktplatz soll 2027 neu gestaltet werden. Bevor das Planungsbüro Entwürfe zeichnet, möchten wir
wissen, wie Sie den Platz nutzen und was Ihnen fehlt.

## So läuft die Beteiligung
- **Information:** Wir haben die Ausgangslage und die Rahmenbedingungen vorgestellt.
- **Dialog:** Bis Mitte Dezember können Sie hier kommentieren.
- **Auswertung:** Das Stadtplanungsamt wertet alle Beiträge aus und berichtet hier, was daraus wird."""


def seed_process(demo: DemoData) -> None:
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
