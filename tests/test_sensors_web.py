"""The pages of the fine-dust sensors, registering a sensor with its token shown once, the CSV per day and its
datapackage, the REST API, the record set, search, the privacy export and deletion, and the demo."""

import csv
import io
import re
from datetime import date, datetime, timedelta
from html import unescape
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kommune.core.privacy import export_sections, run_anonymisers
from kommune.core.records import record_set
from kommune.core.search.registry import searchable_by_kind
from kommune.sensors import demo, services
from kommune.sensors.models import DailyMean, Reading, Sensor
from tests.factories_sensors import make_sensor, push_body, push_headers

pytestmark = pytest.mark.django_db
BERLIN = ZoneInfo("Europe/Berlin")


def _english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _login(client, user, language="en"):
    user.language = language
    user.save(update_fields=["language"])
    client.force_login(user)
    return client


def _days_of_readings(sensor, first: date, values: list[float]) -> None:
    for offset, pm10 in enumerate(values):
        moment = datetime.combine(first + timedelta(days=offset), datetime.min.time(), tzinfo=BERLIN)
        for hour in range(0, 24, 3):
            services.store_reading(sensor_id=sensor.pk, values=services.Values(
                pm10=pm10, pm25=pm10 * 0.6, temperature=3.25, humidity=55.0),
                measured_at=moment + timedelta(hours=hour))
        services.compute_daily_means(day=first + timedelta(days=offset))


def test_register_shows_the_token_once_and_stores_only_its_hash(client, alice, musterstadt):
    _login(client, alice)
    url = reverse("sensors:register", kwargs={"municipality_slug": "musterstadt"})
    assert client.get(url).status_code == 200
    response = client.post(url, {"name": "Balkon", "place": "Nordviertel", "chip_id": "esp8266-3456789",
                                 "latitude": "51,9753", "longitude": "7.6198"})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    token = re.search(r'<code class="sensor-token">([^<]+)</code>', response.content.decode()).group(1)
    sensor = Sensor.objects.get()
    assert (sensor.chip_id, sensor.owner, str(sensor.latitude)) == ("3456789", alice, "51.975300")
    assert sensor.token_hash == services.token_hash(token) and token not in sensor.token_hash
    push = client.post("/sensors/push", push_body("3456789"), content_type="application/json",
                       headers=push_headers(sensor, token))
    assert push.status_code == 200
    # The token never shows again: not on the sensor's page, not on "your sensors".
    for page in (sensor.get_absolute_url(), reverse("sensors:mine", kwargs={"municipality_slug": "musterstadt"})):
        assert token not in client.get(page).content.decode()


def test_register_refuses_a_chip_id_twice_and_bad_input(client, alice, musterstadt):
    make_sensor(musterstadt, chip_id="3456789")
    _login(client, alice)
    url = reverse("sensors:register", kwargs={"municipality_slug": "musterstadt"})
    response = client.post(url, {"name": "Balkon", "chip_id": "3456789", "latitude": "51.9", "longitude": "7.6"})
    assert response.status_code == 400
    assert "already registered" in unescape(response.content.decode())
    response = client.post(url, {"name": "", "chip_id": "abc", "latitude": "91", "longitude": "x"})
    assert response.status_code == 400
    assert Sensor.objects.count() == 1


def test_a_new_token_stops_the_old_one(client, alice, musterstadt):
    sensor, old = make_sensor(musterstadt, alice)
    _login(client, alice)
    response = client.post(reverse("sensors:renew_token", kwargs={"municipality_slug": "musterstadt",
                                                                  "sensor_id": sensor.pk}))
    new = re.search(r'<code class="sensor-token">([^<]+)</code>', response.content.decode()).group(1)
    headers = push_headers(sensor, old)
    assert client.post("/sensors/push", push_body(sensor.chip_id), content_type="application/json",
                       headers=headers).status_code == 401
    assert client.post("/sensors/push", push_body(sensor.chip_id), content_type="application/json",
                       headers=push_headers(sensor, new)).status_code == 200


