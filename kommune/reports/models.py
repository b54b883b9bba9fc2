"""Issue reports ("Mängelmelder", Open311 GeoReport v2): residents report a problem in public space (a broken
street light, a pothole, dumped rubbish) with a point or an address, a description and a photo; staff route it to
a department, change its status and merge duplicates.

A ``Service`` is an Open311 service (a category of reports); its ``ServiceAttribute`` rows are the questions of
its Open311 service definition. A report's reporter and contact details are personal data: they never appear in
any public page, the Open311 output, the REST API's public fields or the open data.
"""

import hashlib
import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kommune.core.models import Municipality

# Without a settings row a report is overdue after this many days without an answer.
DEFAULT_ANSWER_DAYS = 5
# Reports of the same service this near (metres) to an open one are offered as "the same" before sending.
DEFAULT_DUPLICATE_RADIUS = 50


def hash_key(raw: str) -> str:
    """The stored form of an Open311 key."""
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(18)


class ReportSettings(models.Model):
    """The rules of issue reports in one municipality, set by its staff. Absent row = the defaults."""

    municipality = models.OneToOneField(Municipality, on_delete=models.CASCADE, related_name="report_settings")
    answer_days = models.PositiveSmallIntegerField(
        _("days until a report without an answer is flagged"), default=DEFAULT_ANSWER_DAYS,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=_("A report that is still open without any answer after this many days is shown to staff as "
                    "overdue."))
    duplicate_radius = models.PositiveSmallIntegerField(
        _("distance for possible duplicates in metres"), default=DEFAULT_DUPLICATE_RADIUS,
        validators=[MinValueValidator(5), MaxValueValidator(1000)])
    contact = models.CharField(_("contact for the Open311 interface"), max_length=300, blank=True,
                               help_text=_("Shown in the Open311 discovery document, e.g. the office and its "
                                           "e-mail address."))

    class Meta:
        verbose_name = _("report settings")
        verbose_name_plural = _("report settings")

    def __str__(self) -> str:
        return str(self.municipality)


class Department(models.Model):
    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="report_departments")
    name = models.CharField(_("name"), max_length=150)

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["municipality", "name"], name="unique_report_department")]

    def __str__(self) -> str:
        return self.name


class Service(models.Model):
    """A kind of report, the Open311 "service" (service_code = ``code``)."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="report_services")
    code = models.SlugField(_("code"), max_length=60, help_text=_("The Open311 service code."))
    name = models.CharField(_("name"), max_length=150)
    description = models.CharField(_("description"), max_length=500, blank=True)
    group = models.CharField(_("group"), max_length=100, blank=True)
    keywords = models.CharField(_("keywords"), max_length=300, blank=True, help_text=_("Separated by commas."))
    department = models.ForeignKey(Department, verbose_name=_("department in charge"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="services")
    is_active = models.BooleanField(_("accepts new reports"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("report category")
        verbose_name_plural = _("report categories")
        ordering = ["order", "name"]
        constraints = [models.UniqueConstraint(fields=["municipality", "code"], name="unique_report_service_code")]

    def __str__(self) -> str:
        return self.name


class ServiceAttribute(models.Model):
    """One question of a service's Open311 service definition."""

    class Datatype(models.TextChoices):
        STRING = "string", _("short text")
        NUMBER = "number", _("number")
        DATETIME = "datetime", _("date and time")
        TEXT = "text", _("long text")
        SINGLEVALUELIST = "singlevaluelist", _("one choice")
        MULTIVALUELIST = "multivaluelist", _("several choices")

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="attributes")
    code = models.SlugField(_("code"), max_length=60)
    description = models.CharField(_("question"), max_length=300)
    datatype = models.CharField(_("type"), max_length=20, choices=Datatype.choices, default=Datatype.STRING)
    datatype_description = models.CharField(_("hint"), max_length=300, blank=True)
    required = models.BooleanField(_("required"), default=False)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    # For the list types: [{"key": "...", "name": "..."}, ...]
    values = models.JSONField(_("choices"), default=list, blank=True)

    class Meta:
        verbose_name = _("question of a report category")
        verbose_name_plural = _("questions of report categories")
        ordering = ["order", "id"]
        constraints = [models.UniqueConstraint(fields=["service", "code"], name="unique_report_attribute_code")]

    def __str__(self) -> str:
        return self.description

    @property
    def choice_keys(self) -> set[str]:
        return {str(value.get("key")) for value in self.values if isinstance(value, dict)}


