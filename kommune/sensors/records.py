"""The record set "sensor_daily_means": the daily means of every citizen sensor of a municipality as open data.
The owner is never named; the place is the public one (rounded to about a kilometre unless the owner chose to
publish it exactly). The single readings are open data too, one CSV per sensor and day (views.day_csv)."""

from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from kommune.core.models import Municipality
from kommune.core.records import Column, register_record_set
from kommune.sensors.events import SensorDayComputed, SensorRegistered, SensorRemoved, SensorUpdated
from kommune.sensors.models import DailyMean
from kommune.sensors.services import PM10_DAILY_LIMIT, PM10_DAILY_LIMIT_2030

COLUMNS = (
    Column("id", "string", _("Sensor number and day, e.g. 12-2025-03-01."), required=True),
    Column("sensor_id", "integer", _("Number of the sensor on this platform."), required=True),
    Column("sensor_name", "string", _("Name of the sensor."), required=True),
    Column("latitude", "number", _("Latitude of the sensor's public place (WGS 84)."), required=True),
    Column("longitude", "number", _("Longitude of the sensor's public place (WGS 84)."), required=True),
    Column("day", "date", _("The day (Europe/Berlin)."), required=True),
    Column("pm10", "number", _("PM10 daily mean in µg/m³ over the reliable readings, if any.")),
    Column("pm25", "number", _("PM2.5 daily mean in µg/m³ over the reliable readings, if any.")),
    Column("temperature", "number", _("Mean temperature in °C, if measured.")),
    Column("humidity", "number", _("Mean relative humidity in %, if measured.")),
    Column("readings", "integer", _("Number of readings of the day."), required=True),
    Column("unreliable_readings", "integer", _("Readings taken above 70 % relative humidity, left out of the PM "
                                               "means."), required=True),
    Column("pm10_above_50", "boolean", _("PM10 daily mean above the EU limit of 50 µg/m³."), required=True),
    Column("pm10_above_45", "boolean", _("PM10 daily mean above the limit of 45 µg/m³ that applies from 2030."),
           required=True),
    Column("csv_url", "string", _("Address of the day's single readings as CSV."), required=True),
)


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def rows(municipality: Municipality) -> Iterator[dict[str, Any]]:
    """One query, streamed, oldest day first."""
    site = settings.SITE_URL.rstrip("/")
    means = (DailyMean.objects.filter(municipality=municipality)
             .values_list("sensor_id", "sensor__name", "sensor__latitude", "sensor__longitude",
                          "sensor__exact_location_public", "day", "pm10", "pm25", "temperature", "humidity",
                          "readings", "unreliable_readings")
             .order_by("day", "sensor_id"))
    for (sensor_id, name, latitude, longitude, exact, day, pm10, pm25, temperature, humidity, readings,
         unreliable) in means.iterator(chunk_size=2000):
        yield {
            "id": f"{sensor_id}-{day.isoformat()}", "sensor_id": sensor_id, "sensor_name": name,
            "latitude": float(latitude) if exact else round(float(latitude), 2),
            "longitude": float(longitude) if exact else round(float(longitude), 2),
            "day": day, "pm10": _round(pm10), "pm25": _round(pm25), "temperature": _round(temperature),
            "humidity": _round(humidity), "readings": readings, "unreliable_readings": unreliable,
            "pm10_above_50": pm10 is not None and pm10 > PM10_DAILY_LIMIT,
            "pm10_above_45": pm10 is not None and pm10 > PM10_DAILY_LIMIT_2030,
            "csv_url": f"{site}/{municipality.slug}/sensoren/{sensor_id}/{day.isoformat()}.csv",
        }


def register() -> None:
    register_record_set(
        key="sensor_daily_means", title=_("Fine dust: daily means of citizen sensors"),
        description=_("Daily means of particulate matter (PM10, PM2.5), temperature and humidity measured by "
                      "residents' sensors (sensor.community), with the days above the EU limits. Without personal "
                      "data: no owners, places rounded to about one kilometre."),
        columns=COLUMNS, rows=rows,
        changed_by=(SensorDayComputed, SensorRegistered, SensorUpdated, SensorRemoved),
        themes=("ENVI",), keywords=("Feinstaub", "Luftqualität", "PM10", "PM2,5", "Citizen Science",
                                    "sensor.community"))
