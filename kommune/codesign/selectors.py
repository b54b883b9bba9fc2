"""Reads of the co-design that the pages, the API and the open data share. Aggregates only: who rated what is
never part of them."""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Avg, Count, Q, QuerySet
from django.utils import timezone

from kommune.codesign.models import Change, Rating, Service, Step, Theme
from kommune.core.models import Municipality

MAX_COMPARED_CHANGES = 5


def published_services(municipality: Municipality) -> QuerySet[Service]:
    return (Service.objects.filter(municipality=municipality, is_published=True)
            .select_related("municipality", "process").annotate(step_count=Count("steps")))


def published_service(municipality: Municipality, service_id: int) -> Service | None:
    """One published service with its process, as everyone sees it (None: a draft, or missing)."""
    return (Service.objects.filter(municipality=municipality, is_published=True, pk=service_id)
            .select_related("process").first())


def all_services(municipality: Municipality) -> QuerySet[Service]:
    return (Service.objects.filter(municipality=municipality).select_related("municipality", "process")
            .annotate(step_count=Count("steps")))


def steps(service: Service) -> list[Step]:
    return list(service.steps.select_related("municipality").order_by("position", "id"))


@dataclass
class Stats:
    count: int = 0
    effort: float | None = None
    clarity: float | None = None


@dataclass
class StepSummary:
    step: Step
    stats: Stats
    problems: int = 0
    ideas: int = 0


def step_summaries(service: Service) -> list[StepSummary]:
    """Each step with the number of ratings, the mean effort and clarity, and how many problems and ideas were
    described. Two queries."""
    aggregates = Rating.objects.filter(service=service).values("step_id").annotate(
        count=Count("pk"), effort=Avg("effort"), clarity=Avg("clarity"),
        problems=Count("pk", filter=~Q(problem="")), ideas=Count("pk", filter=~Q(idea=""))).order_by()
    rows: dict[int, dict[str, Any]] = {row["step_id"]: dict(row) for row in aggregates}
    summaries = []
    for step in steps(service):
        row: dict[str, Any] = rows.get(step.pk, {})
        summaries.append(StepSummary(step, Stats(row.get("count", 0), row.get("effort"), row.get("clarity")),
                                     row.get("problems", 0), row.get("ideas", 0)))
    return summaries


def changes(service: Service) -> list[Change]:
    return list(service.changes.select_related("step", "theme").order_by("-changed_on", "-id"))


@dataclass
class StepComparison:
    step: Step
    before: Stats
    after: Stats


@dataclass
class Comparison:
    change: Change
    rows: list[StepComparison] = field(default_factory=list)


def _stats(row: dict[str, Any], change: Change, side: str) -> Stats:
    prefix = f"c{change.pk}_{side}"
    return Stats(row.get(f"{prefix}_count", 0), row.get(f"{prefix}_effort"), row.get(f"{prefix}_clarity"))


def comparisons(service: Service, history: list[Change]) -> list[Comparison]:
    """For each of the latest changes in effect: every step's ratings by people who used the service before the
    day of the change and from that day on. One query, however many steps and changes."""
    today = timezone.localdate()
    compared = [change for change in history if change.changed_on <= today][:MAX_COMPARED_CHANGES]
    if not compared:
        return []
    annotations: dict[str, Any] = {}
    for change in compared:
        for side, condition in (("before", Q(used_on__lt=change.changed_on)),
                                ("after", Q(used_on__gte=change.changed_on))):
            prefix = f"c{change.pk}_{side}"
            annotations[f"{prefix}_count"] = Count("pk", filter=condition)
            annotations[f"{prefix}_effort"] = Avg("effort", filter=condition)
            annotations[f"{prefix}_clarity"] = Avg("clarity", filter=condition)
    rows: dict[int, dict[str, Any]] = {row["step_id"]: dict(row) for row in
                                       Rating.objects.filter(service=service).values("step_id")
                                       .annotate(**annotations).order_by()}
    service_steps = steps(service)
    result = []
    for change in compared:
        comparison = Comparison(change)
        for step in service_steps:
            row = rows.get(step.pk, {})
            comparison.rows.append(StepComparison(step, _stats(row, change, "before"), _stats(row, change, "after")))
        result.append(comparison)
    return result


def themes_with_counts(service: Service) -> list[Theme]:
    return list(service.themes.annotate(
        problem_count=Count("ratings", filter=~Q(ratings__problem="")),
        idea_count=Count("ratings", filter=~Q(ratings__idea=""))).order_by("title", "id"))


def feedback(service: Service, *, theme_id: int | None = None, step_id: int | None = None,
             limit: int = 200) -> list[Rating]:
    """The ratings with a problem or an idea, for staff; newest first."""
    queryset = (Rating.objects.filter(service=service).exclude(problem="", idea="")
                .select_related("step", "theme").order_by("-updated_at", "-id"))
    if theme_id is not None:
        queryset = queryset.filter(theme_id=theme_id)
    if step_id is not None:
        queryset = queryset.filter(step_id=step_id)
    return list(queryset[:limit])


def own_ratings(service: Service, user) -> dict[int, Rating]:
    if not getattr(user, "is_authenticated", False):
        return {}
    return {rating.step_id: rating for rating in Rating.objects.filter(service=service, person=user)}
