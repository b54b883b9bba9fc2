"""Replay 24 hours of airrohr pushes from many sensors and measure how many pushes per second are ingested.

Builds, in the configured database, a throwaway municipality with ``--sensors`` sensors (default 1,000) and
replays one day of their pushes: each sensor pushes every 145 seconds (about 600,000 pushes for 1,000 sensors),
shaped like the firmware's custom-API JSON (SDS011 and BME280 values, with the extra value types the firmware
sends), in the order of time. Each push goes through ``kommune.sensors.services.record_push`` with its simulated
time, which is exactly what ``POST /sensors/push`` runs after reading the request: parse and check the JSON, look
the sensor up, check its token, one INSERT. ``--workers`` processes share the sensors, as the app server's
processes share the requests. The request bodies are built before the clock starts.

Then it computes the day's means with the app's service and compares them with the means computed here from the
values sent, writes bench/sensors.json and deletes everything it created.

``--http N`` also sends N of the pushes through Django's test client (the whole stack: middleware, view), to show
the cost per request of one process on top of the ingest itself.

    BENCHMARK=true python manage.py bench_sensors                       # 1,000 sensors, 24 hours, 2 workers
    BENCHMARK=true python manage.py bench_sensors --sensors 100 --hours 2 --workers 1
"""

import base64
import json
import multiprocessing
import random
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from statistics import fmean
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, connections
from django.test import Client

from kommune.core.models import Municipality
from kommune.sensors import services
from kommune.sensors.models import DailyMean, Reading, Sensor

BERLIN = ZoneInfo("Europe/Berlin")
INTERVAL = 145  # seconds between two pushes of one sensor (the firmware's default)
SLUG = "bench-sensoren"
FIRST_CHIP = 900_000_000
CHUNK = 5_000


def token_of(index: int) -> str:
    return f"bench-sensor-token-{index:06d}"


def _value(rng: random.Random, low: float, high: float) -> float:
    return round(rng.uniform(low, high), 1)


def pushes(sensor_index: int, chip_id: str, day: date, hours: int):
    """(time, body, values) of one sensor's pushes over ``hours`` from the start of ``day``, deterministic."""
    rng = random.Random(sensor_index)
    start = datetime.combine(day, datetime.min.time(), tzinfo=BERLIN)
    end = start + timedelta(hours=hours)
    moment = start + timedelta(seconds=rng.randrange(INTERVAL))
    level = rng.lognormvariate(2.8, 0.4)
    while moment < end:
        pm10 = _value(rng, level * 0.5, level * 1.6)
        pm25 = round(pm10 * rng.uniform(0.5, 0.75), 1)
        temperature, humidity = _value(rng, -4, 12), _value(rng, 45, 95)
        body = json.dumps({"esp8266id": chip_id, "software_version": "NRZ-2020-133", "sensordatavalues": [
            {"value_type": "SDS_P1", "value": f"{pm10:.2f}"}, {"value_type": "SDS_P2", "value": f"{pm25:.2f}"},
            {"value_type": "BME280_temperature", "value": f"{temperature:.2f}"},
            {"value_type": "BME280_humidity", "value": f"{humidity:.2f}"},
            {"value_type": "BME280_pressure", "value": f"{rng.uniform(98000, 103000):.2f}"},
            {"value_type": "samples", "value": str(rng.randrange(600000, 900000))},
            {"value_type": "min_micro", "value": "28"}, {"value_type": "max_micro", "value": "20104"},
            {"value_type": "interval", "value": "145000"},
            {"value_type": "signal", "value": str(-rng.randrange(50, 90))},
        ]}).encode()
        yield moment, body, (pm10, pm25, temperature, humidity)
        moment += timedelta(seconds=INTERVAL)


def _schedule(indices: list[int], day: date, hours: int):
    """The pushes of these sensors in the order of time (merged lazily)."""
    import heapq

    def stream(index: int):
        for moment, body, _values in pushes(index, str(FIRST_CHIP + index), day, hours):
            yield moment, index, body

    return heapq.merge(*(stream(index) for index in indices))


