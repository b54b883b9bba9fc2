"""The Vorhabenliste's entry on the management dashboard (see kommune.core.management_menu)."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from kommune.core.management_menu import ManagementEntry, register_entry
from kommune.core.models import Municipality
from kommune.projects.models import Project


def _describe(municipality: Municipality) -> str:
    count = Project.objects.filter(municipality=municipality).count()
    if not count:
        return str(_("Publish the municipality's planned projects with their status, costs and timeline."))
    return ngettext("%(num)d project in the public list", "%(num)d projects in the public list", count) % {
        "num": count}


def register() -> None:
    register_entry(ManagementEntry("projects", _("Municipal projects"), "projects.manage", "projects:manage",
                                   _describe, order=47))
