"""The newsletter block "running participation processes" (kommune/core/newsletter_blocks.py)."""

from datetime import datetime

from django.utils.translation import gettext_lazy as _

from kommune.core.models import Municipality
from kommune.core.newsletter_blocks import MAX_ITEMS, BlockItem, register_block
from kommune.core.processes.selectors import published_processes
from kommune.core.processes.timing import PhaseState, state_filter


def running_processes(municipality: Municipality, now: datetime) -> list[BlockItem]:
    processes = (published_processes(municipality).filter(state_filter(PhaseState.RUNNING, now))
                 .select_related("municipality").order_by("ends_at", "pk")[:MAX_ITEMS])
    return [BlockItem(title=process.title, url=process.get_absolute_url(), date=process.ends_at,
                      summary=process.summary) for process in processes]


def register() -> None:
    register_block("processes", _("Take part now"), running_processes, order=20)
