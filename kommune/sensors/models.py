"""Citizen fine-dust sensors (sensor.community / airrohr): residents register a sensor, the firmware pushes its
measurements to ``POST /sensors/push``, and the municipality shows them as maps, charts and open data.

A reading is one compact row: the sensor, the time and four 4-byte numbers (PM10, PM2.5, temperature,
humidity). On PostgreSQL the time carries a BRIN index (tiny, and fast for the time ranges every page reads),
so the table stays cheap up to hundreds of millions of rows; older readings are replaced by hourly means
(``manage.py sensors_aggregate``, ``SENSORS_RAW_DAYS``). The daily means per sensor, which the pages, the
exceedance counts and the open data read, are their own small table, computed once a day is over.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kommune.core.models import Municipality

# The SDS011 over-reads in humid air: readings taken above this relative humidity (in %) are marked unreliable
# and left out of the means that are compared with the limits.
HUMIDITY_LIMIT = 70.0


class RealField(models.FloatField):
    """A 4-byte floating point number ("real" on PostgreSQL and SQLite): enough for a sensor's precision and half
    the size of Django's FloatField (double precision)."""

    def db_type(self, connection) -> str:
        return "real"


class Sensor(models.Model):
    """A resident's fine-dust sensor. The exact place (often the owner's home) is personal: pages, the API and the
    open data show only the public place, the exact one rounded to about a kilometre unless the owner chose to
    publish it exactly."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="sensors")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="sensors")
    name = models.CharField(_("name"), max_length=100)
    place = models.CharField(_("place"), max_length=100, blank=True,
                             help_text=_("A street or district, shown publicly, e.g. “Lindenweg” or “Nordviertel”."))
    chip_id = models.CharField(_("chip ID"), max_length=20,
                               help_text=_("The number the sensor shows as “Sensor ID” on its configuration page, "
                                           "e.g. 12345678."))
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6)
    exact_location_public = models.BooleanField(
        _("show the exact place"), default=False,
        help_text=_("Otherwise the public maps and the open data show the place rounded to about one kilometre."))
    token_hash = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("fine-dust sensor")
        verbose_name_plural = _("fine-dust sensors")
        ordering = ["name", "pk"]
        constraints = [models.UniqueConstraint(fields=["chip_id"], name="unique_sensor_chip_id")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("sensors:detail", kwargs={"municipality_slug": self.municipality.slug, "sensor_id": self.pk})

    @property
    def public_latitude(self) -> float:
        return float(self.latitude) if self.exact_location_public else round(float(self.latitude), 2)

    @property
    def public_longitude(self) -> float:
        return float(self.longitude) if self.exact_location_public else round(float(self.longitude), 2)


class Reading(models.Model):
    """One measurement of a sensor, or (``samples`` > 1) the hourly mean that replaced older measurements."""

    id = models.BigAutoField(primary_key=True)
    sensor = models.ForeignKey(Sensor, on_delete=models.CASCADE, related_name="readings", db_index=False)
    measured_at = models.DateTimeField()
    pm10 = RealField(null=True)
    pm25 = RealField(null=True)
    temperature = RealField(null=True)
    humidity = RealField(null=True)
    unreliable = models.BooleanField(default=False)  # humidity above HUMIDITY_LIMIT
    samples = models.PositiveSmallIntegerField(default=1)  # > 1: an hourly mean

    class Meta:
        verbose_name = _("reading")
        verbose_name_plural = _("readings")
        indexes = [models.Index(fields=["sensor", "measured_at"], name="sensor_reading_sensor_time")]

    def __str__(self) -> str:
        return f"{self.sensor_id} {self.measured_at:%Y-%m-%d %H:%M}"


class DailyMean(models.Model):
    """The mean of a sensor's readings on one day (Europe/Berlin). PM means leave out unreliable readings; a day
    without a reliable reading has none."""

    sensor = models.ForeignKey(Sensor, on_delete=models.CASCADE, related_name="daily_means")
    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="sensor_daily_means")
    day = models.DateField()
    pm10 = models.FloatField(null=True)
    pm25 = models.FloatField(null=True)
    temperature = models.FloatField(null=True)
    humidity = models.FloatField(null=True)
    readings = models.PositiveIntegerField(default=0)
    unreliable_readings = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("daily mean")
        verbose_name_plural = _("daily means")
        constraints = [models.UniqueConstraint(fields=["sensor", "day"], name="unique_sensor_daily_mean")]
        indexes = [models.Index(fields=["municipality", "day"], name="sensor_daily_municipality_day")]

    def __str__(self) -> str:
        return f"{self.sensor_id} {self.day}"
