"""Sensors and airrohr-shaped pushes for the tests of kommune/sensors."""

import base64
import json
from decimal import Decimal

from kommune.sensors.models import Sensor
from kommune.sensors.services import new_token

_chip = iter(range(40000000, 99999999))


def make_sensor(municipality, owner=None, *, name="Feinstaub Lindenweg", chip_id: str | None = None,
                latitude="51.962512", longitude="7.625573", exact: bool = False) -> tuple[Sensor, str]:
    """A sensor and its token (the service needs a person with a role; these tests often need none)."""
    token, hashed = new_token()
    sensor = Sensor.objects.create(municipality=municipality, owner=owner, name=name, place="Lindenweg",
                                   chip_id=chip_id or str(next(_chip)), latitude=Decimal(latitude),
                                   longitude=Decimal(longitude), exact_location_public=exact, token_hash=hashed)
    return sensor, token


def basic(user: str, token: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{token}".encode()).decode()


def push_body(chip_id: str, *, pm10="12.3", pm25="7.1", temperature="4.5", humidity="65.0", extra=()) -> bytes:
    """The JSON of the airrohr firmware's custom-API push (an SDS011 and a BME280)."""
    values = [{"value_type": "SDS_P1", "value": pm10}, {"value_type": "SDS_P2", "value": pm25},
              {"value_type": "BME280_temperature", "value": temperature},
              {"value_type": "BME280_humidity", "value": humidity},
              {"value_type": "BME280_pressure", "value": "100420.00"},
              {"value_type": "samples", "value": "880362"}, {"value_type": "signal", "value": "-72"}, *extra]
    return json.dumps({"esp8266id": chip_id, "software_version": "NRZ-2020-133",
                       "sensordatavalues": values}).encode()


def push_headers(sensor: Sensor, token: str, user: str | None = None) -> dict[str, str]:
    return {"X-Sensor": f"esp8266-{sensor.chip_id}", "X-Pin": "1",
            "Authorization": basic(user if user is not None else sensor.municipality.slug, token)}
