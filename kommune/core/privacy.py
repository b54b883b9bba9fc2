"""Registries through which every app contributes to a person's data export and account deletion.

An app registers a function in its AppConfig.ready(); accounts calls them all. So the export is complete
without accounts knowing the other apps.

Each exporter names the foreign keys to the user it covers (``covers``, as "app_label.Model.field").
tests/test_privacy_registry.py walks every model and fails for a foreign key to the user that no exporter covers
and that NOT_EXPORTED does not list with its reason: a new model with personal data needs its exporter.
"""

from collections.abc import Callable, Iterable
from typing import Any

Exporter = Callable[[Any], Any]
Anonymiser = Callable[[Any], None]

_exporters: dict[str, Exporter] = {}
_anonymisers: dict[str, Anonymiser] = {}
_covered: dict[str, str] = {}

# Foreign keys to the user that are not in the person's export, each with the reason. Everything else a person
# did or that was decided about them is.
NOT_EXPORTED: dict[str, str] = {
    # Django's own permission tables: the platform gives rights by Memberships (exported as "memberships").
    "accounts.User_groups.user": "Django permission groups, unused by the platform's roles",
    "accounts.User_user_permissions.user": "Django permissions, unused by the platform's roles",
    # The operator's technical staff in the Django admin; its log is the operator's record of maintenance.
    "admin.LogEntry.user": "the Django admin's maintenance log",
    # Acts done in a role for a municipality: the municipality's records of its own work (who verified,
    # answered, moderated, entered). The person's roles themselves are exported ("memberships", "role_history").
    "accounts.Residency.verified_by": "staff act: verifying a resident",
    "accounts.LetterCodeBatch.created_by": "staff act: printing letter codes",
    "core.Page.updated_by": "staff act: editing a page of the municipality",
    "core.AccessibilityFeedback.handled_by": "staff act: handling feedback",
    "core.AuditLogEntry.actor": "admin act: recorded in the municipality's audit log",
    "core.CouncilReferral.referred_by": "staff act: handing a proposal to the council",
    "processes.Process.created_by": "staff act: creating a participation process",
    "moderation.Report.answered_by": "moderator act: answering a report",
    "moderation.ModerationAct.moderator": "moderator act: a decision of the moderation",
    "moderation.Block.created_by": "moderator act: blocking a person",
    "moderation.ReviewRequest.decided_by": "moderator act: deciding a review",
    "proposals.Proposal.answered_by": "staff act: the official answer to a proposal",
    "proposals.SignatureList.entered_by": "staff act: entering paper signatures",
    "proposals.ProposalUpdate.author": "staff act: an update under the official answer to a proposal",
    "opendata.Dataset.created_by": "staff act: publishing a dataset",
    "projects.Project.created_by": "staff act: adding a municipal project",
    "projects.StatusChange.created_by": "staff act: recording a project's status",
    "projects.ProjectLink.created_by": "staff act: linking a project",
}


def register_exporter(section: str, exporter: Exporter, *, covers: Iterable[str] = ()) -> None:
    _exporters[section] = exporter
    for field in covers:
        _covered[field] = section


def covered_foreign_keys() -> dict[str, str]:
    """The foreign keys to the user ("app_label.Model.field") that an exporter covers, with its section."""
    return dict(_covered)


def personal_foreign_keys() -> list[str]:
    """Every concrete foreign key to the user model in the project, as "app_label.Model.field"."""
    from django.apps import apps
    from django.contrib.auth import get_user_model

    user_model = get_user_model()
    found = []
    for model in apps.get_models(include_auto_created=True):
        for field in model._meta.get_fields():
            if getattr(field, "concrete", False) and field.is_relation and field.related_model is user_model:
                found.append(f"{model._meta.label}.{field.name}")
    return sorted(found)


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


def export_accessibility_feedback(user) -> list[dict]:
    """Feedback on barriers is sent without an account; what was sent from the person's address is theirs."""
    from kommune.core.models import AccessibilityFeedback

    feedback = AccessibilityFeedback.objects.filter(email__iexact=user.email).select_related("municipality")
    return [{"municipality": f.municipality.name, "page": f.page_url, "message": f.message, "name": f.name,
             "sent_at": f.created_at.isoformat(), "handled_at": f.handled_at.isoformat() if f.handled_at else None}
            for f in feedback.order_by("created_at", "id")]


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
