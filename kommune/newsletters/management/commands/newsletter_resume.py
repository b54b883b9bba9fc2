"""Enqueue the batches of sent newsletters whose deliveries are still pending (after a crash of the worker, or
when the queue was lost): `manage.py newsletter_resume`. A delivery is claimed before it is mailed, so running
this while the original batches still run mails nobody twice."""

from django.core.management.base import BaseCommand

from kommune.newsletters import services
from kommune.newsletters.models import Delivery


class Command(BaseCommand):
    help = "Enqueue the batches of newsletters with pending deliveries."

    def handle(self, *args, **options) -> None:
        newsletter_ids = sorted(set(Delivery.objects.filter(status=Delivery.Status.PENDING)
                                    .values_list("newsletter_id", flat=True)))
        batches = sum(services.enqueue_batches(newsletter_id) for newsletter_id in newsletter_ids)
        self.stdout.write(f"{batches} batches of {len(newsletter_ids)} newsletters enqueued.")
