"""Background work of impact models, run by the task worker (`python manage.py db_worker`)."""

from django.tasks import task

from kommune.impact import services


@task()
def snapshot_indicators(months: int = services.SNAPSHOT_MONTHS) -> int:
    """Store the monthly values of every measured indicator; enqueued by `manage.py snapshot_indicators` (run it
    from cron, e.g. nightly)."""
    return services.do_snapshot_all(months=months)
