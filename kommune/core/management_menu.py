"""The entries of a municipality's management dashboard. Each app registers its own in AppConfig.ready(),
so core lists them without importing the apps (accounts, processes, moderation, …)."""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise

from kommune.core.models import Municipality


@dataclass(frozen=True)
class ManagementEntry:
    key: str
    title: str | Promise
    permission: str
    url_name: str  # reversed with municipality_slug
    describe: Callable[[Municipality], str | Promise]  # one line under the title, e.g. a count of open tasks
    order: int = 100


@dataclass(frozen=True)
class VisibleEntry:
    title: str | Promise
    url: str
    description: str | Promise


_entries: dict[str, ManagementEntry] = {}


def register_entry(entry: ManagementEntry) -> None:
    _entries[entry.key] = entry


def entries_for(user, municipality: Municipality) -> list[VisibleEntry]:
    return [
        VisibleEntry(entry.title, reverse(entry.url_name, kwargs={"municipality_slug": municipality.slug}),
                     entry.describe(municipality))
        for entry in sorted(_entries.values(), key=lambda e: (e.order, e.key))
        if user.has_perm(entry.permission, municipality)
    ]
