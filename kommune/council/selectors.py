"""Reads of the council objects: one queryset per OParl list, prefetched so that a page costs the same number of
queries however many objects it holds."""

from datetime import date, datetime

from django.db.models import Count, Exists, F, Model, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from kommune.core.models import Municipality
from kommune.council.models import (
    AgendaItem,
    Consultation,
    File,
    LegislativeTerm,
    Meeting,
    Membership,
    Organization,
    Paper,
    Person,
)


def _live[M: Model](model: type[M]) -> QuerySet[M]:
    return model._default_manager.filter(deleted=False)


def _files() -> Prefetch:
    return Prefetch("files", queryset=_live(File).order_by("pk"))


def _consultations() -> Prefetch:
    return Prefetch("consultations", queryset=_live(Consultation).order_by("pk"))


def _queryset(model: type[Model]) -> QuerySet:
    if model is Organization:
        return Organization.objects.select_related("location").prefetch_related(
            Prefetch("memberships", queryset=_live(Membership).order_by("pk")))
    if model is Person:
        return Person.objects.select_related("location").prefetch_related(
            Prefetch("memberships", queryset=_live(Membership).order_by("pk")))
    if model is Meeting:
        agenda = _live(AgendaItem).prefetch_related(_files(), _consultations()).order_by("order", "pk")
        return Meeting.objects.select_related("location").prefetch_related(
            _files(), Prefetch("agenda_items", queryset=agenda))
    if model is AgendaItem:
        return AgendaItem.objects.prefetch_related(_files(), _consultations())
    if model is Paper:
        return Paper.objects.select_related("location").prefetch_related(_files(), _consultations())
    return model._default_manager.all()


def council_objects(*, municipality: Municipality, model: type[Model], include_deleted: bool = False) -> QuerySet:
    """The objects of one kind of a municipality in a stable order (by id), deleted ones only when asked."""
    objects = _queryset(model).filter(municipality=municipality)
    if not include_deleted:
        objects = objects.filter(deleted=False)
    return objects.order_by("pk")


def legislative_terms(*, municipalities: list[Municipality]) -> QuerySet[LegislativeTerm]:
    """The terms of the given municipalities, for their Bodies, which embed them."""
    return _live(LegislativeTerm).filter(municipality__in=municipalities).order_by("start_date", "pk")



# --- The council pages ------------------------------------------------------------------------------------------
# Each page costs a fixed number of queries however many meetings, papers or members there are.


def committees(*, municipality: Municipality) -> QuerySet[Organization]:
    """The committees (the council itself among them), by name: the calendar's and the paper list's filter."""
    return _live(Organization).filter(municipality=municipality,
                                      organization_type=Organization.Type.COMMITTEE).order_by("name", "pk")


def organizations_for_page(*, municipality: Municipality) -> QuerySet[Organization]:
    """Committees, groups and parties with the number of their current members."""
    today = timezone.localdate()
    current = Q(memberships__deleted=False) & (Q(memberships__end_date__isnull=True)
                                               | Q(memberships__end_date__gte=today))
    return (_live(Organization).filter(municipality=municipality)
            .annotate(member_count=Count("memberships", filter=current))
            .order_by("organization_type", "name", "pk"))


def meetings_between(*, municipality: Municipality, start: datetime, end: datetime,
                     organization: Organization | None = None) -> QuerySet[Meeting]:
    """The meetings that begin in [start, end), by time."""
    meetings = _live(Meeting).filter(municipality=municipality, start__gte=start, start__lt=end)
    if organization is not None:
        meetings = meetings.filter(organization=organization)
    return meetings.select_related("organization", "location").order_by("start", "pk")


def upcoming_meetings(*, municipality: Municipality, now: datetime, organization: Organization | None = None,
                      limit: int = 10) -> list[Meeting]:
    meetings = _live(Meeting).filter(municipality=municipality, start__gte=now)
    if organization is not None:
        meetings = meetings.filter(organization=organization)
    return list(meetings.select_related("organization", "location").order_by("start", "pk")[:limit])


def recent_meetings(*, municipality: Municipality, now: datetime, organization: Organization | None = None,
                    limit: int = 10) -> list[Meeting]:
    meetings = _live(Meeting).filter(municipality=municipality, start__lt=now)
    if organization is not None:
        meetings = meetings.filter(organization=organization)
    return list(meetings.select_related("organization", "location").order_by("-start", "-pk")[:limit])


