"""Reads of the digital-help network that the pages, the feeds and the API share."""

import calendar
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from kommune.core.models import Lab, Municipality
from kommune.core.personal import PersonalCache
from kommune.core.roles import holds_role_anywhere
from kommune.inclusion.models import Category, Course, Event, Partner, Registration

BERLIN = ZoneInfo("Europe/Berlin")
PAGE_SIZE = 25


def local_today(now: datetime | None = None) -> date:
    return (now or timezone.now()).astimezone(BERLIN).date()


def day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, BERLIN)


def network_municipalities(municipality: Municipality) -> list[Municipality]:
    """The municipality and those that share a lab with it: the network a directory can span."""
    labs = Lab.objects.filter(municipalities=municipality)
    return list(Municipality.objects.filter(Q(pk=municipality.pk) | Q(labs__in=labs)).distinct().order_by("name"))


# --- Partners ---------------------------------------------------------------------------------------------------


def approved_partners(municipality: Municipality) -> QuerySet[Partner]:
    return Partner.objects.filter(municipality=municipality, state=Partner.State.APPROVED)


@dataclass(frozen=True)
class PartnerFilters:
    district: str = ""
    offer: str = ""
    step_free: bool = False
    hearing_loop: bool = False
    accessible_toilet: bool = False
    network: bool = False  # the whole lab network, not only this municipality

    def apply(self, partners: QuerySet[Partner]) -> QuerySet[Partner]:
        if self.district:
            partners = partners.filter(district=self.district)
        if self.offer:
            partners = partners.filter(offer_rows__category=self.offer)
        for name in ("step_free", "hearing_loop", "accessible_toilet"):
            if getattr(self, name):
                partners = partners.filter(**{name: True})
        return partners


def partner_directory(municipality: Municipality, filters: PartnerFilters) -> QuerySet[Partner]:
    if filters.network:
        scope = Partner.objects.filter(municipality__in=network_municipalities(municipality),
                                       state=Partner.State.APPROVED)
    else:
        scope = approved_partners(municipality)
    return filters.apply(scope).select_related("municipality").order_by("name", "pk")


def districts_of(municipality: Municipality) -> list[str]:
    return sorted(set(approved_partners(municipality).exclude(district="").values_list("district", flat=True)))


def _municipalities_with_partners_submitted_by(user_id: int) -> frozenset[int]:
    return frozenset(Partner.objects.filter(submitted_by_id=user_id, state=Partner.State.APPROVED)
                     .values_list("municipality_id", flat=True))


# Where a person submitted an approved partner, asked by every calendar page ("publish an event"): kept like their
# roles (a partner's save or delete counts its submitter's version on; InclusionConfig.ready() watches them).
SUBMITTED = PersonalCache("partners-submitted", _municipalities_with_partners_submitted_by, 600)


def may_publish_events(user, municipality: Municipality) -> bool:
    """Whether ``partners_managed_by`` finds any partner; without a query for everyone who has no partner role, no
    approved partner submitted there and no place in the team."""
    from kommune.core.models import Role

    if not getattr(user, "is_authenticated", False):
        return False
    if (not user.has_perm("inclusion.manage", municipality) and not holds_role_anywhere(user, Role.PARTNER)
            and municipality.pk not in SUBMITTED.get(user.pk)):
        return False
    return partners_managed_by(user, municipality).exists()


def partners_managed_by(user, municipality: Municipality) -> QuerySet[Partner]:
    """The partners ``user`` may publish events for (all approved ones for the team)."""
    from kommune.core.models import Membership, Role

    if not getattr(user, "is_authenticated", False):
        return Partner.objects.none()
    partners = approved_partners(municipality)
    if user.has_perm("inclusion.manage", municipality):
        return partners
    organisations = Membership.objects.filter(user=user, role=Role.PARTNER).values("organisation_id")
    return partners.filter(Q(submitted_by=user) | Q(organisation_id__in=organisations))


def pending_partners(municipality: Municipality) -> QuerySet[Partner]:
    return Partner.objects.filter(municipality=municipality, state=Partner.State.PENDING).select_related(
        "submitted_by").order_by("created_at", "pk")


# --- Events -----------------------------------------------------------------------------------------------------


WHEN_CHOICES = ("upcoming", "today", "week")


@dataclass(frozen=True)
class EventFilters:
    when: str = "upcoming"  # upcoming, today, week
    category: str = ""
    district: str = ""
    partner: Partner | None = None
    level: str = ""
    online: bool = False
    step_free: bool = False
    free_places: bool = False

    def query(self) -> dict[str, Any]:
        found: dict[str, Any] = {}
        for name in ("category", "district", "level"):
            if getattr(self, name):
                found[name] = getattr(self, name)
        if self.when != "upcoming":
            found["when"] = self.when
        if self.partner is not None:
            found["partner"] = self.partner.slug
        for name in ("online", "step_free", "free_places"):
            if getattr(self, name):
                found[name] = "1"
        return found


