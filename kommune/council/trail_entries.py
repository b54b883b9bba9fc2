"""The management entry of the accountability trail (kommune.core.management_menu)."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from kommune.core.management_menu import ManagementEntry, register_entry
from kommune.core.models import CouncilReferral, Municipality


def _describe(municipality: Municipality) -> str:
    waiting = CouncilReferral.objects.filter(municipality=municipality, paper_id__isnull=True).count()
    if not waiting:
        return str(_("Attach the council paper to matters handed to the council."))
    return ngettext("%(num)d matter handed to the council awaits its paper",
                    "%(num)d matters handed to the council await their paper", waiting) % {"num": waiting}


def register() -> None:
    register_entry(ManagementEntry("council_referrals", _("Referrals to the council"), "council.attach_paper",
                                   "council_trail:referrals", _describe, order=46))
