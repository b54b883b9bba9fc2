"""Registries through which every app contributes to a person's data export and account deletion.

An app registers a function in its AppConfig.ready(); accounts calls them all. So the export is complete
without accounts knowing the other apps.
"""

from collections.abc import Callable
from typing import Any

Exporter = Callable[[Any], Any]
Anonymiser = Callable[[Any], None]

_exporters: dict[str, Exporter] = {}
_anonymisers: dict[str, Anonymiser] = {}


def register_exporter(section: str, exporter: Exporter) -> None:
    _exporters[section] = exporter


def register_anonymiser(name: str, anonymiser: Anonymiser) -> None:
    _anonymisers[name] = anonymiser


def export_sections(user) -> dict[str, Any]:
    return {section: exporter(user) for section, exporter in sorted(_exporters.items())}


def run_anonymisers(user) -> None:
    for anonymiser in _anonymisers.values():
        anonymiser(user)


def export_memberships(user) -> list[dict]:
    return [
        {
            "municipality": m.municipality.name if m.municipality else None,
            "lab": m.lab.name if m.lab else None,
            "role": m.role,
            "organisation": m.organisation.name if m.organisation else None,
            "since": m.created_at.isoformat(),
        }
        for m in user.memberships.select_related("municipality", "lab", "organisation")
    ]


def export_role_history(user) -> list[dict]:
    from kommune.core.models import AuditLogEntry

    entries = AuditLogEntry.objects.filter(subject=user).select_related("municipality", "lab")
    return [
        {"action": e.action, "tenant": str(e.municipality or e.lab), "details": e.details,
         "at": e.created_at.isoformat()}
        for e in entries
    ]


def delete_memberships(user) -> None:
    user.memberships.all().delete()