def public_events(municipality: Municipality) -> QuerySet[Event]:
    """Dates of the municipality's calendar (also cancelled ones, marked), at approved places or online."""
    return Event.objects.filter(municipality=municipality).filter(
        Q(partner__isnull=True) | Q(partner__state=Partner.State.APPROVED))


def event_window(filters: EventFilters, now: datetime | None = None) -> tuple[datetime, datetime | None]:
    now = now or timezone.now()
    today = local_today(now)
    if filters.when == "today":
        return now, day_start(today + timedelta(days=1))
    if filters.when == "week":
        monday = today - timedelta(days=today.weekday())
        return now, day_start(monday + timedelta(days=7))
    return now, None


def upcoming_events(municipality: Municipality, filters: EventFilters, now: datetime | None = None
                    ) -> QuerySet[Event]:
    """The dates not yet over, soonest first, with their place and course in the same query."""
    begin, end = event_window(filters, now)
    events = public_events(municipality).filter(ends_at__gte=begin)
    if end is not None:
        events = events.filter(starts_at__lt=end)
    if filters.category:
        events = events.filter(category=filters.category)
    if filters.district:
        events = events.filter(partner__district=filters.district)
    if filters.partner is not None:
        events = events.filter(partner=filters.partner)
    if filters.level:
        events = events.filter(level=filters.level)
    if filters.online:
        events = events.filter(is_online=True)
    if filters.step_free:
        events = events.filter(partner__step_free=True)
    if filters.free_places:
        events = events.filter(
            Q(course__isnull=True, capacity__isnull=True) | Q(course__isnull=True, capacity__gt=F("confirmed_count"))
            | Q(course__isnull=False, course__capacity__gt=F("course__confirmed_count")))
    return events.select_related("partner__municipality", "course", "municipality").order_by("starts_at", "pk")


def events_between(municipality: Municipality, begin: datetime, end: datetime, *,
                   partner: Partner | None = None, category: str = "") -> QuerySet[Event]:
    events = public_events(municipality).filter(starts_at__gte=begin, starts_at__lt=end)
    if partner is not None:
        events = events.filter(partner=partner)
    if category:
        events = events.filter(category=category)
    return events.select_related("partner__municipality", "course", "municipality").order_by("starts_at", "pk")


@dataclass
class Day:
    day: date
    in_month: bool
    events: list[Event] = field(default_factory=list)


def month_grid(municipality: Municipality, year: int, month: int, *, category: str = "") -> list[list[Day]]:
    """The weeks (Monday first) of a month with the dates of each day, in one query."""
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    begin, end = day_start(weeks[0][0]), day_start(weeks[-1][-1] + timedelta(days=1))
    by_day: dict[date, list[Event]] = {}
    for event in events_between(municipality, begin, end, category=category):
        by_day.setdefault(event.starts_at.astimezone(BERLIN).date(), []).append(event)
    return [[Day(day, day.month == month, by_day.get(day, [])) for day in week] for week in weeks]


def week_programme(municipality: Municipality, monday: date) -> list[tuple[date, list[Event]]]:
    """The seven days from ``monday`` with their dates, for the printed programme."""
    by_day: dict[date, list[Event]] = {monday + timedelta(days=n): [] for n in range(7)}
    for event in events_between(municipality, day_start(monday), day_start(monday + timedelta(days=7))):
        by_day[event.starts_at.astimezone(BERLIN).date()].append(event)
    return list(by_day.items())


def feed_events(municipality: Municipality, *, partner: Partner | None = None, category: str = "",
                now: datetime | None = None) -> list[Event]:
    """What the iCalendar feeds carry: from 30 days back to a year ahead."""
    now = now or timezone.now()
    return list(events_between(municipality, now - timedelta(days=30), now + timedelta(days=366),
                               partner=partner, category=category))


def category_labels() -> dict[str, str]:
    return {value: str(label) for value, label in Category.choices}


def sessions_of(course: Course) -> list[Event]:
    return list(course.sessions.order_by("starts_at", "pk"))


# --- Registrations ----------------------------------------------------------------------------------------------


def participants(target: Event | Course) -> QuerySet[Registration]:
    field_name = "course" if isinstance(target, Course) else "event"
    return Registration.objects.filter(**{field_name: target}).exclude(status=Registration.Status.CANCELLED) \
        .select_related("assisted_by").order_by("status", "created_at", "pk")


def registrations_of(user) -> QuerySet[Registration]:
    return Registration.objects.filter(user=user).select_related("event", "course", "municipality").order_by(
        "-created_at", "-pk")
