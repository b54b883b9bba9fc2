"""The open-data app's entry on the management dashboard (see kommune.core.management_menu)."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from kommune.core.management_menu import ManagementEntry, register_entry
from kommune.opendata.selectors import unpublished_count


def _describe(municipality) -> str:
    count = unpublished_count(municipality)
    if not count:
        return str(_("Publish datasets with their files for download and reuse."))
    return ngettext("%(num)d dataset not yet published", "%(num)d datasets not yet published", count) % {"num": count}


def register() -> None:
    register_entry(ManagementEntry(
        "opendata", _("Open data"), "opendata.manage_datasets", "opendata:manage_list", _describe, order=60))
