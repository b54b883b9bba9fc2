"""Writes of the fine-dust sensors: registering, changing and removing a sensor, its token, the firmware's push,
the daily means and the downsampling of older readings.

The push (``record_push``) is the hot path: about one request every 145 seconds per sensor, so a thousand
sensors send seven a second and a city's worth far more. It costs one indexed look-up of the sensor and one
INSERT; on PostgreSQL the INSERT commits without waiting for the disk (``synchronous_commit = off`` for that
transaction only): a crash may lose the last fraction of a second of measurements, never corrupt anything, and
a sensor pushes again in two and a half minutes anyway.
"""

import base64
import binascii
import hashlib
import hmac
import json
import math
import re
import secrets
import time as time_module
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import Count, F, FloatField, Q, Sum
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _

from kommune.core.cleaning import clean_text
from kommune.core.events import publish
from kommune.core.models import Municipality
from kommune.core.types import User
from kommune.sensors.events import (
    SensorDayComputed,
    SensorLimitExceeded,
    SensorRegistered,
    SensorRemoved,
    SensorUpdated,
)
from kommune.sensors.models import HUMIDITY_LIMIT, DailyMean, Reading, Sensor

BERLIN = ZoneInfo("Europe/Berlin")
# EU limits in µg/m³: Directive 2008/50/EC and, from 2030, Directive (EU) 2024/2881.
PM10_DAILY_LIMIT = 50.0
PM10_DAILY_LIMIT_2030 = 45.0
PM25_ANNUAL_LIMIT = 25.0
PM25_ANNUAL_LIMIT_2030 = 10.0

# The firmware's value types, by what they measure. The first one present in a push counts.
PM10_TYPES = ("SDS_P1", "PMS_P1", "SPS30_P1", "HPM_P1", "NPM_P1", "SEN5X_P1")
PM25_TYPES = ("SDS_P2", "PMS_P2", "SPS30_P2", "HPM_P2", "NPM_P2", "SEN5X_P2")
TEMPERATURE_TYPES = ("BME280_temperature", "temperature", "SHT3X_temperature", "HTU21D_temperature",
                     "BMP280_temperature", "DS18B20_temperature")
HUMIDITY_TYPES = ("BME280_humidity", "humidity", "SHT3X_humidity", "HTU21D_humidity")
# What a sensor can physically report; anything outside is a broken sensor or a forged push.
RANGES = {"pm10": (0.0, 2000.0), "pm25": (0.0, 2000.0), "temperature": (-60.0, 85.0), "humidity": (0.0, 100.0)}
MAX_VALUES = 64  # entries of sensordatavalues; the firmware sends about a dozen
CHIP_ID = re.compile(r"^[0-9]{1,20}$")
SENSOR_HEADER = re.compile(r"^(?:esp8266|esp32|raspi|smogomierz)-([0-9]{1,20})$")


def max_push_bytes() -> int:
    return settings.SENSORS_MAX_PUSH_BYTES


# --- Tokens -----------------------------------------------------------------------------------------------------


def new_token() -> tuple[str, str]:
    """A random token (shown once) and its SHA-256 (stored). The token has 256 bits of entropy, so a plain hash is
    enough; a slow password hash would cap the pushes per second."""
    token = secrets.token_urlsafe(32)
    return token, token_hash(token)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_matches(sensor_hash: str, token: str) -> bool:
    return hmac.compare_digest(sensor_hash, token_hash(token))


# --- Sensors ----------------------------------------------------------------------------------------------------


def clean_chip_id(value: str) -> str:
    """The chip ID as the sensor's page shows it ("12345678"), also accepted as "esp8266-12345678"."""
    value = (value or "").strip()
    match = SENSOR_HEADER.match(value)
    chip_id = match.group(1) if match else value
    if not CHIP_ID.match(chip_id):
        raise ValidationError({"chip_id": _("Enter the sensor ID as digits only, e.g. 12345678.")})
    return chip_id


def _clean_sensor(*, name: str, place: str, latitude: Decimal, longitude: Decimal) -> dict[str, Any]:
    errors: dict[str, Any] = {}
    cleaned: dict[str, Any] = {}
    for key, value, required in (("name", name, _("Give the sensor a name.")), ("place", place, None)):
        try:
            cleaned[key] = clean_text(value, max_length=100, required=required)
        except ValidationError as error:
            errors[key] = error
    if latitude is None or not Decimal(-90) <= latitude <= Decimal(90):
        errors["latitude"] = _("Enter a latitude between −90 and 90.")
    if longitude is None or not Decimal(-180) <= longitude <= Decimal(180):
        errors["longitude"] = _("Enter a longitude between −180 and 180.")
    if errors:
        raise ValidationError(errors)
    return {**cleaned, "latitude": latitude, "longitude": longitude}


