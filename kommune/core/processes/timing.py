"""The time state of phases and processes, defined once and used by lists, filters, pages and services."""

from datetime import datetime
from enum import Enum

from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class PhaseState(Enum):
    UPCOMING = "upcoming"
    RUNNING = "running"
    FINISHED = "finished"

    @property
    def label(self):
        return {"upcoming": _("upcoming"), "running": _("running"), "finished": _("finished")}[self.value]


def state_between(starts_at: datetime | None, ends_at: datetime | None, now: datetime) -> PhaseState:
    """Upcoming before ``starts_at``, finished from ``ends_at`` on, running in between."""
    if starts_at is None or now < starts_at:
        return PhaseState.UPCOMING
    if ends_at is not None and now >= ends_at:
        return PhaseState.FINISHED
    return PhaseState.RUNNING


def phase_state(phase, now: datetime) -> PhaseState:
    return state_between(phase.starts_at, phase.ends_at, now)


def process_state(process, now: datetime) -> PhaseState:
    return state_between(process.starts_at, process.ends_at, now)


def state_filter(state: PhaseState, now: datetime) -> Q:
    """The same rule as ``state_between``, as a filter on processes (or anything with starts_at/ends_at)."""
    if state is PhaseState.UPCOMING:
        return Q(starts_at__isnull=True) | Q(starts_at__gt=now)
    if state is PhaseState.FINISHED:
        return Q(ends_at__lte=now)
    return Q(starts_at__lte=now) & (Q(ends_at__isnull=True) | Q(ends_at__gt=now))
