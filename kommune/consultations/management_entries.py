"""The consultations entry on the management dashboard (see kommune.core.management_menu)."""

from django.utils.translation import gettext_lazy as _

from kommune.core.management_menu import ManagementEntry, register_entry
from kommune.core.models import Municipality


def _describe(municipality: Municipality) -> str:
    return str(_("Put draft texts up for comments and publish the consideration table."))


def register() -> None:
    register_entry(ManagementEntry("consultations", _("Consultations"), "consultations.manage", "consultations:manage",
                                   _describe, order=40))
