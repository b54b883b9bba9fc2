"""Background work of the participation records, run by the task worker (`python manage.py db_worker`)."""

from django.tasks import task

from kommune.core.models import Municipality
from kommune.opendata.records import services


@task()
def publish_records(municipality_slugs: list[str] | None = None, force: bool = False) -> int:
    """Build and publish the due record sets (all with ``force``) of these municipalities (None: all); enqueued
    once a day by `manage.py publish_records --all --enqueue`. Returns the number of sets built."""
    municipalities = None
    if municipality_slugs is not None:
        municipalities = list(Municipality.objects.filter(slug__in=municipality_slugs).order_by("slug"))
    outcomes = services.do_publish_due_record_sets(municipalities=municipalities, force=force)
    return sum(1 for outcome in outcomes if not outcome.error)
