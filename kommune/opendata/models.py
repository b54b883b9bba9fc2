"""The open-data catalogue of a municipality: datasets (dcat:Dataset) and their resources (dcat:Distribution).

Datasets are entered by staff or published by the participation-records job (``generated_key`` set); both are
served alike by the catalogue pages, the DCAT-AP.de endpoints and the CKAN Action API.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kommune.core.models import Municipality, Organisation
from kommune.core.slugs import german_slug
from kommune.opendata.records.models import RecordSetState  # noqa: F401  (the participation-records job)


class License(models.TextChoices):
    """A selection of the DCAT-AP.de license vocabulary (http://dcat-ap.de/def/licenses/<value>)."""

    DL_BY_DE_2_0 = "dl-by-de/2.0", _("Data licence Germany – attribution – version 2.0")
    DL_ZERO_DE_2_0 = "dl-zero-de/2.0", _("Data licence Germany – zero – version 2.0")
    CC_BY_4_0 = "cc-by/4.0", _("Creative Commons Attribution 4.0 International")
    CC_BY_SA_4_0 = "cc-by-sa/4.0", _("Creative Commons Attribution – ShareAlike 4.0 International")
    CC_ZERO = "cc-zero", _("Creative Commons Zero (CC0 1.0)")
    ODBL = "odbl", _("Open Data Commons Open Database License (ODbL)")


class Theme(models.TextChoices):
    """The EU data themes (http://publications.europa.eu/resource/authority/data-theme/<value>)."""

    AGRI = "AGRI", _("Agriculture, fisheries, forestry and food")
    ECON = "ECON", _("Economy and finance")
    EDUC = "EDUC", _("Education, culture and sport")
    ENER = "ENER", _("Energy")
    ENVI = "ENVI", _("Environment")
    GOVE = "GOVE", _("Government and public sector")
    HEAL = "HEAL", _("Health")
    INTR = "INTR", _("International issues")
    JUST = "JUST", _("Justice, legal system and public safety")
    REGI = "REGI", _("Regions and cities")
    SOCI = "SOCI", _("Population and society")
    TECH = "TECH", _("Science and technology")
    TRAN = "TRAN", _("Transport")


class Frequency(models.TextChoices):
    """EU frequencies (http://publications.europa.eu/resource/authority/frequency/<value>)."""

    CONT = "CONT", _("continuously")
    DAILY = "DAILY", _("daily")
    WEEKLY = "WEEKLY", _("weekly")
    MONTHLY = "MONTHLY", _("monthly")
    QUARTERLY = "QUARTERLY", _("quarterly")
    ANNUAL = "ANNUAL", _("annually")
    IRREG = "IRREG", _("irregularly")
    NEVER = "NEVER", _("never")
    UNKNOWN = "UNKNOWN", _("unknown")


class Dataset(models.Model):
    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="datasets")
    slug = models.SlugField(_("address"), max_length=100)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), max_length=20_000)
    publisher = models.ForeignKey(Organisation, verbose_name=_("publisher"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="datasets",
                                  help_text=_("Leave empty when the municipality itself publishes the data."))
    contact_name = models.CharField(_("contact point"), max_length=200,
                                    help_text=_("The office or team that answers questions about the data."))
    contact_email = models.EmailField(_("contact e-mail"))
    keywords = models.JSONField(_("keywords"), default=list, blank=True)
    themes = models.JSONField(_("themes"), default=list, blank=True)  # Theme values
    license = models.CharField(_("licence"), max_length=40, choices=License.choices, default=License.DL_BY_DE_2_0)
    temporal_start = models.DateField(_("covers the time from"), null=True, blank=True)
    temporal_end = models.DateField(_("covers the time until"), null=True, blank=True)
    accrual_periodicity = models.CharField(_("update frequency"), max_length=20, choices=Frequency.choices,
                                           default=Frequency.IRREG)
    is_published = models.BooleanField(_("published"), default=False)
    issued_at = models.DateTimeField(_("first published"), null=True, blank=True, editable=False)
    modified_at = models.DateTimeField(_("last changed"), null=True, blank=True, editable=False)
    # Set for the datasets the participation-records job maintains, e.g. "participation:proposals".
    generated_key = models.CharField(max_length=60, blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("dataset")
        verbose_name_plural = _("datasets")
        ordering = ["title", "id"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "slug"], name="unique_dataset_slug"),
            models.UniqueConstraint(fields=["municipality", "generated_key"], condition=~Q(generated_key=""),
                                    name="one_generated_dataset_per_key"),
            models.CheckConstraint(condition=Q(temporal_start__isnull=True) | Q(temporal_end__isnull=True)
                                   | Q(temporal_end__gte=models.F("temporal_start")), name="dataset_temporal_order"),
        ]
        indexes = [models.Index(fields=["municipality", "is_published", "-modified_at"], name="dataset_recent")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("opendata:dataset", kwargs={"municipality_slug": self.municipality.slug,
                                                   "dataset_slug": self.slug})

    @property
    def publisher_name(self) -> str:
        return self.publisher.name if self.publisher else self.municipality.name

    @property
    def is_generated(self) -> bool:
        return bool(self.generated_key)


class Resource(models.Model):
    """One file or link of a dataset (dcat:Distribution)."""

    class Format(models.TextChoices):
        CSV = "CSV", "CSV"
        JSON = "JSON", "JSON"
        GEOJSON = "GEOJSON", "GeoJSON"
        XLSX = "XLSX", "XLSX"
        PDF = "PDF", "PDF"

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="resources")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), max_length=5000, blank=True)
    # Room for long German dataset and file names under the municipality (the default 100 was too short).
    file = models.FileField(_("file"), upload_to="opendata/", blank=True, max_length=255)
    url = models.URLField(_("address of the file"), max_length=1000, blank=True,
                          help_text=_("For data published elsewhere; leave empty when you upload a file."))
    format = models.CharField(_("format"), max_length=10, choices=Format.choices)
    media_type = models.CharField(_("media type"), max_length=100, blank=True, editable=False)
    byte_size = models.PositiveBigIntegerField(null=True, blank=True, editable=False)
    checksum_sha256 = models.CharField(max_length=64, blank=True, editable=False)
    encoding = models.CharField(max_length=20, blank=True, editable=False)
    # Detected when a tabular file is uploaded: a Frictionless Table Schema ({"fields": [{"name", "type"}]}).
    table_schema = models.JSONField(null=True, blank=True, editable=False)
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    modified_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("resource")
        verbose_name_plural = _("resources")
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(condition=(Q(file="") & ~Q(url="")) | (~Q(file="") & Q(url="")),
                                   name="resource_file_or_url"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return f"{self.dataset.get_absolute_url()}#resource-{self.pk}"

    @property
    def file_name(self) -> str:
        """The name the file is downloaded under, e.g. "haushaltsplan-2026.csv"."""
        base = self.title if self.dataset.generated_key else german_slug(self.title, max_length=80)
        extension = {"GEOJSON": "geojson"}.get(self.format, self.format.lower())
        if self.dataset.generated_key and base.endswith(f".{extension}"):
            return base
        return f"{base or 'daten'}.{extension}"

    @property
    def download_url(self) -> str:
        """Where the data is fetched: the download view for an uploaded file (served through the storage, so it
        works with a local folder and with S3), the given address for a link. A path for files, see
        ``absolute_download_url`` for machine-readable catalogues."""
        if not self.file:
            return self.url
        return reverse("opendata:resource_download", kwargs={
            "municipality_slug": self.dataset.municipality.slug, "dataset_slug": self.dataset.slug,
            "resource_id": self.pk, "filename": self.file_name})

    @property
    def absolute_download_url(self) -> str:
        url = self.download_url
        return url if "://" in url else f"{settings.SITE_URL}{url}"
