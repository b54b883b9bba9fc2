"""The Atom feed of a lab's public news. A feed is read without a login: it never shows internal news, whoever
asks."""

from django.utils.translation import gettext as _

from kommune.core.feeds import AtomFeed
from kommune.core.models import Lab
from kommune.labs import selectors
from kommune.labs.models import News

FEED_LENGTH = 30


class LabNewsFeed(AtomFeed):
    description_is_html = True

    def get_object(self, request, *args, **kwargs) -> Lab:
        return kwargs["lab"]

    def title(self, obj: Lab) -> str:
        return _("News of %(lab)s") % {"lab": obj.name}

    def link(self, obj: Lab) -> str:
        return obj.get_absolute_url()

    def items(self, obj: Lab):
        return selectors.public_news(obj).select_related("lab")[:FEED_LENGTH]

    def item_title(self, item: News) -> str:
        return item.title

    def item_description(self, item: News) -> str:
        return item.html

    def item_pubdate(self, item: News):
        return item.published_at
