"""Atom feeds of the activity streams, built with Django's syndication framework and served by function views
that carry the access declaration: the municipality's here (views.py), a process's in kommune/core/processes."""

from django.urls import reverse
from django.utils.translation import gettext as _

from kommune.core.feeds import AtomFeed
from kommune.core.notifications import selectors
from kommune.core.notifications.models import Activity


class ActivityFeed(AtomFeed):
    """The sentence names people by their display name: plain text, as title and as summary."""

    def item_title(self, item: Activity) -> str:
        return item.sentence

    def item_description(self, item: Activity) -> str:
        return item.sentence

    def item_link(self, item: Activity) -> str:
        return item.url

    def item_guid(self, item: Activity) -> str:
        return f"activity-{item.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, item: Activity):
        return item.created_at

    def item_updateddate(self, item: Activity):
        return item.created_at


class MunicipalityActivityFeed(ActivityFeed):
    def get_object(self, request, *, municipality):
        return municipality

    def title(self, municipality) -> str:
        return _("Activity in %(name)s") % {"name": municipality.name}

    def link(self, municipality) -> str:
        return reverse("notifications:municipality_stream", kwargs={"municipality_slug": municipality.slug})

    def subtitle(self, municipality) -> str:
        return _("What happens in the participation processes of %(name)s.") % {"name": municipality.name}

    def items(self, municipality) -> list[Activity]:
        return selectors.feed_items(selectors.municipality_activities(municipality))
