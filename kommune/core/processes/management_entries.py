"""The processes app's entry on the management dashboard (see kommune.core.management_menu)."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from kommune.core.management_menu import ManagementEntry, register_entry
from kommune.core.processes.models import Process


def _describe(municipality) -> str:
    count = Process.objects.filter(municipality=municipality, is_published=False).count()
    if not count:
        return str(_("Create participation processes with their phases, publish them and post news."))
    return ngettext("%(num)d process not yet published", "%(num)d processes not yet published", count) % {"num": count}


def register() -> None:
    register_entry(ManagementEntry(
        "processes", _("Participation processes"), "processes.manage", "processes:manage_list", _describe, order=40))
