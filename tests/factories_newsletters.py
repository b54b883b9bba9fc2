"""Newsletters for the tests and the route and axe walks: a sent issue and a draft, a confirmed subscriber (with
its unsubscribe link) and a pending one (with its confirmation link). Rows written directly, without mail."""

from types import SimpleNamespace

from django.utils import timezone

from kommune.newsletters.models import Delivery, District, Newsletter, Subscriber
from kommune.newsletters.tokens import confirm_token, new_secret, unsubscribe_token


def subscriber(municipality, email: str, *, status=Subscriber.Status.CONFIRMED, **extra) -> Subscriber:
    return Subscriber.objects.create(municipality=municipality, email=email, status=status, secret=new_secret(),
                                     confirmed_at=timezone.now() if status == Subscriber.Status.CONFIRMED else None,
                                     **extra)


def newsletter_world(municipality):
    district = District.objects.create(municipality=municipality, name=f"Altstadt {municipality.slug}")
    sent = Newsletter.objects.create(
        municipality=municipality, title="Neues aus der Stadt", intro="Was im Herbst ansteht.",
        body="## Marktplatz\n\nDie **Befragung** läuft.", body_html="<h2>Marktplatz</h2><p>Die Befragung läuft.</p>",
        status=Newsletter.Status.SENT, sent_at=timezone.now(), recipient_count=1, sent_count=1,
        block_snapshot=[{"kind": "events", "label": "Termine", "items": [
            {"title": "Smartphone-Sprechstunde", "url": "/x/", "date": timezone.now().isoformat(),
             "summary": "Stadtbibliothek"}]}])
    draft = Newsletter.objects.create(municipality=municipality, title="Entwurf Winter", body="Noch offen.",
                                      body_html="<p>Noch offen.</p>")
    confirmed = subscriber(municipality, f"leserin@{municipality.slug}.example.org")
    pending = subscriber(municipality, f"neu@{municipality.slug}.example.org", status=Subscriber.Status.PENDING)
    Delivery.objects.create(municipality=municipality, newsletter=sent, subscriber=confirmed,
                            status=Delivery.Status.SENT, sent_at=timezone.now())
    return SimpleNamespace(newsletter_id=sent.pk, draft_id=draft.pk, district_id=district.pk,
                           unsubscribe_token=unsubscribe_token(confirmed), confirm_token=confirm_token(pending))