class ApiKey(models.Model):
    """A key with which an Open311 client may post requests for one municipality; only its hash is stored."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="open311_keys")
    name = models.CharField(_("name of the client"), max_length=150,
                            help_text=_("Who uses the key, e.g. the app of a neighbouring district."))
    prefix = models.CharField(max_length=8, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("Open311 key")
        verbose_name_plural = _("Open311 keys")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class Report(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("open")
        IN_PROGRESS = "in_progress", _("in progress")
        CLOSED = "closed", _("closed")

    class Source(models.TextChoices):
        WEB = "web", _("on this website")
        API = "api", _("through the REST API")
        OPEN311 = "open311", _("through Open311")
        ASSISTED = "assisted", _("entered by staff for a resident")

    OPEN_STATES = (Status.OPEN, Status.IN_PROGRESS)

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="reports")
    service = models.ForeignKey(Service, verbose_name=_("category"), on_delete=models.RESTRICT, related_name="reports")
    description = models.TextField(_("description"), max_length=4000,
                                   help_text=_("What is the problem, and where exactly?"))
    address = models.CharField(_("address or place"), max_length=300, blank=True,
                               help_text=_("For example: Marktstraße 12, or: the playground in the town park."))
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True,
                                   validators=[MinValueValidator(-90), MaxValueValidator(90)])
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True,
                                    validators=[MinValueValidator(-180), MaxValueValidator(180)])
    # Answers to the service's questions: {attribute code: value or list of values}.
    attributes = models.JSONField(default=dict, blank=True)
    photo = models.ImageField(_("photo"), upload_to="reports/photos/", blank=True)
    media_url = models.URLField(_("address of a photo elsewhere"), max_length=500, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    status_note = models.TextField(_("public note"), max_length=2000, blank=True)
    department = models.ForeignKey(Department, verbose_name=_("department"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="reports")
    duplicate_of = models.ForeignKey("self", verbose_name=_("duplicate of"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="duplicates")
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.WEB)
    # Personal data: never shown publicly, never in Open311 output or open data.
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="reports")
    contact_name = models.CharField(_("name"), max_length=200, blank=True)
    contact_email = models.EmailField(_("e-mail address"), blank=True)
    contact_phone = models.CharField(_("telephone"), max_length=50, blank=True)
    api_key = models.ForeignKey(ApiKey, null=True, blank=True, on_delete=models.SET_NULL, related_name="reports")
    # The Open311 token of the request (tokens/<token>), unguessable.
    token = models.CharField(max_length=32, unique=True, default=new_token, editable=False)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    answered_at = models.DateTimeField(_("first answered"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    overdue_flagged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("issue report")
        verbose_name_plural = _("issue reports")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["municipality", "-created_at", "-id"], name="report_newest"),
            models.Index(fields=["municipality", "status", "-created_at", "-id"], name="report_status_newest"),
            models.Index(fields=["municipality", "service", "status", "-created_at"], name="report_service_status"),
            models.Index(fields=["municipality", "status", "answered_at", "created_at"], name="report_unanswered"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(latitude__isnull=True, longitude__isnull=True)
                                   | Q(latitude__isnull=False, longitude__isnull=False),
                                   name="report_point_complete"),
            models.CheckConstraint(condition=~Q(latitude__isnull=True, address=""), name="report_has_location"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.service.name}" if self.service_id else f"#{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("reports:detail", kwargs={"municipality_slug": self.municipality.slug, "issue_id": self.pk})

    @property
    def title(self) -> str:
        return str(_("%(service)s, report no. %(id)s") % {"service": self.service.name, "id": self.pk})

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATES

    @property
    def has_point(self) -> bool:
        return self.latitude is not None

    @property
    def is_published(self) -> bool:
        return True

    @property
    def open311_status(self) -> str:
        return "closed" if self.status == self.Status.CLOSED else "open"

    @classmethod
    def unanswered_q(cls) -> Q:
        return Q(status=cls.Status.OPEN, answered_at__isnull=True)


class PendingPhoto(models.Model):
    """A photo already cleaned (core.photos.clean_photo) while its report is not sent yet: the form's second step (a
    possible duplicate, a point suggested by the photo) needs no second upload. Old rows are deleted by
    ``manage.py flag_overdue_reports``."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    file = models.ImageField(upload_to="reports/photos/")
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("photo of a report not yet sent")
        verbose_name_plural = _("photos of reports not yet sent")

    def __str__(self) -> str:
        return self.file.name or ""