def meeting_for_page(*, municipality: Municipality) -> QuerySet[Meeting]:
    """A meeting with its files and its agenda, each item with its files and the papers consulted there."""
    consultations = _live(Consultation).select_related("paper").filter(paper__deleted=False).order_by("pk")
    agenda = (_live(AgendaItem).prefetch_related(_files(), Prefetch("consultations", queryset=consultations))
              .order_by("order", "pk"))
    return _live(Meeting).filter(municipality=municipality).select_related("organization", "location") \
        .prefetch_related(_files(), Prefetch("agenda_items", queryset=agenda))


def feed_meetings(*, municipality: Municipality, since: datetime, organization: Organization | None = None,
                  limit: int = 500) -> list[Meeting]:
    """The meetings of the calendar feed: from ``since`` on (a calendar keeps what it fetched before)."""
    meetings = _live(Meeting).filter(municipality=municipality, start__gte=since)
    if organization is not None:
        meetings = meetings.filter(organization=organization)
    return list(meetings.select_related("organization", "location").order_by("start", "pk")[:limit])


def paper_types(*, municipality: Municipality) -> list[str]:
    return list(_live(Paper).filter(municipality=municipality).exclude(paper_type="")
                .values_list("paper_type", flat=True).distinct().order_by("paper_type"))


def papers_for_list(*, municipality: Municipality, paper_type: str = "", organization: Organization | None = None,
                    date_from: date | None = None, date_to: date | None = None) -> QuerySet[Paper]:
    """Papers, newest first (papers without a date last), filtered by type, by a committee that consults them and
    by their date."""
    papers = _live(Paper).filter(municipality=municipality)
    if paper_type:
        papers = papers.filter(paper_type=paper_type)
    if organization is not None:
        papers = papers.filter(Exists(_live(Consultation).filter(paper=OuterRef("pk"), organization=organization)))
    if date_from is not None:
        papers = papers.filter(date__gte=date_from)
    if date_to is not None:
        papers = papers.filter(date__lte=date_to)
    # The organizations come in a query of their own: joined, the database would join every matching paper
    # before it sorts and cuts the page.
    return papers.prefetch_related("originator_organization", "under_direction_of") \
        .order_by(F("date").desc(nulls_last=True), "-pk")


def paper_for_page(*, municipality: Municipality) -> QuerySet[Paper]:
    """A paper with its files and its path through the committees (consultations in the order of their meetings)."""
    path = (_live(Consultation).select_related("meeting", "organization", "agenda_item")
            .order_by(F("meeting__start").asc(nulls_last=True), "pk"))
    return _live(Paper).filter(municipality=municipality) \
        .select_related("originator_organization", "under_direction_of", "location") \
        .prefetch_related(_files(), Prefetch("consultations", queryset=path))


def organization_for_page(*, municipality: Municipality) -> QuerySet[Organization]:
    """An organization with its current members (and the group each sits for)."""
    today = timezone.localdate()
    members = (_live(Membership).filter(Q(end_date__isnull=True) | Q(end_date__gte=today), person__deleted=False)
               .select_related("person", "on_behalf_of").order_by("person__family_name", "person__name", "pk"))
    return _live(Organization).filter(municipality=municipality).select_related("sub_organization_of", "location") \
        .prefetch_related(Prefetch("memberships", queryset=members, to_attr="current_memberships"))


def people_for_list(*, municipality: Municipality) -> QuerySet[Person]:
    return _live(Person).filter(municipality=municipality).order_by("family_name", "name", "pk")


def person_for_page(*, municipality: Municipality) -> QuerySet[Person]:
    """A person with their memberships, current ones first."""
    memberships = (_live(Membership).filter(organization__deleted=False).select_related("organization", "on_behalf_of")
                   .order_by(F("end_date").desc(nulls_first=True), "organization__name", "pk"))
    return _live(Person).filter(municipality=municipality).select_related("location") \
        .prefetch_related(Prefetch("memberships", queryset=memberships))


def papers_for_search() -> QuerySet[Paper]:
    """What the search rebuild walks: live papers with the text of their files."""
    return _live(Paper).select_related("municipality").prefetch_related(_files())