def test_other_people_cannot_change_or_remove_a_sensor(client, alice, bob, carol, musterstadt):
    sensor, _token = make_sensor(musterstadt, alice)
    for person in (bob, carol):
        _login(client, person)
        for name in ("edit", "renew_token", "remove"):
            url = reverse(f"sensors:{name}", kwargs={"municipality_slug": "musterstadt", "sensor_id": sensor.pk})
            assert client.post(url, {"name": "X", "latitude": "1", "longitude": "1"}).status_code == 404
    sensor.refresh_from_db()
    assert sensor.name == "Feinstaub Lindenweg"


def test_the_owner_changes_and_removes_a_sensor(client, alice, musterstadt):
    sensor, _token = make_sensor(musterstadt, alice)
    _days_of_readings(sensor, date(2025, 1, 1), [20.0])
    _login(client, alice)
    kwargs = {"municipality_slug": "musterstadt", "sensor_id": sensor.pk}
    response = client.post(reverse("sensors:edit", kwargs=kwargs), {
        "name": "Neuer Name", "place": "Altstadt", "latitude": "51.1", "longitude": "7.1",
        "exact_location_public": "on"})
    assert response.status_code == 302
    sensor.refresh_from_db()
    assert (sensor.name, sensor.exact_location_public) == ("Neuer Name", True)
    assert client.post(reverse("sensors:remove", kwargs=kwargs)).status_code == 302
    assert not Sensor.objects.exists() and not Reading.objects.exists() and not DailyMean.objects.exists()


def test_the_pages_show_charts_tables_and_exceedances_in_german(client, alice, musterstadt):
    sensor, _token = make_sensor(musterstadt, alice)
    first = timezone.localdate() - timedelta(days=10)
    _days_of_readings(sensor, first, [12.5, 48.0, 51.3, 63.0, 20.0])
    for url in (reverse("sensors:list", kwargs={"municipality_slug": "musterstadt"}), sensor.get_absolute_url()):
        response = client.get(url)  # German is the default language
        assert response.status_code == 200
        page = unescape(response.content.decode())
        assert 'role="img"' in page and "<title id=" in page and "<desc id=" in page
        assert "51,3" in page  # 51.3 with a comma
        assert "Feinstaub Lindenweg" in page
        assert 'data-map="points"' in page  # the map, with the table of the same places beside it
    page = unescape(client.get(sensor.get_absolute_url()).content.decode())
    this_year = str(first.year)
    row = re.search(rf"<th scope=\"row\" class=\"kern-table__cell\">{this_year}</th>(.*?)</tr>", page, re.S).group(1)
    cells = re.findall(r">([^<]*)</td>", row)
    assert cells[:3] == ["5", "2", "3"]  # days measured, above 50, above 45
    # The place is public only rounded.
    assert "51,96" in page and "51,9625" not in page


def test_the_list_page_costs_the_same_queries_for_more_sensors(client, musterstadt):
    sensor, _token = make_sensor(musterstadt)
    _days_of_readings(sensor, timezone.localdate() - timedelta(days=3), [10.0, 20.0])
    url = reverse("sensors:list", kwargs={"municipality_slug": "musterstadt"})
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for index in range(5):
        more, _token = make_sensor(musterstadt, name=f"Sensor {index}")
        _days_of_readings(more, timezone.localdate() - timedelta(days=3), [30.0, 60.0])
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


def test_the_day_csv_and_datapackage(client, musterstadt):
    sensor, _token = make_sensor(musterstadt)
    _days_of_readings(sensor, date(2025, 2, 1), [20.0, 30.0])
    kwargs = {"municipality_slug": "musterstadt", "sensor_id": sensor.pk}
    response = client.get(reverse("sensors:day_csv", kwargs={**kwargs, "day": "2025-02-02"}))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert len(rows) == 8
    assert rows[0]["pm10"] == "30.0" and rows[0]["unreliable"] == "false"
    assert rows[0]["measured_at"] == "2025-02-01T23:00:00Z"
    assert client.get(reverse("sensors:day_csv", kwargs={**kwargs, "day": "2025-02-30"})).status_code == 404
    package = client.get(reverse("sensors:datapackage", kwargs=kwargs)).json()
    assert [r["name"] for r in package["resources"]] == [f"sensor-{sensor.pk}-2025-02-02",
                                                         f"sensor-{sensor.pk}-2025-02-01"]
    assert [f["name"] for f in package["resources"][0]["schema"]["fields"]] == list(rows[0])