def do_register_sensor(*, municipality: Municipality, owner: User, name: str, chip_id: str, latitude: Decimal,
                       longitude: Decimal, place: str = "", exact_location_public: bool = False
                       ) -> tuple[Sensor, str]:
    """Register a sensor; returns it with its token, which is shown once and stored only as a hash."""
    if not owner.has_perm("sensors.register_sensor", municipality):
        raise PermissionDenied
    fields = _clean_sensor(name=name, place=place, latitude=latitude, longitude=longitude)
    chip_id = clean_chip_id(chip_id)
    token, hashed = new_token()
    try:
        with transaction.atomic():
            sensor = Sensor.objects.create(municipality=municipality, owner=owner, chip_id=chip_id,
                                           exact_location_public=exact_location_public, token_hash=hashed, **fields)
            publish(SensorRegistered(municipality=municipality, target=sensor, actor=owner))
    except IntegrityError:
        raise ValidationError({"chip_id": _("A sensor with this ID is already registered. If it is yours and you "
                                            "moved, remove the old entry first.")}) from None
    return sensor, token


def _check_owner(sensor: Sensor, actor: User) -> None:
    if not (actor.has_perm("sensors.change_sensor", sensor)):
        raise PermissionDenied


def do_update_sensor(*, sensor: Sensor, actor: User, name: str, latitude: Decimal, longitude: Decimal,
                     place: str = "", exact_location_public: bool = False) -> Sensor:
    _check_owner(sensor, actor)
    fields = _clean_sensor(name=name, place=place, latitude=latitude, longitude=longitude)
    with transaction.atomic():
        for key, value in fields.items():
            setattr(sensor, key, value)
        sensor.exact_location_public = exact_location_public
        sensor.save(update_fields=[*fields, "exact_location_public"])
        publish(SensorUpdated(municipality=sensor.municipality, target=sensor, actor=actor))
    return sensor


def do_renew_token(*, sensor: Sensor, actor: User) -> str:
    """A new token; the old one stops working at once."""
    _check_owner(sensor, actor)
    token, hashed = new_token()
    Sensor.objects.filter(pk=sensor.pk).update(token_hash=hashed)
    sensor.token_hash = hashed
    forget_sensor(sensor.chip_id)
    return token


def do_remove_sensor(*, sensor: Sensor, actor: User) -> None:
    """Remove a sensor with all its readings and daily means (its owner, or staff for a broken one)."""
    if not (actor.has_perm("sensors.change_sensor", sensor) or actor.has_perm("sensors.manage", sensor.municipality)):
        raise PermissionDenied
    with transaction.atomic():
        publish(SensorRemoved(municipality=sensor.municipality, target=sensor, actor=actor))
        sensor.delete()
    forget_sensor(sensor.chip_id)


def delete_sensors_of(user: User) -> None:
    """Account deletion: a sensor stands at its owner's home, so it goes with its readings."""
    for sensor in Sensor.objects.filter(owner=user).select_related("municipality"):
        with transaction.atomic():
            publish(SensorRemoved(municipality=sensor.municipality, target=sensor))
            sensor.delete()


# --- The push ---------------------------------------------------------------------------------------------------


class PushRejected(Exception):
    """A push that is stored nowhere, with the HTTP status and the reason for the sensor's log."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class Values:
    pm10: float | None = None
    pm25: float | None = None
    temperature: float | None = None
    humidity: float | None = None

    @property
    def unreliable(self) -> bool:
        return self.humidity is not None and self.humidity > HUMIDITY_LIMIT

    def is_empty(self) -> bool:
        return self.pm10 is None and self.pm25 is None and self.temperature is None and self.humidity is None


def number(value: Any, what: str) -> float:
    """A measured value: a number or a string of one (the firmware sends strings); never NaN, infinite or out of
    its physical range."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise PushRejected(422, f"The value of {what} is not a number.")
    try:
        result = float(value) if not isinstance(value, str) or len(value) <= 32 else math.nan
    except ValueError:
        raise PushRejected(422, f"The value of {what} is not a number.") from None
    if not math.isfinite(result):
        raise PushRejected(422, f"The value of {what} is not a finite number.")
    return result


