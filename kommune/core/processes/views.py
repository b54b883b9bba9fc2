"""Public pages of participation processes: the list with filters, the detail page with its timeline, news, and
the process's activity stream (kommune/core/notifications records it)."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from kommune.core.access import get_for_tenant, municipality_view
from kommune.core.cursor import InvalidCursor
from kommune.core.models import Municipality
from kommune.core.notifications import selectors as activities
from kommune.core.pagecache import cached_for_anonymous
from kommune.core.processes import selectors
from kommune.core.processes.forms import STATE_ORDER, ProcessFilterForm
from kommune.core.processes.models import Process
from kommune.core.processes.services import PERMISSION
from kommune.core.processes.timing import process_state


def bad_cursor(request: HttpRequest, municipality: Municipality, first_page: str) -> HttpResponse:
    return render(request, "processes/bad_cursor.html", {"municipality": municipality, "message": InvalidCursor.message,
                                                         "first_page": first_page}, status=400)


def visible_process(request: HttpRequest, municipality: Municipality, slug: str) -> Process:
    """The process of this municipality; an unpublished one only for those who manage processes."""
    process = get_for_tenant(selectors.process_for_page(municipality, slug), municipality, slug=slug)
    if not process.is_published and not request.user.has_perm(PERMISSION, municipality):
        raise Http404
    return process


@cached_for_anonymous("processes")
@municipality_view()
def process_list(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    now = timezone.now()
    form = ProcessFilterForm(request.GET or None, topics=list(selectors.topics_of(municipality)))
    state, topic = form.filters()
    counts = selectors.state_counts(municipality, now=now, topic=topic)
    form.show_counts(counts)
    try:
        page = selectors.process_list_page(municipality, now=now, state=state, topic=topic,
                                           cursor=request.GET.get("cursor"))
    except InvalidCursor:
        return bad_cursor(request, municipality, request.path)
    filters = {"state": state.value if state else "", "topic": topic.slug if topic else ""}
    return render(request, "processes/list.html", {
        "municipality": municipality,
        "form": form,
        "counts": [(state, counts[state]) for state in STATE_ORDER],
        "state": state,
        "topic": topic,
        "page": page,
        "items": selectors.list_items(page.items, now),
        "filters": {key: value for key, value in filters.items() if value},
        "can_manage": request.user.has_perm(PERMISSION, municipality),
    })


@cached_for_anonymous("process:{process_slug}")
@municipality_view()
def process_detail(request: HttpRequest, municipality: Municipality, process_slug: str) -> HttpResponse:
    now = timezone.now()
    process = visible_process(request, municipality, process_slug)
    news, more_news = selectors.latest_news(process)
    return render(request, "processes/detail.html", {
        "municipality": municipality,
        "process": process,
        "state": process_state(process, now),
        "timeline": selectors.timeline(process, now),
        "news": news,
        "more_news": more_news,
        "can_manage": request.user.has_perm(PERMISSION, municipality),
    })


@cached_for_anonymous("process:{process_slug}")
@municipality_view()
def process_news(request: HttpRequest, municipality: Municipality, process_slug: str) -> HttpResponse:
    process = visible_process(request, municipality, process_slug)
    try:
        page = selectors.news_page(process, cursor=request.GET.get("cursor"))
    except InvalidCursor:
        return bad_cursor(request, municipality, request.path)
    return render(request, "processes/news.html", {
        "municipality": municipality,
        "process": process,
        "page": page,
        "can_manage": request.user.has_perm(PERMISSION, municipality),
    })


@municipality_view()
def activity(request: HttpRequest, municipality: Municipality, process_slug: str) -> HttpResponse:
    process = selectors.published_process_or_404(municipality, process_slug)
    try:
        rows, next_cursor = activities.stream_page(activities.process_activities(process),
                                                   request.GET.get("cursor") or None)
    except InvalidCursor as error:
        return render(request, "notifications/bad_request.html",
                      {"message": str(error.message), "municipality": municipality}, status=400)
    feed_url = reverse("processes:activity_feed", kwargs={"municipality_slug": municipality.slug,
                                                          "process_slug": process.slug})
    return render(request, "notifications/stream.html", {
        "municipality": municipality, "process": process, "feed_url": feed_url, "activities": rows,
        "next_cursor": next_cursor, "is_first_page": not request.GET.get("cursor")})
