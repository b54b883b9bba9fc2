"""Pages of the fine-dust sensors (the municipality's map and charts, one sensor's page, registering and looking
after one's own sensors), the day's readings as CSV with their datapackage, and the firmware's push endpoint."""

import csv
import io
from collections.abc import Iterator
from datetime import UTC, date, timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.db import DatabaseError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from kommune.core.access import get_for_tenant, municipality_view, public_view
from kommune.core.models import Municipality
from kommune.core.pagecache import cached_for_anonymous
from kommune.sensors import selectors, services
from kommune.sensors.charts import bar_chart
from kommune.sensors.forms import SensorForm
from kommune.sensors.models import Sensor

CHART_DAYS = 30
DAY_COLUMNS = (
    ("sensor_id", "integer", "Number of the sensor on this platform."),
    ("measured_at", "datetime", "When the reading arrived (UTC, ISO 8601); for an hourly mean the start of the hour."),
    ("pm10", "number", "PM10 in µg/m³."),
    ("pm25", "number", "PM2.5 in µg/m³."),
    ("temperature", "number", "Temperature in °C."),
    ("humidity", "number", "Relative humidity in %."),
    ("unreliable", "boolean", "True when taken above 70 % relative humidity (the SDS011 over-reads in humid air)."),
    ("samples", "integer", "1 for a single reading; more for an hourly mean of that many readings."),
)


def _points_geojson(sensors: list[Sensor]) -> dict:
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature",
         "geometry": {"type": "Point", "coordinates": [sensor.public_longitude, sensor.public_latitude]},
         "properties": {"title": sensor.name, "url": sensor.get_absolute_url(), "text": sensor.place}}
        for sensor in sensors]}


def _center(sensors: list[Sensor]) -> tuple[float, float, int] | None:
    if not sensors:
        return None
    return (round(sum(s.public_latitude for s in sensors) / len(sensors), 4),
            round(sum(s.public_longitude for s in sensors) / len(sensors), 4), 13)


def _pm10_limits() -> list[tuple[float, str]]:
    return [(services.PM10_DAILY_LIMIT, _("EU daily limit 50 µg/m³")),
            (services.PM10_DAILY_LIMIT_2030, _("limit from 2030: 45 µg/m³"))]


def _pm25_limits() -> list[tuple[float, str]]:
    return [(services.PM25_ANNUAL_LIMIT, _("EU annual limit 25 µg/m³")),
            (services.PM25_ANNUAL_LIMIT_2030, _("annual limit from 2030: 10 µg/m³"))]


def _days(end: date) -> list[date]:
    return [end - timedelta(days=offset) for offset in range(CHART_DAYS - 1, -1, -1)]


def _end_day(request: HttpRequest, latest: date | None) -> date:
    try:
        return date.fromisoformat(request.GET.get("bis", ""))
    except ValueError:
        return latest or timezone.localdate()


# --- Public pages -----------------------------------------------------------------------------------------------


