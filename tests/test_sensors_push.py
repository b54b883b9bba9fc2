"""The airrohr firmware's custom-API push (POST /sensors/push): accepted with the sensor's token, and every malformed
push refused with a clear status and stored nowhere. Also the daily means against an independent computation, and
the downsampling to hourly means."""

import json
import random
from datetime import date, datetime, timedelta
from statistics import fmean
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from kommune.sensors import services
from kommune.sensors.models import DailyMean, Reading, Sensor
from tests.factories_sensors import basic, make_sensor, push_body, push_headers

pytestmark = pytest.mark.django_db
BERLIN = ZoneInfo("Europe/Berlin")
URL = "/sensors/push"


def _post(client, body: bytes, headers: dict):
    return client.post(URL, body, content_type="application/json", headers=headers)


def test_the_push_path_is_the_fixed_one():
    assert reverse("sensors:push") == URL


def test_a_push_is_stored_as_one_compact_row(client, musterstadt):
    sensor, token = make_sensor(musterstadt)
    response = _post(client, push_body(sensor.chip_id), push_headers(sensor, token))
    assert response.status_code == 200, response.content
    assert response.json() == {"accepted": True}
    reading = Reading.objects.get()
    assert (reading.sensor_id, reading.samples, reading.unreliable) == (sensor.pk, 1, False)
    assert reading.pm10 == pytest.approx(12.3) and reading.pm25 == pytest.approx(7.1)
    assert reading.temperature == pytest.approx(4.5) and reading.humidity == pytest.approx(65.0)