def replay(indices: list[int], day: date, hours: int, slug: str, queue) -> None:
    """Replay the pushes of ``indices``; puts (pushes, seconds spent in the ingest) on ``queue``."""
    connections.close_all()
    authorization = {index: "Basic " + base64.b64encode(f"{slug}:{token_of(index)}".encode()).decode()
                     for index in indices}
    schedule = _schedule(indices, day, hours)
    count, spent = 0, 0.0
    try:
        while True:
            chunk = [item for _n, item in zip(range(CHUNK), schedule, strict=False)]
            if not chunk:
                break
            started = time.perf_counter()
            for moment, index, body in chunk:
                services.record_push(sensor_header=f"esp8266-{FIRST_CHIP + index}",
                                     authorization=authorization[index], body=body, received_at=moment)
            spent += time.perf_counter() - started
            count += len(chunk)
    except Exception as error:  # noqa: BLE001  # reported by the parent, which fails the benchmark
        queue.put((count, spent, repr(error)))
    else:
        queue.put((count, spent, ""))
    finally:
        connections.close_all()


class Command(BaseCommand):
    help = "Replay a day of airrohr pushes from many sensors and measure the pushes ingested per second."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--sensors", type=int, default=1000)
        parser.add_argument("--hours", type=int, default=24)
        parser.add_argument("--workers", type=int, default=2, help="Processes replaying at once (default 2).")
        parser.add_argument("--http", type=int, default=2000,
                            help="Pushes also sent through Django's test client (0: none).")
        parser.add_argument("--keep", action="store_true", help="Keep the municipality and its readings.")

    def handle(self, *args, sensors: int, hours: int, workers: int, http: int, keep: bool, **options) -> None:
        if not 1 <= hours <= 24 or sensors < 1 or workers < 1:
            raise CommandError("--hours 1 to 24, --sensors and --workers at least 1.")
        day = date(2025, 1, 15)
        municipality = self._setup(sensors)
        try:
            result = self._run(municipality, sensors, hours, workers, day)
            if http:
                result["http"] = self._http(municipality, min(http, sensors * 10))
            result["means_checked"] = self._check_means(sensors, hours, day)
            self._write(result)
        finally:
            if not keep:
                Reading.objects.filter(sensor__municipality=municipality).delete()
                municipality.delete()

    def _setup(self, sensors: int) -> Municipality:
        Municipality.objects.filter(slug=SLUG).delete()
        municipality = Municipality.objects.create(name="Sensorstadt (Benchmark)", slug=SLUG,
                                                   official_key="09999999", kind="stadt", federal_state="09")
        Sensor.objects.bulk_create([
            Sensor(municipality=municipality, name=f"Sensor {index}", chip_id=str(FIRST_CHIP + index),
                   latitude=48 + index % 100 / 1000, longitude=11 + index // 100 / 1000,
                   token_hash=services.token_hash(token_of(index)))
            for index in range(sensors)], batch_size=1000)
        return municipality

    def _run(self, municipality: Municipality, sensors: int, hours: int, workers: int, day: date) -> dict:
        shares = [list(range(sensors))[worker::workers] for worker in range(workers)]
        connections.close_all()
        context = multiprocessing.get_context("fork")
        queue = context.Queue()
        processes = [context.Process(target=replay, args=(share, day, hours, SLUG, queue)) for share in shares]
        started = time.perf_counter()
        for process in processes:
            process.start()
        results = [queue.get() for _process in processes]
        for process in processes:
            process.join()
        wall = time.perf_counter() - started
        errors = [error for _count, _spent, error in results if error]
        if errors:
            raise CommandError(f"A worker failed: {errors[0]}")
        total = sum(count for count, _spent, _error in results)
        ingest = max(spent for _count, spent, _error in results)
        stored = Reading.objects.filter(sensor__municipality=municipality).count()
        if stored != total:
            raise CommandError(f"{total} pushes sent but {stored} readings stored.")
        result = {"database": connection.vendor, "sensors": sensors, "hours": hours, "workers": workers,
                  "pushes": total, "ingest_seconds": round(ingest, 2), "wall_seconds": round(wall, 2),
                  "pushes_per_second": round(total / ingest), "pushes_per_second_wall": round(total / wall)}
        self.stdout.write(f"{total:,} pushes of {sensors:,} sensors over {hours} h on {connection.vendor} with "
                          f"{workers} worker(s): {total / ingest:,.0f} pushes/s in the ingest "
                          f"({total / wall:,.0f}/s including building the bodies).")
        return result

    def _http(self, municipality: Municipality, count: int) -> dict:
        """The whole stack of one process: Django's test client through the middleware to the view."""
        client = Client()
        sensor_count = Sensor.objects.filter(municipality=municipality).count()
        requests = []
        for n in range(count):
            index = n % sensor_count
            _moment, body, _values = next(pushes(index + 7919, str(FIRST_CHIP + index), date(2025, 1, 16), 1))
            auth = "Basic " + base64.b64encode(f"{SLUG}:{token_of(index)}".encode()).decode()
            requests.append((body, {"X-Sensor": f"esp8266-{FIRST_CHIP + index}", "X-Pin": "1",
                                    "Authorization": auth}))
        host = settings.ALLOWED_HOSTS[0] if settings.ALLOWED_HOSTS and settings.ALLOWED_HOSTS[0] != "*" else "localhost"
        started = time.perf_counter()
        for body, headers in requests:
            response = client.post("/sensors/push", body, content_type="application/json", headers=headers,
                                   HTTP_HOST=host.lstrip("."))
            if response.status_code != 200:
                raise CommandError(f"A push through Django was refused: {response.status_code} {response.content!r}")
        seconds = time.perf_counter() - started
        self.stdout.write(f"{count:,} pushes through Django's test client in one process: {count / seconds:,.0f}/s.")
        return {"pushes": count, "seconds": round(seconds, 2), "pushes_per_second": round(count / seconds)}

    def _check_means(self, sensors: int, hours: int, day: date) -> int:
        """The day's means of the service equal those computed here from the values sent (every sensor)."""
        services.compute_daily_means(day=day)
        means: dict[str, Any] = {row["sensor__chip_id"]: row for row in DailyMean.objects.filter(
            sensor__municipality__slug=SLUG, day=day).values("sensor__chip_id", "pm10", "pm25", "temperature",
                                                              "humidity", "readings")}
        for index in range(sensors):
            chip_id = str(FIRST_CHIP + index)
            sent = [values for _moment, _body, values in pushes(index, chip_id, day, hours)]
            reliable = [values for values in sent if values[3] <= services.HUMIDITY_LIMIT]
            expected = {"pm10": fmean(v[0] for v in reliable) if reliable else None,
                        "pm25": fmean(v[1] for v in reliable) if reliable else None,
                        "temperature": fmean(v[2] for v in sent), "humidity": fmean(v[3] for v in sent)}
            got = means[chip_id]
            if got["readings"] != len(sent):
                raise CommandError(f"Sensor {chip_id}: {got['readings']} readings counted, {len(sent)} sent.")
            for field, value in expected.items():
                if (value is None) != (got[field] is None) or (
                        value is not None and abs(got[field] - value) > 1e-4 * max(1.0, abs(value))):
                    raise CommandError(f"Sensor {chip_id}: {field} mean {got[field]} differs from {value}.")
        self.stdout.write(f"The daily means of all {sensors:,} sensors equal those computed from the pushes.")
        return sensors

    def _write(self, result: dict) -> None:
        path = Path(settings.BASE_DIR) / "bench" / "sensors.json"
        path.parent.mkdir(exist_ok=True)
        path.write_text(json.dumps(result, indent=2) + "\n")
        self.stdout.write(f"Written to {path}.")
