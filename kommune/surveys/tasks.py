"""Background work of opinion maps, run by the task worker (`python manage.py db_worker`)."""

from django.tasks import task

from kommune.surveys import services
from kommune.surveys.models import OpinionMap


@task()
def compute_opinion_map(opinion_map_id: int) -> int | None:
    """Compute the groups of one opinion map; enqueued by the staff's button and by `manage.py
    compute_opinion_maps` (run it from cron, e.g. every ten minutes). Returns the number of groups."""
    opinion_map = OpinionMap.objects.filter(pk=opinion_map_id).select_related("municipality", "process").first()
    if opinion_map is None:
        return None
    return services.do_compute_opinion_map(opinion_map=opinion_map).get("k")
