"""The newsletter block "new citizen proposals" (kommune/core/newsletter_blocks.py): published in the last 30
days, newest first."""

import re
from datetime import datetime, timedelta

from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from kommune.core.models import Municipality
from kommune.core.newsletter_blocks import MAX_ITEMS, BlockItem, register_block
from kommune.proposals.selectors import published_proposals

DAYS_BACK = 30
MARKUP = re.compile(r"[#*_>`]+")  # Markdown marks, left out of the one-line summary


def new_proposals(municipality: Municipality, now: datetime) -> list[BlockItem]:
    proposals = (published_proposals(municipality).filter(published_at__gte=now - timedelta(days=DAYS_BACK),
                                                          published_at__lte=now)
                 .select_related("municipality").order_by("-published_at", "-pk")[:MAX_ITEMS])
    return [BlockItem(title=proposal.title, url=proposal.get_absolute_url(), date=proposal.published_at,
                      summary=Truncator(" ".join(MARKUP.sub(" ", proposal.text).split())).chars(160))
            for proposal in proposals]


def register() -> None:
    register_block("proposals", _("New citizen proposals"), new_proposals, order=30)
