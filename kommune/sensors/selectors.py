"""Reads of the fine-dust sensors that pages, the API and the open data share. Every read costs a fixed number of
queries, however many sensors and readings there are: the daily means are their own table, and the latest
reading of each sensor is a subquery over the (sensor, time) index."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.core.paginator import Page, Paginator
from django.db.models import Avg, Count, Max, OuterRef, Q, QuerySet, Subquery

from kommune.core.models import Municipality
from kommune.sensors.models import DailyMean, Reading, Sensor
from kommune.sensors.services import PM10_DAILY_LIMIT, PM10_DAILY_LIMIT_2030, day_bounds

PAGE_SIZE = 50


def sensors_of(municipality: Municipality) -> QuerySet[Sensor]:
    return Sensor.objects.filter(municipality=municipality).select_related("municipality").order_by("name", "pk")


def with_latest(sensors: QuerySet[Sensor]) -> QuerySet[Sensor]:
    latest = Reading.objects.filter(sensor=OuterRef("pk")).order_by("-measured_at")
    return sensors.annotate(latest_at=Subquery(latest.values("measured_at")[:1]),
                            latest_pm10=Subquery(latest.values("pm10")[:1]),
                            latest_pm25=Subquery(latest.values("pm25")[:1]))


def sensor_page(municipality: Municipality, number: str | int | None) -> Page:
    """A page of the municipality's sensors with their latest reading."""
    return Paginator(with_latest(sensors_of(municipality)), PAGE_SIZE).get_page(number)


@dataclass(frozen=True)
class YearSummary:
    year: int
    days: int  # days with a PM10 daily mean
    pm10_mean: float | None
    pm25_mean: float | None
    days_above_50: int
    days_above_45: int


def year_summaries(daily: QuerySet[DailyMean]) -> list[YearSummary]:
    """Per year, newest first: the days measured, the annual means and the days above the PM10 daily limits."""
    rows = (daily.values("day__year")
            .annotate(days=Count("pk", filter=Q(pm10__isnull=False)), pm10_mean=Avg("pm10"), pm25_mean=Avg("pm25"),
                      above_50=Count("pk", filter=Q(pm10__gt=PM10_DAILY_LIMIT)),
                      above_45=Count("pk", filter=Q(pm10__gt=PM10_DAILY_LIMIT_2030)))
            .order_by("-day__year"))
    return [YearSummary(row["day__year"], row["days"], row["pm10_mean"], row["pm25_mean"], row["above_50"],
                        row["above_45"]) for row in rows]


def sensor_year_summaries(sensor: Sensor) -> list[YearSummary]:
    return year_summaries(DailyMean.objects.filter(sensor=sensor))


def sensor_days(sensor: Sensor, start: date, end: date) -> list[DailyMean]:
    """The daily means of ``start`` to ``end`` (inclusive), oldest first."""
    return list(DailyMean.objects.filter(sensor=sensor, day__gte=start, day__lte=end).order_by("day"))


@dataclass(frozen=True)
class MunicipalityDay:
    day: date
    pm10: float | None  # the mean over the sensors' daily means
    pm25: float | None
    pm10_max: float | None  # the highest sensor's daily mean
    sensors: int


def municipality_days(municipality: Municipality, start: date, end: date) -> list[MunicipalityDay]:
    rows = (DailyMean.objects.filter(municipality=municipality, day__gte=start, day__lte=end)
            .values("day").annotate(pm10_mean=Avg("pm10"), pm25_mean=Avg("pm25"), pm10_max=Max("pm10"),
                                    sensors=Count("pk"))
            .order_by("day"))
    return [MunicipalityDay(row["day"], row["pm10_mean"], row["pm25_mean"], row["pm10_max"], row["sensors"])
            for row in rows]


@dataclass(frozen=True)
class MunicipalityYear:
    year: int
    days_any_above_50: int  # days on which at least one sensor's PM10 daily mean was above 50
    days_any_above_45: int


def municipality_years(municipality: Municipality) -> list[MunicipalityYear]:
    rows = (DailyMean.objects.filter(municipality=municipality)
            .values("day__year")
            .annotate(above_50=Count("day", distinct=True, filter=Q(pm10__gt=PM10_DAILY_LIMIT)),
                      above_45=Count("day", distinct=True, filter=Q(pm10__gt=PM10_DAILY_LIMIT_2030)))
            .order_by("-day__year"))
    return [MunicipalityYear(row["day__year"], row["above_50"], row["above_45"]) for row in rows]


def municipality_year_summaries(municipality: Municipality) -> list[YearSummary]:
    return year_summaries(DailyMean.objects.filter(municipality=municipality))


def latest_day(municipality: Municipality) -> date | None:
    return (DailyMean.objects.filter(municipality=municipality).order_by("-day")
            .values_list("day", flat=True).first())


def sensor_latest_day(sensor: Sensor) -> date | None:
    return DailyMean.objects.filter(sensor=sensor).order_by("-day").values_list("day", flat=True).first()


def readings_of_day(sensor: Sensor, day: date) -> QuerySet[Reading]:
    start, end = day_bounds(day)
    return (Reading.objects.filter(sensor=sensor, measured_at__gte=start, measured_at__lt=end)
            .order_by("measured_at", "pk"))


def days_with_readings(sensor: Sensor, end: date, days: int = 31) -> list[date]:
    """The days of the last ``days`` up to ``end`` that have a daily mean (and so readings), newest first."""
    return list(DailyMean.objects.filter(sensor=sensor, day__gt=end - timedelta(days=days), day__lte=end)
                .order_by("-day").values_list("day", flat=True))
