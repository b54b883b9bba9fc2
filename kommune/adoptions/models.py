"""Adoptions of public green (Heckenmanagement): assets of a municipality that residents look after for a season.

The municipality maps its assets (hedges, trees, beds, benches, water points) as points or lines; a resident (for
themselves or a group) adopts a free asset for a season and records what they did. Written only by
kommune.adoptions.services.
"""

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kommune.core.models import Municipality


class AssetKind(models.TextChoices):
    HEDGE = "hedge", _("Hedge")
    TREE = "tree", _("Tree")
    BED = "bed", _("Flower bed")
    BENCH = "bench", _("Bench")
    WATER_POINT = "water_point", _("Water point")


class Asset(models.Model):
    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="adoption_assets")
    kind = models.CharField(_("kind"), max_length=20, choices=AssetKind.choices)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=2000)
    # The GeoJSON geometry (Point or LineString, WGS 84) as imported; latitude/longitude is the point that lists
    # and markers use (for a line: its middle vertex).
    geometry = models.JSONField(_("geometry"))
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6)
    external_id = models.CharField(_("identifier in the source"), max_length=100, blank=True,
                                   help_text=_("The feature's id in the imported GeoJSON; a new import updates it."))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("asset to adopt")
        verbose_name_plural = _("assets to adopt")
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["municipality", "external_id"], condition=~Q(external_id=""),
                                               name="adoption_asset_external_id_unique")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("adoptions:asset", kwargs={"municipality_slug": self.municipality.slug, "asset_id": self.pk})

    @property
    def is_line(self) -> bool:
        return self.geometry.get("type") == "LineString"


class AssistedChannel(models.TextChoices):
    ONLINE = "", _("online")
    PHONE = "phone", _("by phone")
    LETTER = "letter", _("by letter")
    COUNTER = "counter", _("in person")


class Adoption(models.Model):
    """One person's (or group's) care of one asset for one season (a calendar year)."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="adoptions")
    asset = models.ForeignKey(Asset, on_delete=models.CASCADE, related_name="adoptions")
    season = models.PositiveSmallIntegerField(_("season"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="adoptions")
    # Public: the name the adopters want shown ("Familie Yilmaz", "Kita Sonnenschein"); never the account's name.
    public_name = models.CharField(_("name shown on the map"), max_length=100, blank=True)
    adopted_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    # Assisted entry: staff or a partner adopted for a resident who phoned, wrote or came by (no account then).
    channel = models.CharField(_("received"), max_length=10, choices=AssistedChannel.choices, default="", blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    # How the municipality reaches the adopter without an account; never public, cleared when the adoption ends.
    contact = models.CharField(_("phone or e-mail (not public)"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("adoption")
        verbose_name_plural = _("adoptions")
        constraints = [models.UniqueConstraint(fields=["asset", "season"], condition=Q(ended_at__isnull=True),
                                               name="one_running_adoption_per_asset_and_season")]

    def __str__(self) -> str:
        return f"{self.asset} {self.season}"

    @property
    def is_running(self) -> bool:
        return self.ended_at is None

    @property
    def is_assisted(self) -> bool:
        return bool(self.channel)


class CareKind(models.TextChoices):
    WATERING = "watering", _("Watering")
    CUTTING = "cutting", _("Cutting back")
    TRIMMING = "trimming", _("Gentle trimming")
    PLANTING = "planting", _("Planting")
    CLEANING = "cleaning", _("Clearing litter")
    OTHER = "other", _("Other care")


class CareEntry(models.Model):
    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="adoption_care_entries")
    adoption = models.ForeignKey(Adoption, on_delete=models.CASCADE, related_name="entries")
    asset = models.ForeignKey(Asset, on_delete=models.CASCADE, related_name="care_entries")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")
    kind = models.CharField(_("what was done"), max_length=20, choices=CareKind.choices)
    done_on = models.DateField(_("date"))
    note = models.TextField(_("note"), blank=True, max_length=1000)
    # Re-encoded on upload: no EXIF, no location, no camera data.
    photo = models.ImageField(_("photo"), upload_to="adoptions/", blank=True)
    photo_alt = models.CharField(_("description of the photo"), max_length=300, blank=True)
    # Entered by staff for the adopters (the author is then the staff member), and how it reached them.
    channel = models.CharField(_("received"), max_length=10, choices=AssistedChannel.choices, default="", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("care entry")
        verbose_name_plural = _("care entries")
        ordering = ["-done_on", "-id"]
        indexes = [models.Index(fields=["asset", "-done_on"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.done_on:%d.%m.%Y}"


def season_of(day: date) -> int:
    return day.year
