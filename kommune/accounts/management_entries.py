"""The accounts app's entries on the management dashboard (see kommune.core.management_menu)."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from kommune.accounts.models import LetterCode
from kommune.core.management_menu import ManagementEntry, register_entry


def _unused_codes(municipality) -> str:
    count = LetterCode.objects.filter(municipality=municipality, used_at__isnull=True,
                                      batch__expires_at__gt=timezone.now()).count()
    return ngettext("%(num)d valid code not used yet", "%(num)d valid codes not used yet", count) % {"num": count}


def register() -> None:
    register_entry(ManagementEntry(
        "residents", _("Residency at the counter"), "accounts.verify_residents", "manage_accounts:residents",
        lambda m: _("Verify a person who shows their identity card."), order=40))
    register_entry(ManagementEntry(
        "letter_codes", _("Letter codes"), "accounts.manage_letter_codes", "manage_accounts:letter_codes",
        _unused_codes, order=50))
