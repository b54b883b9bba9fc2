"""Reads of participation processes shared by the pages, the feeds and (later) the API."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Prefetch, QuerySet

from kommune.core.access import get_for_tenant
from kommune.core.cursor import KeysetPage, keyset_page
from kommune.core.models import Municipality
from kommune.core.processes import features
from kommune.core.processes.models import Phase, Process, ProcessNews, Topic
from kommune.core.processes.timing import PhaseState, phase_state, process_state, state_filter

PAGE_SIZE = 20
FEED_SIZE = 50
LATEST_NEWS = 5


def published_processes(municipality: Municipality) -> QuerySet[Process]:
    # A published process always has phases (the services see to it), so starts_at is set.
    return Process.objects.filter(municipality=municipality, is_published=True, starts_at__isnull=False)


def published_process_or_404(municipality: Municipality, slug: str) -> Process:
    """A published process of ``municipality`` (another municipality's is a 404, like a missing one)."""
    return get_for_tenant(Process.objects.filter(is_published=True).select_related("municipality"), municipality,
                          slug=slug)


def process_list_page(municipality: Municipality, *, now: datetime, state: PhaseState | None = None,
                      topic: Topic | None = None, cursor: str | None = None) -> KeysetPage:
    """One page of the public list, newest start first; raises cursor.InvalidCursor for a bad cursor."""
    queryset = (published_processes(municipality).select_related("municipality", "organisation", "topic")
                .prefetch_related(Prefetch("phases", Phase.objects.order_by("starts_at", "id"))))
    if state is not None:
        queryset = queryset.filter(state_filter(state, now))
    if topic is not None:
        queryset = queryset.filter(topic=topic)
    return keyset_page(queryset, field="starts_at", cursor=cursor, size=PAGE_SIZE)


def state_counts(municipality: Municipality, *, now: datetime, topic: Topic | None = None) -> dict[PhaseState, int]:
    """How many published processes are upcoming, running and finished, in one query."""
    queryset = published_processes(municipality)
    if topic is not None:
        queryset = queryset.filter(topic=topic)
    counts = queryset.aggregate(**{state.value: Count("pk", filter=state_filter(state, now)) for state in PhaseState})
    return {state: counts[state.value] for state in PhaseState}


def topics_of(municipality: Municipality) -> QuerySet[Topic]:
    return Topic.objects.filter(municipality=municipality).order_by("name", "id")


def process_for_page(municipality: Municipality, slug: str) -> QuerySet[Process]:
    return Process.objects.filter(municipality=municipality, slug=slug).select_related(
        "organisation", "topic", "municipality").prefetch_related(
        Prefetch("phases", Phase.objects.order_by("starts_at", "id")))


@dataclass(frozen=True)
class ProcessItem:
    """A process as the list shows it: its state now and its running phase."""

    process: Process
    state: PhaseState
    current_phase: Phase | None


def list_items(processes: list[Process], now: datetime) -> list[ProcessItem]:
    return [ProcessItem(process, process_state(process, now), current_phase(process, now)) for process in processes]


@dataclass(frozen=True)
class PhaseView:
    """A phase as the timeline shows it: its state now and the labels of the features it opens."""

    phase: Phase
    state: PhaseState
    feature_labels: list[str]

    @property
    def is_current(self) -> bool:
        return self.state is PhaseState.RUNNING


def timeline(process: Process, now: datetime) -> list[PhaseView]:
    labels = dict(features.feature_choices())
    return [PhaseView(phase, phase_state(phase, now), [str(labels[key]) for key in phase.features if key in labels])
            for phase in process.phases.all()]


def current_phase(process: Process, now: datetime) -> Phase | None:
    """The running phase (phases never overlap, so there is at most one); uses prefetched phases."""
    return next((phase for phase in process.phases.all() if phase_state(phase, now) is PhaseState.RUNNING), None)


def latest_news(process: Process) -> tuple[list[ProcessNews], bool]:
    """The newest news items and whether there are more, in one query."""
    rows = list(ProcessNews.objects.filter(process=process).order_by("-published_at", "-id")[: LATEST_NEWS + 1])
    return rows[:LATEST_NEWS], len(rows) > LATEST_NEWS


def news_page(process: Process, *, cursor: str | None) -> KeysetPage:
    return keyset_page(ProcessNews.objects.filter(process=process), field="published_at", cursor=cursor,
                       size=PAGE_SIZE)


def feed_processes(municipality: Municipality) -> list[Process]:
    return list(published_processes(municipality).select_related("municipality", "organisation", "topic")
                .order_by("-published_at", "-id")[:FEED_SIZE])


def feed_news(process: Process) -> list[ProcessNews]:
    news = list(ProcessNews.objects.filter(process=process).order_by("-published_at", "-id")[:FEED_SIZE])
    for item in news:
        item.process = process  # for the links, without a query per item
    return news


def manage_processes(municipality: Municipality) -> QuerySet[Process]:
    return Process.objects.filter(municipality=municipality).select_related("municipality", "topic").annotate(
        phase_count=Count("phases")).order_by("-created_at", "-id")

