"""Core's entries on the management dashboard (see kommune.core.management_menu)."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from kommune.core import selectors
from kommune.core.management_menu import ManagementEntry, register_entry


def _open_feedback(municipality) -> str:
    count = selectors.open_feedback_count(municipality)
    return ngettext("%(num)d open report of a barrier", "%(num)d open reports of barriers", count) % {"num": count}


def register() -> None:
    register_entry(ManagementEntry(
        "roles", _("Roles"), "core.manage_roles", "manage:roles",
        lambda m: _("Who administers, works, moderates or takes part as a partner."), order=10))
    register_entry(ManagementEntry(
        "audit_log", _("Audit log"), "core.view_audit_log", "manage:audit_log",
        lambda m: _("Every change of roles, verifications and pages, with who made it."), order=20))
    register_entry(ManagementEntry(
        "assisted", _("Assisted entry"), "core.enter_assisted", "manage:assisted",
        lambda m: _("Enter a contribution for a resident who phoned, wrote or came by, and see what was entered."),
        order=25))
    register_entry(ManagementEntry(
        "feedback", _("Accessibility feedback"), "core.read_accessibility_feedback", "manage:feedback",
        _open_feedback, order=30))
