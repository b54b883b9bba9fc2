"""Background work of notifications, run by the task worker (`python manage.py db_worker`), never in a request."""

from django.tasks import task

from kommune.core.notifications import services


@task()
def send_immediate_emails(notification_ids: list[int]) -> int:
    """E-mail these notifications to those of their recipients who want every notification right away."""
    return services.do_send_immediate_emails(notification_ids=notification_ids)


@task()
def send_daily_digests() -> int:
    """One digest per person who chose the daily e-mail; enqueued once a day by `manage.py send_digests`."""
    return services.do_send_daily_digests()
