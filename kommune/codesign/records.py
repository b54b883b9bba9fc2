"""The record set "codesign-steps": every step of every published service with its aggregated ratings. Without
personal data: no persons, no free texts, only counts and means."""

from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.db.models import Avg, Count, Max, Q
from django.utils.translation import gettext_lazy as _

from kommune.codesign.events import ChangePublished, ServicePublished, ServiceSaved, StepRated
from kommune.codesign.models import Change, Rating, Step
from kommune.core.models import Municipality
from kommune.core.records import Column, register_record_set

KEY = "codesign-steps"

COLUMNS = (
    Column("id", "integer", _("Number of the step on this platform."), required=True),
    Column("service_id", "integer", _("Number of the public service on this platform."), required=True),
    Column("service", "string", _("Name of the public service."), required=True),
    Column("leika_key", "string", _("Leistungsschlüssel of the service in the LeiKa catalogue (14 digits), if "
                                    "known.")),
    Column("position", "integer", _("Position of the step in the journey, from 1."), required=True),
    Column("step", "string", _("Title of the step."), required=True),
    Column("channel", "string", _("How the step is done: online, counter, letter or phone."), required=True),
    Column("rating_count", "integer", _("Number of ratings of the step."), required=True),
    Column("effort_mean", "number", _("Mean effort, 1 (very little) to 5 (very much), rounded to two places; "
                                      "empty without ratings.")),
    Column("clarity_mean", "number", _("Mean clarity, 1 (very unclear) to 5 (very clear), rounded to two places; "
                                       "empty without ratings.")),
    Column("problem_count", "integer", _("Number of ratings that describe a problem."), required=True),
    Column("idea_count", "integer", _("Number of ratings that suggest an idea."), required=True),
    Column("change_count", "integer", _("Number of published changes to this step."), required=True),
    Column("last_change_on", "date", _("Day the latest change to this step took effect, if any.")),
    Column("url", "string", _("Address of the step on this platform."), required=True),
)


def _mean(value: float | None) -> float | None:
    return None if value is None else round(float(value), 2)


def rows(municipality: Municipality) -> Iterator[dict[str, Any]]:
    """Three queries: the steps, the ratings' aggregates and the changes' aggregates."""
    rating_rows = (Rating.objects.filter(municipality=municipality).values("step_id")
                   .annotate(count=Count("pk"), effort=Avg("effort"), clarity=Avg("clarity"),
                             problems=Count("pk", filter=~Q(problem="")), ideas=Count("pk", filter=~Q(idea="")))
                   .order_by())
    ratings: dict[int, dict[str, Any]] = {row["step_id"]: dict(row) for row in rating_rows}
    change_rows = (Change.objects.filter(municipality=municipality, step__isnull=False).values("step_id")
                   .annotate(count=Count("pk"), last=Max("changed_on")).order_by())
    changes: dict[int, dict[str, Any]] = {row["step_id"]: dict(row) for row in change_rows}
    site = settings.SITE_URL.rstrip("/")
    steps = (Step.objects.filter(municipality=municipality, service__is_published=True)
             .select_related("service", "municipality").order_by("service_id", "position", "id"))
    for step in steps.iterator(chunk_size=500):
        rating = ratings.get(step.pk, {})
        change = changes.get(step.pk, {})
        yield {
            "id": step.pk, "service_id": step.service_id, "service": step.service.title,
            "leika_key": step.service.leika_key, "position": step.position, "step": step.title,
            "channel": step.channel, "rating_count": rating.get("count", 0),
            "effort_mean": _mean(rating.get("effort")), "clarity_mean": _mean(rating.get("clarity")),
            "problem_count": rating.get("problems", 0), "idea_count": rating.get("ideas", 0),
            "change_count": change.get("count", 0), "last_change_on": change.get("last"),
            "url": site + step.get_absolute_url(),
        }


def register() -> None:
    register_record_set(
        key=KEY, title=_("Service steps"),  # short: the German title names the dataset's folder
        description=_("The steps of the administrative services that residents rated, with the number of ratings, "
                      "the mean effort and clarity, the number of problems and ideas, and the changes the "
                      "municipality made. Without personal data."),
        columns=COLUMNS, rows=rows, changed_by=(ServicePublished, ServiceSaved, StepRated, ChangePublished),
        themes=("GOVE",), keywords=("Verwaltungsleistung", "Co-Design", "LeiKa", "Bürgerbeteiligung"),
    )
