"""The events the sensors app publishes (kommune.core.events). A single reading publishes none: a sensor pushes
every two and a half minutes, and nothing follows from one reading; the daily means do."""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import cast

from kommune.core.events import Event
from kommune.core.pagecache import register_page_tags
from kommune.sensors.models import Sensor


def sensor_page_tags(sensor: Sensor) -> tuple[str, ...]:
    return (f"sensor:{sensor.pk}", "sensors")


register_page_tags(Sensor, sensor_page_tags)


@dataclass(frozen=True)
class SensorEvent(Event):
    """target: the sensor."""

    def page_tags(self) -> Iterable[str]:
        return sensor_page_tags(cast(Sensor, self.target))


@dataclass(frozen=True)
class SensorRegistered(SensorEvent):
    name = "sensor.registered"
    requires = ("search", "opendata_records", "pagecache")


@dataclass(frozen=True)
class SensorUpdated(SensorEvent):
    name = "sensor.updated"
    requires = ("search", "opendata_records", "pagecache")


@dataclass(frozen=True)
class SensorRemoved(SensorEvent):
    name = "sensor.removed"
    requires = ("search", "opendata_records", "pagecache")


@dataclass(frozen=True)
class SensorDayComputed(SensorEvent):
    """The daily mean of a finished day; data: day (ISO), pm10, pm25 and whether PM10 was above the limit."""

    name = "sensor.day_computed"
    requires = ("opendata_records", "pagecache")


@dataclass(frozen=True)
class SensorLimitExceeded(SensorEvent):
    """A finished day's PM10 mean was above the EU daily limit; followers of the sensor hear of it. data: day, pm10."""

    name = "sensor.limit_exceeded"
    requires = ("notifications",)
