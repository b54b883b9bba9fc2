"""Reads of the volunteer projects that the pages, the API, the open data and the person pages share."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils import timezone

from kommune.core.models import Municipality
from kommune.volunteering.models import Project, Shift, SignUp, Skill, VolunteerPreference

BERLIN = ZoneInfo("Europe/Berlin")
PAGE_SIZE = 25


def local_today(now: datetime | None = None) -> date:
    return (now or timezone.now()).astimezone(BERLIN).date()


def public_projects(municipality: Municipality) -> QuerySet[Project]:
    return (Project.objects.filter(municipality=municipality, is_published=True)
            .select_related("organisation", "lab", "municipality"))


def public_shifts(municipality: Municipality) -> QuerySet[Shift]:
    return (Shift.objects.filter(municipality=municipality, project__is_published=True)
            .select_related("project__organisation", "project__lab", "project__municipality", "municipality"))


def open_q(now: datetime | None = None) -> Q:
    """Shifts that still lie ahead, or are ongoing (without a date), and were not called off."""
    return Q(is_cancelled=False) & (Q(starts_at__isnull=True) | Q(starts_at__gt=now or timezone.now()))


@dataclass(frozen=True)
class ShiftFilters:
    skill: str = ""
    district: str = ""
    date_from: date | None = None
    date_to: date | None = None
    free_only: bool = False

    def apply(self, shifts: QuerySet[Shift]) -> QuerySet[Shift]:
        if self.skill in Skill.values:
            shifts = shifts.filter(skills__contains=f",{self.skill},")
        if self.district:
            shifts = shifts.filter(district=self.district)
        if self.date_from is not None:
            shifts = shifts.filter(Q(starts_at__isnull=True)
                                   | Q(starts_at__gte=datetime.combine(self.date_from, time.min, BERLIN)))
        if self.date_to is not None:
            end = datetime.combine(self.date_to + timedelta(days=1), time.min, BERLIN)
            shifts = shifts.filter(Q(starts_at__isnull=True) | Q(starts_at__lt=end))
        if self.free_only:
            shifts = shifts.filter(signed_up_count__lt=F("capacity"))
        return shifts

    def query(self) -> dict[str, Any]:
        values = {"skill": self.skill, "district": self.district,
                  "from": self.date_from.isoformat() if self.date_from else "",
                  "to": self.date_to.isoformat() if self.date_to else "", "free": "on" if self.free_only else ""}
        return {key: value for key, value in values.items() if value}


def upcoming_shifts(municipality: Municipality, filters: ShiftFilters | None = None) -> QuerySet[Shift]:
    shifts = public_shifts(municipality).filter(open_q())
    return (filters or ShiftFilters()).apply(shifts)


def districts_of(municipality: Municipality) -> list[str]:
    return sorted(set(public_shifts(municipality).exclude(district="").values_list("district", flat=True)))


def shifts_of(project: Project) -> list[Shift]:
    return list(project.shifts.select_related("municipality", "project")
                .order_by(F("starts_at").asc(nulls_last=True), "pk"))


def roster(shift: Shift) -> QuerySet[SignUp]:
    """The organisers' list of a shift: the people signed up, then the cancelled ones."""
    return (SignUp.objects.filter(shift=shift).select_related("assisted_by", "attendance_confirmed_by", "user")
            .order_by("status", "created_at", "pk"))


def sign_ups_of(user, municipality: Municipality) -> QuerySet[SignUp]:
    return (SignUp.objects.filter(user=user, municipality=municipality)
            .select_related("shift__project", "municipality").order_by("-created_at", "-pk"))


@dataclass(frozen=True)
class Contribution:
    project: Project
    hours: Decimal
    shifts: int


def contributions_of(user, municipality: Municipality) -> list[Contribution]:
    """What a person contributed in the municipality: per project, the confirmed hours and shifts taken part in."""
    rows = (SignUp.objects.filter(user=user, municipality=municipality, status=SignUp.Status.CONFIRMED,
                                  attendance=SignUp.Attendance.ATTENDED)
            .values("shift__project").annotate(hours=Sum("hours"), shifts=Count("pk")).order_by("shift__project"))
    projects = {project.pk: project for project in Project.objects.filter(
        pk__in=[row["shift__project"] for row in rows]).select_related("municipality", "organisation", "lab")}
    return [Contribution(projects[row["shift__project"]], plain_hours(row["hours"] or Decimal(0)), row["shifts"])
            for row in rows]


def plain_hours(value: Decimal) -> Decimal:
    """3 rather than 3.00, 2.5 rather than 2.50, the same on SQLite and PostgreSQL (whose sum keeps the scale)."""
    value = Decimal(value).quantize(Decimal("0.01"))
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


def total_hours(contributions: list[Contribution]) -> Decimal:
    return plain_hours(sum((item.hours for item in contributions), Decimal(0)))


def shows_on_profile(user, municipality: Municipality) -> bool:
    return VolunteerPreference.objects.filter(user=user, municipality=municipality, show_on_profile=True).exists()


def projects_organised_by(user, municipality: Municipality) -> list[Project]:
    from kommune.volunteering.rules import organises

    candidates = Project.objects.filter(municipality=municipality).select_related("organisation", "lab",
                                                                                   "municipality")
    return [project for project in candidates.order_by("-created_at")[:200] if organises(user, project)]
