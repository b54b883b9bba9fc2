"""Demo data of the newsletters for `seed_demo`: in Musterstadt three districts, five confirmed subscribers
(example.org addresses, without accounts), one sent issue (with its deliveries) and one draft.

Idempotent: districts and subscribers are keyed on their name and address, the issues on their subject. The sent
issue is sent through the service, whose batches then mail the demo subscribers once (console backend)."""

from django.utils import timezone

from kommune.core.demo import DemoData
from kommune.newsletters import services
from kommune.newsletters.models import District, Newsletter, Subscriber

DISTRICTS = ("Altstadt", "Nordviertel", "Südpark")
SUBSCRIBERS = (
    ("erna.albers@example.org", ("Altstadt",)),
    ("hans.becker@example.org", ()),
    ("familie.yilmaz@example.org", ("Nordviertel",)),
    ("k.schulze@example.org", ("Südpark",)),
    ("seniorenbeirat@example.org", ()),
)
SENT_TITLE = "Neues aus Musterstadt: Herbst 2026"
SENT_BODY = """Liebe Musterstädterinnen und Musterstädter,

der Herbst bringt viel Gelegenheit zum **Mitreden**: Die Planung für den Marktplatz geht in die nächste Runde,
und die Digitalambulanzen bieten wieder Kurse zum Smartphone und zum Online-Banking an.

## Was gerade ansteht

- Die Bürgerbefragung zum Marktplatz läuft noch bis Monatsende.
- In der Stadtbibliothek gibt es jeden Dienstag eine offene Sprechstunde.

Wer keine E-Mail hat, findet diesen Newsletter auch ausgedruckt im Bürgerbüro.

Ihre Stadtverwaltung Musterstadt
"""
DRAFT_TITLE = "Neues aus Musterstadt: Winter 2026"
DRAFT_BODY = """Liebe Musterstädterinnen und Musterstädter,

bevor das Jahr endet, möchten wir Ihnen zeigen, was aus Ihren Vorschlägen geworden ist.

*Entwurf – bitte noch ergänzen.*
"""
BLOCKS = ("events", "processes", "proposals")


def seed_newsletters(data: DemoData) -> None:
    municipality = data.municipality
    districts = {name: District.objects.get_or_create(municipality=municipality, name=name)[0] for name in DISTRICTS}
    for email, chosen in SUBSCRIBERS:
        if Subscriber.objects.filter(municipality=municipality, email=email).exists():
            continue
        subscriber = services.do_subscribe(municipality=municipality, email=email,
                                           districts=[districts[name] for name in chosen])
        services.do_confirm_subscription(subscriber=subscriber)
    blocks = [kind for kind in BLOCKS if services.block_for(kind) is not None]
    if not Newsletter.objects.filter(municipality=municipality, title=SENT_TITLE).exists():
        issue = services.do_save_newsletter(
            municipality=municipality, actor=data.staff, title=SENT_TITLE, body=SENT_BODY, blocks=blocks,
            intro="Marktplatz, Smartphone-Kurse und neue Vorschläge: was im Herbst in Musterstadt ansteht.")
        services.do_send_newsletter(newsletter=issue, actor=data.staff, now=timezone.now())
    if not Newsletter.objects.filter(municipality=municipality, title=DRAFT_TITLE).exists():
        services.do_save_newsletter(municipality=municipality, actor=data.staff, title=DRAFT_TITLE, body=DRAFT_BODY,
                                    blocks=blocks, intro="Was aus Ihren Vorschlägen geworden ist.")
