"""The citizen-proposal entry on the management dashboard (see kommune.core.management_menu)."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from kommune.core.management_menu import ManagementEntry, register_entry
from kommune.core.models import Municipality
from kommune.proposals.models import Proposal


def _describe(municipality: Municipality) -> str:
    waiting = Proposal.objects.filter(municipality=municipality, state=Proposal.State.THRESHOLD_REACHED)
    count = waiting.count()
    if not count:
        return str(_("Answer proposals that reached their threshold, enter paper signatures, set the rules."))
    overdue = waiting.filter(Proposal.answer_overdue_q(timezone.now())).count()
    if overdue:
        return ngettext("%(num)d proposal awaits its answer (%(overdue)d overdue)",
                        "%(num)d proposals await their answer (%(overdue)d overdue)", count) % {
            "num": count, "overdue": overdue}
    return ngettext("%(num)d proposal awaits its answer", "%(num)d proposals await their answer", count) % {
        "num": count}


def register() -> None:
    register_entry(ManagementEntry("proposals", _("Citizen proposals"), "proposals.manage", "proposals:manage",
                                   _describe, order=45))
