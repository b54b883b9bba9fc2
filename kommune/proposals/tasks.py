"""Background work of citizen proposals, run by the task worker (`python manage.py db_worker`)."""

from django.tasks import task

from kommune.proposals import services


@task()
def expire_due_proposals() -> int:
    """Expire the proposals whose collection ended without reaching the threshold; enqueued by
    `manage.py expire_proposals` (run it from cron, e.g. every hour)."""
    return services.do_expire_due_proposals()
