"""The newsletter block "upcoming dates of the digital help" (kommune/core/newsletter_blocks.py): the next four
weeks of the calendar, single events and the first session of a course."""

from datetime import datetime, timedelta

from django.utils.translation import gettext_lazy as _

from kommune.core.models import Municipality
from kommune.core.newsletter_blocks import MAX_ITEMS, BlockItem, register_block
from kommune.inclusion.selectors import public_events

WEEKS_AHEAD = 4


def upcoming_events(municipality: Municipality, now: datetime) -> list[BlockItem]:
    dates = (public_events(municipality).filter(is_cancelled=False, starts_at__gte=now,
                                                starts_at__lt=now + timedelta(weeks=WEEKS_AHEAD))
             .select_related("municipality", "partner").order_by("starts_at", "pk")[:MAX_ITEMS])
    return [BlockItem(title=event.title, url=event.get_absolute_url(), date=event.starts_at,
                      summary=event.partner.name if event.partner else str(_("online")))
            for event in dates]


def register() -> None:
    register_block("events", _("Upcoming dates of the digital help"), upcoming_events, order=10)
