"""The methods library: methods, instruments and tools of open government, their versions, their uses in
participation processes, and the templates (reusable setups) with their copies into other municipalities."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kommune.core.models import Lab, Municipality
from kommune.core.perspectives import Perspective
from kommune.core.processes.models import Process

LICENSE = "CC-BY-4.0"
LICENSE_NAME = "Creative Commons Namensnennung 4.0 International (CC BY 4.0)"
LICENSE_URL = "https://creativecommons.org/licenses/by/4.0/deed.de"

# The fields of a method that each version keeps (the text a person wrote, not the rendered HTML).
CONTENT_FIELDS = ("title", "kind", "summary", "purpose", "perspectives", "effort", "group_size_min",
                  "group_size_max", "duration", "steps", "materials", "pitfalls")


class Method(models.Model):
    """A method, instrument or tool, written by a municipality or a lab (its author tenant: exactly one)."""

    class Kind(models.TextChoices):
        METHOD = "method", _("Method")
        INSTRUMENT = "instrument", _("Instrument")
        TOOL = "tool", _("Tool")

    class Effort(models.TextChoices):
        LOW = "low", _("low")
        MEDIUM = "medium", _("medium")
        HIGH = "high", _("high")

    municipality = models.ForeignKey(Municipality, null=True, blank=True, on_delete=models.CASCADE,
                                     related_name="methods")
    lab = models.ForeignKey(Lab, null=True, blank=True, on_delete=models.CASCADE, related_name="methods")
    slug = models.SlugField(_("address"), max_length=80, unique=True)
    title = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.METHOD)
    summary = models.CharField(_("summary"), max_length=500)
    purpose = models.TextField(_("purpose"), max_length=10_000)
    # The keys of kommune.core.perspectives.Perspective, comma-separated with a comma on each side
    # (",dialogue,co_production,"), so that a filter is one portable LIKE on SQLite and PostgreSQL.
    perspectives = models.CharField(_("perspectives of openness"), max_length=200)
    effort = models.CharField(_("effort"), max_length=10, choices=Effort.choices)
    group_size_min = models.PositiveIntegerField(_("smallest group"), null=True, blank=True)
    group_size_max = models.PositiveIntegerField(_("largest group"), null=True, blank=True)
    duration = models.CharField(_("duration"), max_length=200)
    steps = models.TextField(_("steps"), max_length=20_000)
    materials = models.TextField(_("materials"), blank=True, max_length=10_000)
    pitfalls = models.TextField(_("pitfalls"), blank=True, max_length=10_000)
    purpose_html = models.TextField(editable=False, blank=True)
    steps_html = models.TextField(editable=False, blank=True)
    materials_html = models.TextField(editable=False, blank=True)
    pitfalls_html = models.TextField(editable=False, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("method")
        verbose_name_plural = _("methods")
        ordering = ["title", "id"]
        constraints = [models.CheckConstraint(
            condition=Q(municipality__isnull=False, lab__isnull=True) | Q(municipality__isnull=True,
                                                                          lab__isnull=False),
            name="method_has_one_author")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("methods:method", kwargs={"method_slug": self.slug})

    @property
    def author(self) -> Municipality | Lab:
        return self.municipality or self.lab  # type: ignore[return-value]

    def perspective_keys(self) -> list[str]:
        return [key for key in self.perspectives.split(",") if key]

    def perspective_labels(self) -> list[str]:
        return [str(Perspective(key).label) for key in self.perspective_keys() if key in Perspective.values]


class MethodVersion(models.Model):
    """One saved state of a method; every edit adds one, so the previous text is never lost."""

    municipality = models.ForeignKey(Municipality, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    lab = models.ForeignKey(Lab, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    method = models.ForeignKey(Method, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    content = models.JSONField()  # the CONTENT_FIELDS of the method as saved
    note = models.CharField(_("what changed"), max_length=300, blank=True)
    edited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    edited_at = models.DateTimeField()

    class Meta:
        verbose_name = _("version of a method")
        verbose_name_plural = _("versions of methods")
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["method", "number"], name="unique_method_version")]

    def __str__(self) -> str:
        return f"{self.method_id} v{self.number}"


class MethodUse(models.Model):
    """A participation process used a method: the real uses the library shows."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    method = models.ForeignKey(Method, on_delete=models.CASCADE, related_name="uses")
    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="method_uses")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("use of a method")
        verbose_name_plural = _("uses of methods")
        constraints = [models.UniqueConstraint(fields=["method", "process"], name="unique_method_use")]

    def __str__(self) -> str:
        return f"{self.method_id} in {self.process_id}"


class Template(models.Model):
    """A setup published for reuse: a copy of what a blueprint (kommune.core.blueprints) exported."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="templates")
    kind = models.CharField(_("kind"), max_length=40)
    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(_("summary"), max_length=500, blank=True)
    data = models.JSONField()
    source_id = models.PositiveBigIntegerField(null=True, blank=True)  # the object it was made from, same kind
    source_url = models.CharField(max_length=500, blank=True)
    method = models.ForeignKey(Method, verbose_name=_("method"), null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="templates")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("template")
        verbose_name_plural = _("templates")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("methods:template", kwargs={"template_id": self.pk})


class TemplateCopy(models.Model):
    """A template copied into a municipality: the link from the copy back to its origin."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    template = models.ForeignKey(Template, on_delete=models.CASCADE, related_name="copies")
    object_id = models.PositiveBigIntegerField()
    object_url = models.CharField(max_length=500, blank=True)
    title = models.CharField(max_length=200)
    starts_on = models.DateField(null=True, blank=True)
    copied_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    copied_at = models.DateTimeField()

    class Meta:
        verbose_name = _("copy of a template")
        verbose_name_plural = _("copies of templates")
        ordering = ["-copied_at", "-id"]

    def __str__(self) -> str:
        return self.title
