"""The participation-process section of a municipality's home page (see kommune.core.home_sections)."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kommune.core.home_sections import HomeSection, register_home_section
from kommune.core.models import Municipality
from kommune.core.processes import selectors
from kommune.core.processes.timing import PhaseState, state_filter

HOME_LIMIT = 3


def home_context(municipality: Municipality) -> dict | None:
    """The running processes ending soonest, and how many there are; two queries, whatever the data."""
    now = timezone.now()
    # The links name the municipality: selected with the processes, not read once per process.
    running = (selectors.published_processes(municipality).filter(state_filter(PhaseState.RUNNING, now))
               .select_related("municipality").order_by("ends_at", "id"))
    processes = list(running[:HOME_LIMIT])
    if not processes and not selectors.published_processes(municipality).exists():
        return None
    return {"municipality": municipality, "processes": processes,
            "running_count": len(processes) if len(processes) < HOME_LIMIT else running.count()}


def register() -> None:
    register_home_section(HomeSection("processes", "processes/home_section.html", home_context, order=10,
                                      title=_("Participation processes"), anchor="home-processes-heading"))
