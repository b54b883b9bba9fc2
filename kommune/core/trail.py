"""The accountability trail: what happened to a matter after it left its feature.

A citizen proposal is answered, handed to the council, decided there and implemented as a municipal project.
Each of those steps lives in another feature app (council, projects), and no feature app imports another. So the
apps that know a later step register a *trail source* here, in their AppConfig.ready(); the page of the matter
asks ``trail_for(matter)`` and shows the entries in date order, without knowing where they came from.

A source gets the matter (any model instance, usually a proposal) and returns its entries for it, or none. It
must cost a bounded number of queries, whatever the data size.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Model
from django.utils.functional import Promise


@dataclass(frozen=True)
class TrailEntry:
    """One dated step of a matter's trail, as its source describes it."""

    when: date | datetime
    source: str  # the registering source's key, e.g. "council" or "projects"
    title: str | Promise  # "Beschluss im Rat", "Bau begonnen"
    text: str = ""  # plain text, escaped on output
    url: str = ""  # where the step is shown in full (the paper, the project)
    status: str = ""  # a short machine-readable state, e.g. "decided", "in_construction"


TrailSource = Callable[[Model], list[TrailEntry]]

# The page-cache tag (kommune.core.pagecache) of every cached page that shows a trail (a proposal's page): an event
# that changes what a source reports (a council paper's consultation, a project's status) names it in page_tags().
PAGE_TAG = "trail"

_sources: dict[str, TrailSource] = {}


def register_trail_source(key: str, source: TrailSource) -> None:
    """Register (or replace) the trail source ``key``."""
    _sources[key] = source


def trail_for(matter: Model) -> list[TrailEntry]:
    """Every registered source's entries for ``matter``, oldest first."""
    entries = [entry for source in _sources.values() for entry in source(matter)]
    return sorted(entries, key=lambda entry: _as_datetime(entry.when))


def _as_datetime(when: date | datetime) -> datetime:
    """Dates sort as the start of their day in the current time zone (Europe/Berlin)."""
    from django.utils import timezone

    if isinstance(when, datetime):
        return when if timezone.is_aware(when) else timezone.make_aware(when)
    return datetime(when.year, when.month, when.day, tzinfo=timezone.get_current_timezone())
