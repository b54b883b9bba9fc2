"""Demo fine-dust sensors for `seed_demo`: four sensors in Musterstadt with readings every five minutes over the
last 30 days, including two episodes above the EU daily limit (a winter inversion and a dry windy spell) and humid
nights with unreliable readings, and their daily means.

Idempotent: a sensor is keyed on its chip ID; its readings are written only when it has none, the daily means
only for days that have none. The first sensor's token is DEMO_TOKEN (docs/sensors.md), so that a push can be
tried against a demo server.
"""

import math
import random
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from kommune.core.models import Municipality
from kommune.sensors import services
from kommune.sensors.models import DailyMean, Reading, Sensor

DEMO_TOKEN = "demo-sensor-token-musterstadt"  # noqa: S105  # a documented demo value, not a secret
DAYS = 30
STEP = timedelta(minutes=5)
# name, place, chip id, latitude, longitude, exact place public, level (mean PM10)
SENSORS = [
    ("Feinstaub Lindenweg", "Lindenweg", "13420001", "51.975310", "7.619880", False, 1.0),
    ("Balkon am Marktplatz", "Altstadt", "13420002", "51.962510", "7.625570", False, 1.2),
    ("Schulhof Grundschule Nord", "Nordviertel", "13420003", "51.978100", "7.622400", True, 0.9),
    ("Kleingarten Südpark", "Südstadt", "13420004", "51.950200", "7.630100", False, 0.8),
]
EPISODES = ((5, 8, 3.2), (19, 21, 2.6))  # days ago (from, to) with a factor on the particulate matter


def seed_sensors(*, municipality: Municipality, resident) -> None:
    now = timezone.now()
    for index, (name, place, chip_id, lat, lng, exact, level) in enumerate(SENSORS):
        sensor = Sensor.objects.filter(chip_id=chip_id).first()
        if sensor is None:
            sensor, _token = services.do_register_sensor(
                municipality=municipality, owner=resident, name=name, place=place, chip_id=chip_id,
                latitude=Decimal(lat), longitude=Decimal(lng), exact_location_public=exact)
            if index == 0:
                Sensor.objects.filter(pk=sensor.pk).update(token_hash=services.token_hash(DEMO_TOKEN))
        if not Reading.objects.filter(sensor=sensor).exists():
            _readings(sensor, level, random.Random(int(chip_id)), now)
    today = timezone.localdate(now, services.BERLIN)
    sensor_ids = list(Sensor.objects.filter(chip_id__in=[row[2] for row in SENSORS]).values_list("pk", flat=True))
    for back in range(1, DAYS + 1):
        day = today - timedelta(days=back)
        if not DailyMean.objects.filter(day=day, sensor_id__in=sensor_ids).exists():
            services.compute_daily_means(day=day)


def _factor(days_ago: float) -> float:
    for low, high, factor in EPISODES:
        if low <= days_ago <= high:
            return factor
    return 1.0


def _readings(sensor: Sensor, level: float, rng: random.Random, now) -> None:
    start = (now - timedelta(days=DAYS)).replace(second=0, microsecond=0)
    rows = []
    moment = start
    while moment < now:
        days_ago = (now - moment).total_seconds() / 86400
        hour = timezone.localtime(moment, services.BERLIN).hour + moment.minute / 60
        daily = 1 + 0.35 * math.cos((hour - 8) / 24 * 2 * math.pi) + 0.25 * math.cos((hour - 19) / 12 * 2 * math.pi)
        pm10 = max(1.0, 17 * level * daily * _factor(days_ago) * rng.lognormvariate(0, 0.18))
        pm25 = pm10 * rng.uniform(0.55, 0.72)
        temperature = 4 + 5 * math.sin((hour - 9) / 24 * 2 * math.pi) + rng.gauss(0, 0.6)
        humidity = min(99.0, max(30.0, 68 - 14 * math.sin((hour - 9) / 24 * 2 * math.pi) + rng.gauss(0, 4)))
        rows.append(Reading(sensor=sensor, measured_at=moment, pm10=round(pm10, 1), pm25=round(pm25, 1),
                            temperature=round(temperature, 1), humidity=round(humidity, 1),
                            unreliable=humidity > 70))
        moment += STEP
    with transaction.atomic():
        Reading.objects.bulk_create(rows, batch_size=2000)