def values_from(items: Any) -> Values:
    """The measured values of ``sensordatavalues``; value types this platform does not keep are skipped."""
    if not isinstance(items, list):
        raise PushRejected(400, "sensordatavalues must be a list.")
    if len(items) > MAX_VALUES:
        raise PushRejected(413, "Too many values in one push.")
    by_type: dict[str, Any] = {}
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("value_type"), str) or "value" not in item:
            raise PushRejected(400, "Every entry of sensordatavalues needs a value_type and a value.")
        by_type.setdefault(item["value_type"], item["value"])
    found: dict[str, float] = {}
    for key, types in (("pm10", PM10_TYPES), ("pm25", PM25_TYPES), ("temperature", TEMPERATURE_TYPES),
                       ("humidity", HUMIDITY_TYPES)):
        for value_type in types:
            if value_type in by_type:
                value = number(by_type[value_type], value_type)
                low, high = RANGES[key]
                if not low <= value <= high:
                    raise PushRejected(422, f"The value of {value_type} is outside {low:g} to {high:g}.")
                found[key] = value
                break
    return Values(**found)


def _basic_credentials(authorization: str) -> tuple[str, str]:
    """(user, password) of HTTP Basic authentication, which the firmware sends for its "custom API" when a user or
    password is configured; or ("", token) for ``Authorization: Bearer <token>``."""
    scheme, _space, credentials = (authorization or "").partition(" ")
    if scheme.lower() == "bearer" and credentials.strip():
        return "", credentials.strip()
    if scheme.lower() != "basic":
        raise PushRejected(401, "Authentication missing: set the user (the municipality) and the password (the "
                                "sensor's token) of the custom API in the sensor's configuration.")
    try:
        decoded = base64.b64decode(credentials.strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        raise PushRejected(401, "Authentication unreadable.") from None
    user, _colon, password = decoded.partition(":")
    return user, password


# The push's look-up of the sensor, kept in the process for a minute: a sensor pushes every 145 seconds, so nearly
# every push would otherwise cost a query. A new token works at once (a token that does not match the remembered
# one is checked against the database); a replaced token is refused at the latest a minute later, in every process.
AUTH_CACHE_SECONDS = 60.0
_sensors_seen: dict[str, tuple[float, int, int, str, str]] = {}


def _sensor_row(chip_id: str, *, fresh: bool) -> tuple[int, int, str, str] | None:
    now = time_module.monotonic()
    cached = _sensors_seen.get(chip_id)
    if cached is not None and not fresh and cached[0] > now:
        return cached[1:]
    row = (Sensor.objects.filter(chip_id=chip_id)
           .values_list("pk", "municipality_id", "municipality__slug", "token_hash").first())
    if row is None:
        _sensors_seen.pop(chip_id, None)
        return None
    if len(_sensors_seen) > 100_000:
        _sensors_seen.clear()
    _sensors_seen[chip_id] = (now + AUTH_CACHE_SECONDS, *row)
    return row


def forget_sensor(chip_id: str) -> None:
    _sensors_seen.pop(chip_id, None)


def authenticate(sensor_header: str, authorization: str) -> tuple[int, int]:
    """The sensor named by ``X-Sensor`` whose token ``authorization`` carries: (sensor id, municipality id)."""
    if not sensor_header:
        raise PushRejected(400, "The header X-Sensor is missing.")
    match = SENSOR_HEADER.match(sensor_header.strip())
    if not match:
        raise PushRejected(400, "The header X-Sensor must look like esp8266-12345678.")
    user, token = _basic_credentials(authorization)
    row = _sensor_row(match.group(1), fresh=False)
    if row is not None and not (token and token_matches(row[3], token)):
        row = _sensor_row(match.group(1), fresh=True)  # perhaps a new token
    if row is None:
        raise PushRejected(404, "No sensor with this ID is registered here.")
    sensor_id, municipality_id, slug, hashed = row
    if not token or not token_matches(hashed, token):
        raise PushRejected(401, "Wrong token for this sensor.")
    if user and user != slug:
        raise PushRejected(403, "This sensor is registered in another municipality.")
    return sensor_id, municipality_id


def parse_body(body: bytes, sensor_header: str) -> Values:
    if len(body) > max_push_bytes():
        raise PushRejected(413, "The push is too large.")
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        raise PushRejected(400, "The body is not valid JSON.") from None
    if not isinstance(data, dict):
        raise PushRejected(400, "The body must be a JSON object.")
    chip = data.get("esp8266id")
    if chip is not None and not sensor_header.endswith(f"-{chip}"):
        raise PushRejected(400, "esp8266id does not match the header X-Sensor.")
    values = values_from(data.get("sensordatavalues"))
    if values.is_empty():
        raise PushRejected(422, "The push contains no particulate matter, temperature or humidity value.")
    return values


def _literal(value: float | None) -> str:
    return "NULL" if value is None else repr(float(value))


def store_reading(*, sensor_id: int, values: Values, measured_at: datetime) -> None:
    """One INSERT. On PostgreSQL without waiting for the disk (see the module docstring), in one round trip: the
    statement carries only numbers and a time this module made, so it is written out rather than bound."""
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        sql = ("BEGIN; SET LOCAL synchronous_commit TO OFF; INSERT INTO sensors_reading (sensor_id, measured_at, pm10, "
               "pm25, temperature, humidity, unreliable, samples) VALUES ({}, '{}', {}, {}, {}, {}, {}, 1); COMMIT"
               .format(int(sensor_id), measured_at.isoformat(), _literal(values.pm10), _literal(values.pm25),
                       _literal(values.temperature), _literal(values.humidity),
                       "true" if values.unreliable else "false"))
        with connection.cursor() as cursor:
            try:
                cursor.execute(sql)
            except DatabaseError:
                cursor.execute("ROLLBACK")
                raise
        return
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
        Reading.objects.create(sensor_id=sensor_id, measured_at=measured_at, pm10=values.pm10, pm25=values.pm25,
                               temperature=values.temperature, humidity=values.humidity,
                               unreliable=values.unreliable)


def record_push(*, sensor_header: str, authorization: str, body: bytes, received_at: datetime | None = None
                ) -> Values:
    """Accept one push of the airrohr firmware's "custom API", or raise PushRejected and store nothing.

    ``received_at`` is the time of the measurement (the firmware sends none): now, or the simulated time of a
    replay."""
    values = parse_body(body, sensor_header or "")
    sensor_id, _municipality_id = authenticate(sensor_header, authorization)
    store_reading(sensor_id=sensor_id, values=values, measured_at=received_at or timezone.now())
    return values


def do_record_reading(*, sensor: Sensor, token: str, values: Values, measured_at: datetime | None = None) -> None:
    """A reading written through the REST API by a client holding the sensor's token."""
    if not token_matches(sensor.token_hash, token or ""):
        raise PermissionDenied
    if values.is_empty():
        raise ValidationError(_("Send at least one value."))
    for key, (low, high) in RANGES.items():
        value = getattr(values, key)
        if value is not None and not (math.isfinite(value) and low <= value <= high):
            raise ValidationError(_("%(field)s must be between %(low)s and %(high)s.") % {
                "field": key, "low": low, "high": high})
    now = timezone.now()
    measured_at = measured_at or now
    if timezone.is_naive(measured_at):
        raise ValidationError(_("Give the time of the reading with its time zone, e.g. 2025-03-01T12:00:00+01:00."))
    if measured_at > now + timedelta(minutes=5) or measured_at < now - timedelta(days=7):
        raise ValidationError(_("The time of the reading must lie within the last seven days."))
    store_reading(sensor_id=sensor.pk, values=values, measured_at=measured_at)


# --- Daily means and downsampling ---------------------------------------------------------------------------------


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """The start and end of a day in Europe/Berlin (23 or 25 hours on the days the clocks change)."""
    start = datetime.combine(day, time.min, tzinfo=BERLIN)
    end = datetime.combine(day + timedelta(days=1), time.min, tzinfo=BERLIN)
    return start, end


def _weighted(field: str, extra: Q | None = None) -> tuple[Sum, Sum]:
    condition = Q(**{f"{field}__isnull": False}) & (extra or Q())
    weighted = Sum(Cast(F(field), FloatField()) * F("samples"), filter=condition, output_field=FloatField())
    return weighted, Sum("samples", filter=condition)


def daily_means_of(day: date, sensor_ids: list[int] | None = None) -> dict[int, dict[str, Any]]:
    """The means of each sensor on ``day`` from its readings: PM over the reliable ones, temperature and humidity
    over all; hourly means weigh as the readings they replaced."""
    start, end = day_bounds(day)
    readings = Reading.objects.filter(measured_at__gte=start, measured_at__lt=end)
    if sensor_ids is not None:
        readings = readings.filter(sensor_id__in=sensor_ids)
    reliable = Q(unreliable=False)
    aggregates: dict[str, Any] = {"readings": Sum("samples"), "unreliable_readings": Sum("samples", filter=~reliable),
                                  "n": Count("id")}
    for field, extra in (("pm10", reliable), ("pm25", reliable), ("temperature", None), ("humidity", None)):
        aggregates[f"{field}_sum"], aggregates[f"{field}_n"] = _weighted(field, extra)
    result = {}
    rows: Any = readings.values("sensor_id").annotate(**aggregates).order_by("sensor_id")
    for row in rows:
        means = {field: (row[f"{field}_sum"] / row[f"{field}_n"]) if row[f"{field}_n"] else None
                 for field in ("pm10", "pm25", "temperature", "humidity")}
        result[row["sensor_id"]] = {**means, "readings": row["readings"] or 0,
                                    "unreliable_readings": row["unreliable_readings"] or 0}
    return result


def compute_daily_means(*, day: date) -> int:
    """Store (or replace) the daily means of every sensor with readings on ``day``; returns how many."""
    means = daily_means_of(day)
    municipalities = dict(Sensor.objects.filter(pk__in=means).values_list("pk", "municipality_id"))
    with transaction.atomic():
        DailyMean.objects.filter(day=day, sensor_id__in=means).delete()
        DailyMean.objects.bulk_create([DailyMean(sensor_id=sensor_id, municipality_id=municipalities[sensor_id],
                                                 day=day, **values)
                                       for sensor_id, values in means.items() if sensor_id in municipalities],
                                      batch_size=1000)
        for sensor in Sensor.objects.filter(pk__in=means).select_related("municipality"):
            values = means[sensor.pk]
            data = {"day": day.isoformat(), "pm10": values["pm10"], "pm25": values["pm25"]}
            publish(SensorDayComputed(municipality=sensor.municipality, target=sensor, data=data))
            if values["pm10"] is not None and values["pm10"] > PM10_DAILY_LIMIT:
                publish(SensorLimitExceeded(municipality=sensor.municipality, target=sensor, data=data))
    return len(means)


def compute_pending_days(*, now: datetime | None = None, days_back: int = 3) -> int:
    """The daily means of the last finished days (run by sensors_aggregate, e.g. every night)."""
    today = timezone.localdate(now or timezone.now(), BERLIN)
    return sum(compute_daily_means(day=today - timedelta(days=back)) for back in range(1, days_back + 1))


def downsample(*, now: datetime | None = None, raw_days: int | None = None) -> int:
    """Replace readings older than ``raw_days`` (setting SENSORS_RAW_DAYS) by hourly means, one row per sensor and
    hour: PM the mean of the reliable readings (the hour is unreliable when none was), temperature and humidity
    of all; ``samples`` says how many readings a row stands for. Returns the number of rows removed."""
    raw_days = settings.SENSORS_RAW_DAYS if raw_days is None else raw_days
    cutoff = (now or timezone.now()) - timedelta(days=raw_days)
    cutoff = cutoff.replace(minute=0, second=0, microsecond=0)
    removed = 0
    sensor_ids = list(Reading.objects.filter(measured_at__lt=cutoff, samples=1)
                      .values_list("sensor_id", flat=True).distinct().order_by("sensor_id"))
    for sensor_id in sensor_ids:
        rows = (Reading.objects.filter(sensor_id=sensor_id, measured_at__lt=cutoff, samples=1)
                .values_list("id", "measured_at", "pm10", "pm25", "temperature", "humidity", "unreliable"))
        hours: dict[datetime, list[tuple]] = defaultdict(list)
        ids = []
        for row in rows.iterator(chunk_size=5000):
            ids.append(row[0])
            hours[row[1].replace(minute=0, second=0, microsecond=0)].append(row)
        hourly = [_hourly(sensor_id, hour, group) for hour, group in sorted(hours.items())]
        with transaction.atomic():
            Reading.objects.bulk_create(hourly, batch_size=2000)
            for start in range(0, len(ids), 5000):
                Reading.objects.filter(pk__in=ids[start:start + 5000]).delete()
        removed += len(ids)
    return removed


def _mean(values: list[float | None]) -> float | None:
    present = [value for value in values if value is not None]
    return sum(present) / len(present) if present else None


def _hourly(sensor_id: int, hour: datetime, group: list[tuple]) -> Reading:
    reliable = [row for row in group if not row[6]]
    pm_rows = reliable or group
    return Reading(sensor_id=sensor_id, measured_at=hour, pm10=_mean([row[2] for row in pm_rows]),
                   pm25=_mean([row[3] for row in pm_rows]), temperature=_mean([row[4] for row in group]),
                   humidity=_mean([row[5] for row in group]), unreliable=not reliable,
                   samples=min(len(pm_rows), 32767))
