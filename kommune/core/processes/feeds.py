"""Atom feeds of a municipality's published processes, of a process's news and of its activity stream.

The feed classes are wrapped in function views so that every route declares its access (kommune.core.access).
Summaries (kommune.core.feeds): a process's summary is plain text (type="text"), news the HTML sanitised when
it was written (type="html"); titles are plain text (<title> without type) and only XML-escaped.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from kommune.core.access import get_for_tenant, municipality_view
from kommune.core.feeds import AtomFeed
from kommune.core.models import Municipality
from kommune.core.notifications import selectors as activities
from kommune.core.notifications.feeds import ActivityFeed
from kommune.core.notifications.models import Activity
from kommune.core.processes import selectors
from kommune.core.processes.models import Process, ProcessNews


def _tag(kind: str, pk: int, when) -> str:
    """A stable Atom id (RFC 4151 tag URI) that survives a change of the page address."""
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"tag:{host},{when:%Y-%m-%d}:{kind}/{pk}"


class ProcessesFeed(AtomFeed):

    def get_object(self, request: HttpRequest, municipality: Municipality) -> Municipality:
        return municipality

    def title(self, municipality: Municipality) -> str:
        return _("Participation processes of %(name)s") % {"name": municipality.name}

    def subtitle(self, municipality: Municipality) -> str:
        return _("Newly published participation processes of %(name)s.") % {"name": municipality.name}

    def link(self, municipality: Municipality) -> str:
        return reverse("processes:list", kwargs={"municipality_slug": municipality.slug})

    def author_name(self, municipality: Municipality) -> str:
        return municipality.name

    def items(self, municipality: Municipality) -> list[Process]:
        return selectors.feed_processes(municipality)

    def item_title(self, process: Process) -> str:
        return process.title

    def item_description(self, process: Process) -> str:
        return process.summary

    def item_author_name(self, process: Process) -> str:
        return process.organiser_name

    def item_pubdate(self, process: Process):
        return process.published_at

    def item_updateddate(self, process: Process):
        return process.updated_at

    def item_categories(self, process: Process) -> list[str]:
        return [process.topic.name] if process.topic else []

    def item_guid(self, process: Process) -> str:
        return _tag("process", process.pk, process.published_at or process.created_at)


class NewsFeed(AtomFeed):
    description_is_html = True  # text_html: Markdown rendered and sanitised when the news was written

    def get_object(self, request: HttpRequest, process: Process) -> Process:
        return process

    def title(self, process: Process) -> str:
        return _("News: %(title)s") % {"title": process.title}

    def subtitle(self, process: Process) -> str:
        return _("News of the participation process “%(title)s” in %(name)s.") % {
            "title": process.title, "name": process.municipality.name}

    def link(self, process: Process) -> str:
        return process.get_absolute_url()

    def author_name(self, process: Process) -> str:
        return process.organiser_name

    def items(self, process: Process) -> list[ProcessNews]:
        return selectors.feed_news(process)

    def item_title(self, news: ProcessNews) -> str:
        return news.title

    def item_description(self, news: ProcessNews) -> str:
        return news.text_html

    def item_link(self, news: ProcessNews) -> str:
        return news.get_absolute_url()

    def item_pubdate(self, news: ProcessNews):
        return news.published_at

    def item_guid(self, news: ProcessNews) -> str:
        return _tag("process-news", news.pk, news.published_at)


@municipality_view()
def processes_feed(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    return ProcessesFeed()(request, municipality=municipality)


@municipality_view()
def news_feed(request: HttpRequest, municipality: Municipality, process_slug: str) -> HttpResponse:
    # Feeds are public copies: an unpublished process has none, whoever asks.
    process = get_for_tenant(Process.objects.select_related("municipality", "organisation"), municipality,
                             slug=process_slug)
    if not process.is_published:
        raise Http404
    return NewsFeed()(request, process=process)


class ProcessActivityFeed(ActivityFeed):
    def get_object(self, request: HttpRequest, *, process: Process) -> Process:
        return process

    def title(self, process: Process) -> str:
        return _("Activity in “%(title)s”") % {"title": process.title}

    def link(self, process: Process) -> str:
        return reverse("processes:activity", kwargs={"municipality_slug": process.municipality.slug,
                                                     "process_slug": process.slug})

    def subtitle(self, process: Process) -> str:
        return process.summary

    def items(self, process: Process) -> list[Activity]:
        return activities.feed_items(activities.process_activities(process))


@municipality_view()
def activity_feed(request: HttpRequest, municipality: Municipality, process_slug: str) -> HttpResponse:
    return ProcessActivityFeed()(request, process=selectors.published_process_or_404(municipality, process_slug))