def test_bearer_token_and_dht22_values_work_too(client, musterstadt):
    sensor, token = make_sensor(musterstadt)
    body = json.dumps({"esp8266id": sensor.chip_id, "sensordatavalues": [
        {"value_type": "PMS_P1", "value": 20}, {"value_type": "PMS_P2", "value": 11.5},
        {"value_type": "temperature", "value": "-3.20"}, {"value_type": "humidity", "value": "88.40"}]}).encode()
    response = _post(client, body, {"X-Sensor": f"esp8266-{sensor.chip_id}", "Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    reading = Reading.objects.get()
    assert reading.pm10 == 20 and reading.temperature == pytest.approx(-3.2)
    assert reading.unreliable  # above 70 % relative humidity


@pytest.mark.parametrize(("change", "status"), [
    ("no X-Sensor", 400),
    ("X-Sensor of another form", 400),
    ("unknown sensor", 404),
    ("no authentication", 401),
    ("wrong token", 401),
    ("unreadable basic auth", 401),
    ("another municipality named", 403),
    ("value nan", 422),
    ("value NaN as number-like string", 422),
    ("value infinite", 422),
    ("value a list", 422),
    ("value true", 422),
    ("value text", 422),
    ("value out of range", 422),
    ("humidity above 100", 422),
    ("no values kept", 422),
    ("sensordatavalues not a list", 400),
    ("entry without value_type", 400),
    ("body not JSON", 400),
    ("body a JSON list", 400),
    ("deep nesting", 400),
    ("esp8266id of another sensor", 400),
    ("oversized body", 413),
    ("too many values", 413),
])
def test_malformed_pushes_are_refused_and_stored_nowhere(client, musterstadt, anderstadt, change, status):
    sensor, token = make_sensor(musterstadt)
    headers = push_headers(sensor, token)
    body = push_body(sensor.chip_id)
    values = {
        "value nan": {"pm10": "nan"}, "value NaN as number-like string": {"pm25": "NaN"},
        "value infinite": {"pm10": "inf"}, "value a list": {"pm10": [1]}, "value true": {"pm10": True},
        "value text": {"temperature": "warm"}, "value out of range": {"pm10": "5000"},
        "humidity above 100": {"humidity": "140"},
    }
    if change in values:
        body = push_body(sensor.chip_id, **values[change])
    elif change == "no X-Sensor":
        del headers["X-Sensor"]
    elif change == "X-Sensor of another form":
        headers["X-Sensor"] = f"sensor {sensor.chip_id}"
    elif change == "unknown sensor":
        headers["X-Sensor"] = "esp8266-1"
        body = push_body("1")
    elif change == "no authentication":
        del headers["Authorization"]
    elif change == "wrong token":
        headers["Authorization"] = basic("musterstadt", token[:-2] + "xx")
    elif change == "unreadable basic auth":
        headers["Authorization"] = "Basic ###"
    elif change == "another municipality named":
        headers["Authorization"] = basic(anderstadt.slug, token)
    elif change == "no values kept":
        body = json.dumps({"esp8266id": sensor.chip_id, "sensordatavalues": [
            {"value_type": "signal", "value": "-70"}]}).encode()
    elif change == "sensordatavalues not a list":
        body = json.dumps({"sensordatavalues": {"SDS_P1": "1"}}).encode()
    elif change == "entry without value_type":
        body = json.dumps({"sensordatavalues": [{"value": "1"}]}).encode()
    elif change == "body not JSON":
        body = b"SDS_P1=12.3"
    elif change == "body a JSON list":
        body = b"[]"
    elif change == "deep nesting":
        body = b"[" * 5000 + b"]" * 5000
    elif change == "esp8266id of another sensor":
        body = push_body("77777")
    elif change == "oversized body":
        body = push_body(sensor.chip_id, extra=[{"value_type": "padding", "value": "x" * 20000}])
    elif change == "too many values":
        body = push_body(sensor.chip_id, extra=[{"value_type": f"x{i}", "value": "1"} for i in range(80)])
    response = _post(client, body, headers)
    assert response.status_code == status, response.content
    assert response.json()["error"]
    if status == 401:
        assert response["WWW-Authenticate"].startswith("Basic")
    assert not Reading.objects.exists()


def test_a_sensor_of_another_municipality_cannot_push_as_this_one(client, musterstadt, anderstadt):
    foreign, foreign_token = make_sensor(anderstadt)
    response = _post(client, push_body(foreign.chip_id), push_headers(foreign, foreign_token, user="musterstadt"))
    assert response.status_code == 403
    assert not Reading.objects.exists()


def test_another_sensors_token_is_refused(client, musterstadt):
    sensor, _token = make_sensor(musterstadt)
    _other, other_token = make_sensor(musterstadt)
    assert _post(client, push_body(sensor.chip_id), push_headers(sensor, other_token)).status_code == 401
    assert not Reading.objects.exists()


def test_get_is_not_allowed_and_no_csrf_token_is_needed(musterstadt):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    sensor, token = make_sensor(musterstadt)
    assert client.get(URL).status_code == 405
    assert _post(client, push_body(sensor.chip_id), push_headers(sensor, token)).status_code == 200


def _replay(sensors, day, rng) -> dict[int, dict[str, list[float]]]:
    """Pushes every 145 s through one Berlin day, through the same service as the view; returns what was sent."""
    start = datetime.combine(day, datetime.min.time(), tzinfo=BERLIN)
    sent: dict[int, dict[str, list[float]]] = {}
    for sensor, token in sensors:
        values = sent.setdefault(sensor.pk, {"pm10": [], "pm25": [], "temperature": [], "humidity": []})
        moment = start + timedelta(seconds=rng.randrange(145))
        while moment.astimezone(BERLIN).date() == day:
            pm10, pm25 = round(rng.uniform(2, 90), 1), round(rng.uniform(1, 60), 1)
            temperature, humidity = round(rng.uniform(-5, 15), 1), round(rng.uniform(40, 95), 1)
            services.record_push(sensor_header=f"esp8266-{sensor.chip_id}",
                                 authorization=basic(sensor.municipality.slug, token),
                                 body=push_body(sensor.chip_id, pm10=str(pm10), pm25=str(pm25),
                                                temperature=str(temperature), humidity=str(humidity)),
                                 received_at=moment)
            if humidity <= 70:  # PM means leave out the unreliable readings
                values["pm10"].append(pm10)
                values["pm25"].append(pm25)
            values["temperature"].append(temperature)
            values["humidity"].append(humidity)
            moment += timedelta(seconds=145)
    return sent


def test_the_days_means_equal_an_independent_computation(musterstadt):
    rng = random.Random(14)
    sensors = [make_sensor(musterstadt, chip_id=str(1000 + i)) for i in range(3)]
    day = date(2025, 3, 30)  # the clocks go forward: a day of 23 hours
    sent = _replay(sensors, day, rng)
    # Readings of the neighbouring days must not count.
    services.record_push(sensor_header=f"esp8266-{sensors[0][0].chip_id}",
                         authorization=basic("musterstadt", sensors[0][1]), body=push_body("1000", pm10="999"),
                         received_at=datetime(2025, 3, 31, 0, 0, 5, tzinfo=BERLIN))
    assert services.compute_daily_means(day=day) == 3
    for sensor, _token in sensors:
        mean = DailyMean.objects.get(sensor=sensor, day=day)
        expected = sent[sensor.pk]
        assert mean.readings == len(expected["temperature"]) == Reading.objects.filter(
            sensor=sensor, measured_at__date__lte="2025-03-30").count()
        assert mean.unreliable_readings == len(expected["temperature"]) - len(expected["pm10"])
        for field in ("pm10", "pm25", "temperature", "humidity"):
            assert getattr(mean, field) == pytest.approx(fmean(expected[field]), rel=1e-5), field
        assert mean.municipality_id == musterstadt.pk


def test_downsampling_keeps_the_daily_means(musterstadt, settings):
    rng = random.Random(7)
    sensors = [make_sensor(musterstadt, chip_id="2001")]
    day = date(2025, 1, 10)
    _replay(sensors, day, rng)
    services.compute_daily_means(day=day)
    before = DailyMean.objects.values("pm10", "pm25", "readings").get()
    raw = Reading.objects.count()
    now = datetime(2025, 1, 20, 12, tzinfo=BERLIN)
    settings.SENSORS_RAW_DAYS = 5
    assert services.downsample(now=now) == raw
    assert Reading.objects.count() == 24  # one row per hour
    assert services.downsample(now=now) == 0  # hourly means are never downsampled again
    services.compute_daily_means(day=day)
    after = DailyMean.objects.values("pm10", "pm25", "readings").get()
    assert after["pm10"] == pytest.approx(before["pm10"], rel=1e-5)
    assert after["pm25"] == pytest.approx(before["pm25"], rel=1e-5)


def test_recent_readings_are_not_downsampled(musterstadt):
    sensor, token = make_sensor(musterstadt)
    services.store_reading(sensor_id=sensor.pk, values=services.Values(pm10=10.0), measured_at=datetime.now(BERLIN))
    assert services.downsample(raw_days=1) == 0
    assert Reading.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_the_push_is_one_statement_and_a_removed_sensor_is_refused(client):
    """The path the server takes (autocommit; on PostgreSQL one round trip without waiting for the disk). A sensor
    removed while its look-up is remembered gets a 404, and the connection stays usable."""
    from tests.factories import MunicipalityFactory

    municipality = MunicipalityFactory(slug="musterstadt")
    sensor, token = make_sensor(municipality)
    assert _post(client, push_body(sensor.chip_id, pm10="33.3"), push_headers(sensor, token)).status_code == 200
    assert Reading.objects.get().pm10 == pytest.approx(33.3)
    Sensor.objects.filter(pk=sensor.pk).delete()  # behind the services' back: the look-up is still remembered
    response = _post(client, push_body(sensor.chip_id), push_headers(sensor, token))
    assert response.status_code == 404
    assert not Reading.objects.exists()
    assert Sensor.objects.count() == 0  # the connection still answers
