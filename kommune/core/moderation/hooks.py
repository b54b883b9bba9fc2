"""The moderation's entries on the management dashboard."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from kommune.core.management_menu import ManagementEntry, register_entry


def _open_reports(municipality) -> str:
    from kommune.core.moderation.selectors import open_report_count

    count = open_report_count(municipality)
    return ngettext("%(num)d open report", "%(num)d open reports", count) % {"num": count}


def register() -> None:
    register_entry(ManagementEntry("moderation", _("Moderation"), "moderation.moderate", "moderation:queue",
                                   _open_reports, order=40))
    register_entry(ManagementEntry(
        "netiquette", _("Netiquette"), "moderation.edit_netiquette", "moderation:edit_netiquette",
        lambda m: _("The rules of conversation that every comment form links to."), order=45))