@cached_for_anonymous("sensors")
@municipality_view()
def sensor_list(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    page = selectors.sensor_page(municipality, request.GET.get("seite"))
    sensors = list(page.object_list)
    end = _end_day(request, selectors.latest_day(municipality))
    days = selectors.municipality_days(municipality, end - timedelta(days=CHART_DAYS - 1), end)
    by_day = {day.day: day for day in days}
    points = [(day, by_day[day].pm10 if day in by_day else None) for day in _days(end)]
    return render(request, "sensors/list.html", {
        "municipality": municipality, "page": page, "sensors": sensors, "geojson": _points_geojson(sensors),
        "center": _center(sensors), "days": days, "end": end, "chart": bar_chart(points, _pm10_limits()),
        "previous_end": end - timedelta(days=CHART_DAYS), "years": selectors.municipality_years(municipality),
        "summaries": selectors.municipality_year_summaries(municipality),
        "can_register": request.user.has_perm("sensors.register_sensor", municipality),
    })


@cached_for_anonymous("sensor:{sensor_id}")
@municipality_view()
def sensor_detail(request: HttpRequest, municipality: Municipality, sensor_id: int) -> HttpResponse:
    sensor = get_for_tenant(selectors.with_latest(selectors.sensors_of(municipality)), municipality, pk=sensor_id)
    end = _end_day(request, selectors.sensor_latest_day(sensor))
    daily = selectors.sensor_days(sensor, end - timedelta(days=CHART_DAYS - 1), end)
    by_day = {mean.day: mean for mean in daily}
    days = _days(end)
    return render(request, "sensors/detail.html", {
        "municipality": municipality, "sensor": sensor, "daily": daily, "end": end,
        "previous_end": end - timedelta(days=CHART_DAYS),
        "pm10_chart": bar_chart([(day, by_day[day].pm10 if day in by_day else None) for day in days],
                                _pm10_limits()),
        "pm25_chart": bar_chart([(day, by_day[day].pm25 if day in by_day else None) for day in days],
                                _pm25_limits()),
        "summaries": selectors.sensor_year_summaries(sensor),
        "geojson": _points_geojson([sensor]),
        "csv_days": [mean.day for mean in reversed(daily)],
        "is_owner": request.user.has_perm("sensors.change_sensor", sensor),
    })


# --- Open data: a day's readings as CSV and their datapackage ------------------------------------------------------


def _day_or_404(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise Http404 from None


def _csv_rows(sensor: Sensor, day: date) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([name for name, _type, _description in DAY_COLUMNS])
    rows = selectors.readings_of_day(sensor, day).values_list(
        "measured_at", "pm10", "pm25", "temperature", "humidity", "unreliable", "samples")
    for measured_at, pm10, pm25, temperature, humidity, unreliable, samples in rows.iterator(chunk_size=2000):
        writer.writerow([sensor.pk, measured_at.astimezone(UTC).isoformat().replace("+00:00", "Z"),
                         *("" if value is None else f"{value:.1f}" for value in (pm10, pm25, temperature, humidity)),
                         "true" if unreliable else "false", samples])
        if buffer.tell() > 16384:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


@municipality_view()
def day_csv(request: HttpRequest, municipality: Municipality, sensor_id: int, day: str) -> HttpResponseBase:
    sensor = get_for_tenant(Sensor, municipality, pk=sensor_id)
    the_day = _day_or_404(day)
    response = StreamingHttpResponse(_csv_rows(sensor, the_day), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="sensor-{sensor.pk}-{the_day.isoformat()}.csv"'
    response["Access-Control-Allow-Origin"] = "*"
    return response


@municipality_view()
def datapackage(request: HttpRequest, municipality: Municipality, sensor_id: int) -> JsonResponse:
    """A Frictionless data package of the sensor's day files of the last month."""
    sensor = get_for_tenant(Sensor, municipality, pk=sensor_id)
    end = selectors.sensor_latest_day(sensor) or timezone.localdate()
    site = settings.SITE_URL.rstrip("/")
    schema = {"fields": [{"name": name, "type": kind, "description": description}
                         for name, kind, description in DAY_COLUMNS]}
    resources = [{
        "name": f"sensor-{sensor.pk}-{day.isoformat()}", "path": site + reverse("sensors:day_csv", kwargs={
            "municipality_slug": municipality.slug, "sensor_id": sensor.pk, "day": day.isoformat()}),
        "format": "csv", "mediatype": "text/csv", "encoding": "utf-8", "schema": schema,
    } for day in selectors.days_with_readings(sensor, end)]
    package = {
        "name": f"{municipality.slug}-sensor-{sensor.pk}", "title": f"{sensor.name} ({municipality.name})",
        "description": _("Fine-dust readings of one citizen sensor, one file per day (Europe/Berlin)."),
        "licenses": [{"name": settings.OPENDATA_RECORDS_LICENSE}],
        "homepage": site + sensor.get_absolute_url(),
        "resources": resources,
    }
    response = JsonResponse(package, json_dumps_params={"ensure_ascii": False, "indent": 1})
    response["Access-Control-Allow-Origin"] = "*"
    return response


# --- A resident's own sensors -------------------------------------------------------------------------------------


def _form_values(form: SensorForm) -> dict:
    data = form.cleaned_data
    return {"name": data["name"], "place": data["place"], "latitude": data["latitude"],
            "longitude": data["longitude"], "exact_location_public": data["exact_location_public"]}


def _token_page(request: HttpRequest, municipality: Municipality, sensor: Sensor, token: str) -> HttpResponse:
    response = render(request, "sensors/token.html", {"municipality": municipality, "sensor": sensor,
                                                      "token": token, "push_url": settings.SITE_URL.rstrip("/")
                                                      + reverse("sensors:push")})
    response["Cache-Control"] = "no-store"
    return response


@municipality_view("sensors.register_sensor")
def register(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    form = SensorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            sensor, token = services.do_register_sensor(municipality=municipality, owner=request.user,  # type: ignore[arg-type]  # the permission needs a logged-in person
                                                        chip_id=form.cleaned_data["chip_id"], **_form_values(form))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return _token_page(request, municipality, sensor, token)
    return render(request, "sensors/form.html", {"municipality": municipality, "form": form, "sensor": None},
                  status=400 if form.errors else 200)


@municipality_view()
def mine(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    sensors = selectors.with_latest(selectors.sensors_of(municipality).filter(owner=request.user))[:100]
    return render(request, "sensors/mine.html", {
        "municipality": municipality, "sensors": list(sensors),
        "can_register": request.user.has_perm("sensors.register_sensor", municipality)})


def _own_sensor(request: HttpRequest, municipality: Municipality, sensor_id: int) -> Sensor:
    """One of the person's own sensors; anybody else's is a 404, like a missing one."""
    return get_for_tenant(Sensor.objects.select_related("municipality"), municipality, pk=sensor_id,
                          owner=request.user)


@municipality_view()
def edit(request: HttpRequest, municipality: Municipality, sensor_id: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    sensor = _own_sensor(request, municipality, sensor_id)
    initial = {"name": sensor.name, "place": sensor.place, "latitude": sensor.latitude,
               "longitude": sensor.longitude, "exact_location_public": sensor.exact_location_public}
    form = SensorForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            services.do_update_sensor(sensor=sensor, actor=request.user, **_form_values(form))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The sensor is saved."))
            return redirect("sensors:mine", municipality_slug=municipality.slug)
    return render(request, "sensors/form.html", {"municipality": municipality, "form": form, "sensor": sensor},
                  status=400 if form.errors else 200)


@municipality_view()
def renew_token(request: HttpRequest, municipality: Municipality, sensor_id: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    sensor = _own_sensor(request, municipality, sensor_id)
    if request.method == "POST":
        token = services.do_renew_token(sensor=sensor, actor=request.user)
        return _token_page(request, municipality, sensor, token)
    return render(request, "sensors/confirm.html", {
        "municipality": municipality, "sensor": sensor, "action": "renew",
        "question": _("Get a new token for “%(name)s”? The old one stops working at once; enter the new one in "
                      "the sensor's configuration.") % {"name": sensor.name}})


@municipality_view()
def remove(request: HttpRequest, municipality: Municipality, sensor_id: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    sensor = _own_sensor(request, municipality, sensor_id)
    if request.method == "POST":
        name = sensor.name
        services.do_remove_sensor(sensor=sensor, actor=request.user)
        messages.success(request, _("The sensor “%(name)s” and its readings are removed.") % {"name": name})
        return redirect("sensors:mine", municipality_slug=municipality.slug)
    return render(request, "sensors/confirm.html", {
        "municipality": municipality, "sensor": sensor, "action": "remove",
        "question": _("Remove “%(name)s” with all its readings? This cannot be undone.") % {"name": sensor.name}})


# --- The firmware's push ------------------------------------------------------------------------------------------


@public_view
@csrf_exempt  # a machine endpoint: the sensor authenticates with its token (docs/sensors.md)
@require_POST
def push(request: HttpRequest) -> JsonResponse:
    """``POST /sensors/push``: one measurement of the sensor.community (airrohr) firmware's "custom API"."""
    limit = services.max_push_bytes()
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    try:
        if length > limit:
            raise services.PushRejected(413, "The push is too large.")
        body = request.read(limit + 1)
        services.record_push(sensor_header=request.headers.get("X-Sensor", ""),
                             authorization=request.headers.get("Authorization", ""), body=body)
    except services.PushRejected as rejected:
        response = JsonResponse({"error": rejected.message}, status=rejected.status)
        if rejected.status == 401:
            response["WWW-Authenticate"] = 'Basic realm="sensors", charset="UTF-8"'
        return response
    except DatabaseError:  # the sensor was removed between look-up and insert
        return JsonResponse({"error": "No sensor with this ID is registered here."}, status=404)
    return JsonResponse({"accepted": True})
