"""Assisted participation: staff and partners enter a contribution for a resident who phoned, wrote on paper or
came by. The contribution is marked as assisted, keeps who entered it and when, and its service writes an audit
entry.

Each feature app that accepts assisted entries registers, in ``AppConfig.ready()``, where staff start one (a page
of that app) and the audit actions its services write. The overview page (``manage:assisted``) lists the places
a person may use and the log of what was entered, so no app imports another.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise

from kommune.core.models import Municipality
from kommune.core.types import User


@dataclass(frozen=True)
class AssistedEntry:
    key: str
    label: str | Promise  # "Comment for a resident"
    description: str | Promise  # where to start and what is recorded
    url_name: str  # reversed with municipality_slug only: the page where one starts
    permission: str  # checked against the municipality
    actions: tuple[str, ...]  # AuditLogEntry.Action values its services write
    order: int = 100

    def url(self, municipality: Municipality) -> str:
        return reverse(self.url_name, kwargs={"municipality_slug": municipality.slug})


_by_key: dict[str, AssistedEntry] = {}


def register_assisted_entry(*, key: str, label: str | Promise, description: str | Promise, url_name: str,
                            permission: str, actions: Iterable[str], order: int = 100) -> None:
    _by_key[key] = AssistedEntry(key, label, description, url_name, permission, tuple(actions), order)


def assisted_entries() -> list[AssistedEntry]:
    return sorted(_by_key.values(), key=lambda entry: (entry.order, entry.key))


def assisted_entries_for(user: User, municipality: Municipality) -> list[AssistedEntry]:
    return [entry for entry in assisted_entries() if user.has_perm(entry.permission, municipality)]


def assisted_actions() -> set[str]:
    """Every audit action that records an assisted entry."""
    return {action for entry in _by_key.values() for action in entry.actions}
