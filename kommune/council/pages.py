"""The council's web pages under /<municipality>/rat/: the meeting calendar (with an iCalendar feed), meetings
with their agenda, papers with their files and path through the committees, committees and people.

The pages are for residents (German paths, no JavaScript needed); the same objects are served to machines by the
OParl server (views.py). Anonymous visitors get them from the page cache, refreshed by the council's events
(events.py: tag ``council``).
"""

from datetime import datetime, timedelta
from itertools import groupby

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from kommune.core.access import get_for_tenant, municipality_view
from kommune.core.models import Municipality
from kommune.core.pagecache import cached_for_anonymous
from kommune.council import calendar, selectors
from kommune.council.events import PAGE_TAG
from kommune.council.forms import CalendarForm, PaperFilterForm, parse_month
from kommune.council.models import Meeting

PAPERS_PER_PAGE = 25
FEED_DAYS_BACK = 365


def _month_bounds(year: int, month: int) -> tuple[datetime, datetime]:
    zone = timezone.get_current_timezone()  # the municipality's month, in Europe/Berlin
    following = (year + 1, 1) if month == 12 else (year, month + 1)
    return datetime(year, month, 1, tzinfo=zone), datetime(*following, 1, tzinfo=zone)


def _bad_request(request: HttpRequest, municipality: Municipality, message: str, back: str) -> HttpResponse:
    return render(request, "council/bad_request.html", {"municipality": municipality, "message": message,
                                                        "back": back}, status=400)


@cached_for_anonymous(PAGE_TAG)
@municipality_view()
def home(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    now = timezone.now()
    return render(request, "council/home.html", {
        "municipality": municipality,
        "upcoming": selectors.upcoming_meetings(municipality=municipality, now=now, limit=5),
        "recent": selectors.recent_meetings(municipality=municipality, now=now, limit=5),
        "committees": list(selectors.committees(municipality=municipality)),
    })


@cached_for_anonymous(PAGE_TAG)
@municipality_view()
def meeting_calendar(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    """The meetings of one month (``?monat=2026-11``), optionally of one committee (``?gremium=<id>``)."""
    form = CalendarForm(request.GET or None, committees=list(selectors.committees(municipality=municipality)))
    month = parse_month(request.GET.get("monat"), timezone.localdate())
    if month is None:
        return _bad_request(request, municipality, _("This is not a month we can show. Please give it as year and "
                                                     "month, for example 2026-11."), request.path)
    year, number = month
    start, end = _month_bounds(year, number)
    committee = form.committee()
    meetings = list(selectors.meetings_between(municipality=municipality, start=start, end=end,
                                               organization=committee))
    days = [(day, list(items)) for day, items in groupby(meetings, key=lambda m: timezone.localdate(m.start))]
    previous = (start - timedelta(days=1)).date()
    query = {"gremium": str(committee.pk)} if committee else {}
    return render(request, "council/calendar.html", {
        "municipality": municipality, "form": form, "committee": committee, "month": start.date(), "days": days,
        "count": len(meetings), "query": query,
        "previous_month": f"{previous:%Y-%m}", "next_month": f"{end.date():%Y-%m}",
        "upcoming": selectors.upcoming_meetings(municipality=municipality, now=timezone.now(),
                                                organization=committee, limit=5),
    })


@cached_for_anonymous(PAGE_TAG)
@municipality_view()
def calendar_feed(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    """The meetings as an iCalendar file (RFC 5545) to subscribe to, optionally of one committee."""
    form = CalendarForm(request.GET or None, committees=list(selectors.committees(municipality=municipality)))
    committee = form.committee()
    since = timezone.now() - timedelta(days=FEED_DAYS_BACK)
    meetings = selectors.feed_meetings(municipality=municipality, since=since, organization=committee)
    body = calendar.meetings_ical(request, municipality, meetings, committee=committee)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{municipality.slug}-sitzungen.ics"'
    return response


@cached_for_anonymous(PAGE_TAG)
@municipality_view()
def meeting_detail(request: HttpRequest, municipality: Municipality, meeting_id: int) -> HttpResponse:
    meeting: Meeting = get_for_tenant(selectors.meeting_for_page(municipality=municipality), municipality,
                                      pk=meeting_id)
    return render(request, "council/meeting.html", {"municipality": municipality, "meeting": meeting,
                                                    "now": timezone.now()})


@cached_for_anonymous(PAGE_TAG)
@municipality_view()
def paper_list(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    def read() -> dict:
        form = PaperFilterForm(request.GET or None, paper_types=selectors.paper_types(municipality=municipality),
                               committees=list(selectors.committees(municipality=municipality)))
        papers = selectors.papers_for_list(municipality=municipality, **form.filters())
        return {"form": form, "page": Paginator(papers, PAPERS_PER_PAGE).get_page(request.GET.get("seite")),
                "query": form.query()}

    # Read only when the shared fragment is not cached (the count of all papers is dear), except on a later page:
    # its title names the page the paginator settled on (a number past the last one is the last page).
    listing, page_number = read, 1
    if request.GET.get("seite", "1") != "1":
        found = read()
        listing, page_number = (lambda: found), found["page"].number
    return render(request, "council/papers.html", {"municipality": municipality, "listing": listing,
                                                   "page_number": page_number})


@cached_for_anonymous(PAGE_TAG)
@municipality_view()
def paper_detail(request: HttpRequest, municipality: Municipality, paper_id: int) -> HttpResponse:
    paper = get_for_tenant(selectors.paper_for_page(municipality=municipality), municipality, pk=paper_id)
    return render(request, "council/paper.html", {"municipality": municipality, "paper": paper,
                                                  "now": timezone.now()})


@cached_for_anonymous(PAGE_TAG)
@municipality_view()
def organization_list(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    organizations = list(selectors.organizations_for_page(municipality=municipality))
    groups = [(kind, list(items)) for kind, items in groupby(organizations, key=lambda o: o.organization_type)]
    return render(request, "council/organizations.html", {"municipality": municipality, "groups": groups})


@cached_for_anonymous(PAGE_TAG)
@municipality_view()
def organization_detail(request: HttpRequest, municipality: Municipality, organization_id: int) -> HttpResponse:
    organization = get_for_tenant(selectors.organization_for_page(municipality=municipality), municipality,
                                  pk=organization_id)
    now = timezone.now()
    return render(request, "council/organization.html", {
        "municipality": municipality, "organization": organization,
        "upcoming": selectors.upcoming_meetings(municipality=municipality, now=now, organization=organization),
        "recent": selectors.recent_meetings(municipality=municipality, now=now, organization=organization),
    })


@cached_for_anonymous(PAGE_TAG)
@municipality_view()
def person_list(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    page = Paginator(selectors.people_for_list(municipality=municipality), 100).get_page(request.GET.get("seite"))
    return render(request, "council/people.html", {"municipality": municipality, "page": page, "query": {}})


@cached_for_anonymous(PAGE_TAG)
@municipality_view()
def person_detail(request: HttpRequest, municipality: Municipality, person_id: int) -> HttpResponse:
    person = get_for_tenant(selectors.person_for_page(municipality=municipality), municipality, pk=person_id)
    today = timezone.localdate()
    memberships = list(person.memberships.all())
    current = [m for m in memberships if m.end_date is None or m.end_date >= today]
    former = [m for m in memberships if m not in current]
    return render(request, "council/person.html", {"municipality": municipality, "person": person,
                                                   "current": current, "former": former})
