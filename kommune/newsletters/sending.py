"""Mailing one batch of a newsletter (the body of the task ``tasks.send_batch``): each delivery is claimed
(pending → sent) with a conditional UPDATE before its mail goes out, so a retried or doubled batch task mails
nobody twice; a send that fails marks its delivery failed, with the error, and is counted, never retried."""

from collections.abc import Sequence

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from kommune.newsletters.mails import newsletter_message
from kommune.newsletters.models import Delivery, Newsletter


def do_send_batch(*, newsletter_id: int, delivery_ids: Sequence[int]) -> int:
    """Mail one batch. Each delivery is claimed (pending → sent) before its mail goes out; a delivery already
    claimed by an earlier run of this batch is skipped. Returns the number of mails sent by this run."""
    newsletter = Newsletter.objects.select_related("municipality").filter(pk=newsletter_id, status="sent").first()
    if newsletter is None:
        return 0
    deliveries = (Delivery.objects.filter(pk__in=list(delivery_ids), newsletter=newsletter,
                                          status=Delivery.Status.PENDING, subscriber__isnull=False)
                  .select_related("subscriber").order_by("pk"))
    sent = 0
    for delivery in deliveries:
        subscriber = delivery.subscriber
        assert subscriber is not None
        with transaction.atomic():
            claimed = Delivery.objects.filter(pk=delivery.pk, status=Delivery.Status.PENDING).update(
                status=Delivery.Status.SENT, sent_at=timezone.now())
            if not claimed:
                continue
            Newsletter.objects.filter(pk=newsletter.pk).update(sent_count=F("sent_count") + 1)
        if not subscriber.is_confirmed:  # disabled or unconfirmed since the issue was sent
            _mark_failed(delivery, newsletter, _("The address was disabled before the mail went out."))
            continue
        try:
            newsletter_message(newsletter, subscriber).send()
        except Exception as error:  # the mail server refused: counted, never retried into a double mail
            _mark_failed(delivery, newsletter, str(error))
            continue
        sent += 1
    return sent


def _mark_failed(delivery: Delivery, newsletter: Newsletter, error: str) -> None:
    with transaction.atomic():
        Delivery.objects.filter(pk=delivery.pk).update(status=Delivery.Status.FAILED, error=error[:300])
        Newsletter.objects.filter(pk=newsletter.pk).update(sent_count=F("sent_count") - 1,
                                                           failed_count=F("failed_count") + 1)