def test_the_record_set_has_no_personal_data(musterstadt, alice):
    sensor, _token = make_sensor(musterstadt, alice)
    _days_of_readings(sensor, date(2025, 2, 1), [55.0])
    records = record_set("sensor_daily_means")
    rows = list(records.rows(musterstadt))
    assert len(rows) == 1
    assert set(rows[0]) == {column.name for column in records.columns}
    assert (rows[0]["latitude"], rows[0]["longitude"]) == (51.96, 7.63)
    assert rows[0]["pm10_above_50"] is True and rows[0]["pm10"] == 55.0
    assert "alice" not in repr(rows).lower()


def test_the_api_reads_and_writes_a_reading(client, musterstadt):
    sensor, token = make_sensor(musterstadt)
    _days_of_readings(sensor, date(2025, 2, 1), [20.0, 30.0])
    base = "/api/v1/municipalities/musterstadt/sensors"
    listing = client.get(base).json()
    assert [item["id"] for item in listing["items"]] == [sensor.pk]
    assert listing["items"][0]["latitude"] == 51.96 and listing["items"][0]["latest_pm10"] == 30.0
    means = client.get(f"{base}/{sensor.pk}/daily-means?start=2025-02-01&end=2025-02-02").json()
    assert [(m["day"], m["pm10"]) for m in means] == [("2025-02-01", 20.0), ("2025-02-02", 30.0)]
    assert client.get(f"{base}/{sensor.pk}/daily-means?start=2025-02-03&end=2025-02-01").status_code == 400
    response = client.post(f"{base}/{sensor.pk}/readings", {"pm10": 14.5, "humidity": 80},
                           content_type="application/json", headers={"X-Sensor-Token": token})
    assert response.status_code == 201, response.content
    assert response.json() == {"accepted": True, "unreliable": True}
    response = client.post(f"{base}/{sensor.pk}/readings", {"pm25": 4.5}, content_type="application/json",
                           headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 201, response.content
    count = Reading.objects.count()
    for body, headers, status in (({"pm10": 14.5}, {"X-Sensor-Token": "wrong"}, 403),
                                  ({"pm10": -1}, {"X-Sensor-Token": token}, 422),
                                  ({}, {"X-Sensor-Token": token}, 422),
                                  ({"pm10": 1, "measured_at": "2025-02-01T12:00:00"}, {"X-Sensor-Token": token}, 422),
                                  ({"pm10": 1, "measured_at": "2001-02-01T12:00:00Z"}, {"X-Sensor-Token": token}, 422)):
        answer = client.post(f"{base}/{sensor.pk}/readings", body, content_type="application/json", headers=headers)
        assert answer.status_code in (status, 400), (body, answer.content)
    assert Reading.objects.count() == count
    assert client.get(f"/api/v1/municipalities/anderstadt/sensors/{sensor.pk}").status_code == 404


def test_search_finds_a_sensor_by_name_and_place(musterstadt):
    sensor, _token = make_sensor(musterstadt)
    document = searchable_by_kind("sensor").document(sensor)
    assert document.title == "Feinstaub Lindenweg" and "Lindenweg" in document.body
    assert "51.96" not in document.body


def test_privacy_export_and_deletion(musterstadt, alice, bob):
    sensor, _token = make_sensor(musterstadt, alice)
    other, _token = make_sensor(musterstadt, bob)
    _days_of_readings(sensor, date(2025, 2, 1), [20.0])
    exported = export_sections(alice)["sensors"]
    assert exported[0]["latitude"] == "51.962512" and exported[0]["readings"] == 8
    run_anonymisers(alice)
    assert list(Sensor.objects.all()) == [other]
    assert not Reading.objects.exists()


def test_the_demo_is_idempotent_and_has_days_above_the_limit(musterstadt, alice):
    demo.seed_sensors(municipality=musterstadt, resident=alice)
    counts = (Sensor.objects.count(), Reading.objects.count(), DailyMean.objects.count())
    demo.seed_sensors(municipality=musterstadt, resident=alice)
    assert (Sensor.objects.count(), Reading.objects.count(), DailyMean.objects.count()) == counts
    assert counts[0] == 4 and counts[2] >= 4 * 29
    assert DailyMean.objects.filter(pm10__gt=50).count() >= 4
    assert Reading.objects.filter(unreliable=True).exists()
