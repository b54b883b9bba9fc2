"""REST API of the fine-dust sensors: the sensors of a municipality, one sensor with its latest reading, its daily
means, and writing a reading with the sensor's token (for sensors that are not airrohr; the airrohr firmware
pushes to ``POST /sensors/push``). Registered in SensorsConfig.ready() (kommune.core.api.registry)."""

from datetime import date, datetime, timedelta
from typing import Annotated

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Header, P, QueryEx, Router, Schema, Status

from kommune.core.access import get_for_tenant
from kommune.core.api import auth
from kommune.core.api.common import MunicipalitySlug, ObjectId, absolute, municipality_or_404
from kommune.core.api.errors import PAGE, READ, WRITE, ApiError, responses
from kommune.core.api.pagination import DEFAULT_LIMIT, Cursor, Limit, page, page_schema
from kommune.sensors import selectors, services
from kommune.sensors.models import Sensor

router = Router(tags=["Fine-dust sensors"])
BASE = "/municipalities/{municipality_slug}/sensors"
MAX_DAYS = 366


class SensorOut(Schema):
    id: int
    name: str
    place: str
    latitude: float = Field(description="Public latitude: rounded to two decimals (about 1 km) unless the owner "
                                        "chose to publish the exact place.")
    longitude: float
    latest_at: datetime | None
    latest_pm10: float | None
    latest_pm25: float | None
    url: str
    datapackage_url: str

    @staticmethod
    def resolve_latitude(obj: Sensor) -> float:
        return obj.public_latitude

    @staticmethod
    def resolve_longitude(obj: Sensor) -> float:
        return obj.public_longitude

    @staticmethod
    def resolve_url(obj: Sensor, context) -> str:
        return absolute(context["request"], obj.get_absolute_url())

    @staticmethod
    def resolve_datapackage_url(obj: Sensor, context) -> str:
        return absolute(context["request"], obj.get_absolute_url() + "datapackage.json")


SensorPage = page_schema("SensorPage", SensorOut)


class DailyMeanOut(Schema):
    day: date
    pm10: float | None = Field(description="µg/m³, mean of the reliable readings (humidity up to 70 %).")
    pm25: float | None
    temperature: float | None
    humidity: float | None
    readings: int
    unreliable_readings: int


class ReadingIn(Schema):
    pm10: float | None = Field(None, ge=0, le=2000)
    pm25: float | None = Field(None, ge=0, le=2000)
    temperature: float | None = Field(None, ge=-60, le=85)
    humidity: float | None = Field(None, ge=0, le=100)
    measured_at: datetime | None = Field(None, description="Default: now. At most seven days back.")


class AcceptedOut(Schema):
    accepted: bool
    unreliable: bool


@router.get(BASE, response=responses({200: SensorPage}, *PAGE), auth=auth.READ, openapi_extra=auth.OPTIONAL_TOKEN,
            summary="List the fine-dust sensors")
def list_sensors(request: HttpRequest, municipality_slug: MunicipalitySlug, cursor: Cursor = None,
                 limit: Limit = DEFAULT_LIMIT):
    """The sensors of the municipality, oldest registration first, with their latest reading."""
    municipality = municipality_or_404(municipality_slug)
    return page(selectors.with_latest(selectors.sensors_of(municipality)), cursor, limit=limit, descending=False)


def _sensor(municipality_slug: str, sensor_id: int) -> Sensor:
    municipality = municipality_or_404(municipality_slug)
    return get_for_tenant(selectors.with_latest(selectors.sensors_of(municipality)), municipality, pk=sensor_id)


@router.get(BASE + "/{sensor_id}", response=responses({200: SensorOut}, *READ), auth=auth.READ,
            openapi_extra=auth.OPTIONAL_TOKEN, summary="Get a fine-dust sensor")
def get_sensor(request: HttpRequest, municipality_slug: MunicipalitySlug, sensor_id: ObjectId):
    return _sensor(municipality_slug, sensor_id)


@router.get(BASE + "/{sensor_id}/daily-means", response=responses({200: list[DailyMeanOut]}, *READ, 400),
            auth=auth.READ, openapi_extra=auth.OPTIONAL_TOKEN, summary="Daily means of a sensor")
def daily_means(request: HttpRequest, municipality_slug: MunicipalitySlug, sensor_id: ObjectId,
                start: QueryEx[date | None, P(description="First day (default: 30 days before end).")] = None,
                end: QueryEx[date | None, P(description="Last day (default: the latest day measured).")] = None):
    """At most 366 days at once, oldest first."""
    sensor = _sensor(municipality_slug, sensor_id)
    end = end or selectors.sensor_latest_day(sensor) or timezone.localdate()
    start = start or end - timedelta(days=29)
    if start > end or (end - start).days >= MAX_DAYS:
        raise ApiError(400, "invalid_range", "start must lie before end, at most 366 days apart.")
    return selectors.sensor_days(sensor, start, end)


@router.post(BASE + "/{sensor_id}/readings", response=responses({201: AcceptedOut}, *WRITE), auth=None,
             openapi_extra={"security": [{"BearerToken": []}]}, summary="Write a reading (with the sensor's token)")
def write_reading(request: HttpRequest, municipality_slug: MunicipalitySlug, sensor_id: ObjectId, payload: ReadingIn,
                  x_sensor_token: Annotated[str, Header(alias="X-Sensor-Token", max_length=200)] = ""):
    """Authenticated by the **sensor's** token (shown when it was registered), as `Authorization: Bearer <token>`
    or in the header `X-Sensor-Token`; a personal access token does not work here. A reading above 70 % relative
    humidity is stored as unreliable."""
    scheme, _space, bearer = request.headers.get("Authorization", "").partition(" ")
    token = x_sensor_token or (bearer.strip() if scheme.lower() == "bearer" else "")
    sensor = _sensor(municipality_slug, sensor_id)
    values = services.Values(pm10=payload.pm10, pm25=payload.pm25, temperature=payload.temperature,
                             humidity=payload.humidity)
    services.do_record_reading(sensor=sensor, token=token, values=values, measured_at=payload.measured_at)
    return Status(201, {"accepted": True, "unreliable": values.unreliable})
