"""Background work of the newsletters, run by the task worker (`python manage.py db_worker`), never in a request."""

from django.tasks import task

from kommune.newsletters import sending


@task()
def send_batch(newsletter_id: int, delivery_ids: list[int]) -> int:
    """Mail one batch of an issue (at most services.BATCH_SIZE); safe to run twice."""
    return sending.do_send_batch(newsletter_id=newsletter_id, delivery_ids=delivery_ids)


@task()
def send_confirmation(subscriber_id: int) -> bool:
    """Mail the confirmation link (double opt-in) to a pending subscriber."""
    from kommune.newsletters.mails import confirmation_message
    from kommune.newsletters.models import Subscriber

    subscriber = Subscriber.objects.select_related("municipality").filter(
        pk=subscriber_id, status=Subscriber.Status.PENDING).first()
    if subscriber is None:
        return False
    confirmation_message(subscriber).send()
    return True
