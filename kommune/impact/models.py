"""Impact models (Wirkungsorientierung): the chain inputs → activities → outputs → outcomes → impact of a project
of a municipality (or of a lab's sub-project), each step with indicators and target values.

An indicator is entered by hand (value, source, date) or measured by the platform (a key of the registry in
kommune/core/indicators.py). Measured values are snapshotted per calendar month into IndicatorValue, so the model's
page reads stored values only. Written only by kommune.impact.services.
"""

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kommune.core.indicators import Unit, indicator_by_key
from kommune.core.models import Lab, Municipality


class Level(models.TextChoices):
    INPUTS = "inputs", _("Inputs")
    ACTIVITIES = "activities", _("Activities")
    OUTPUTS = "outputs", _("Outputs")
    OUTCOMES = "outcomes", _("Outcomes")
    IMPACT = "impact", _("Impact")


LEVEL_HINTS = {
    Level.INPUTS: _("What is put in: money, staff, partners, time."),
    Level.ACTIVITIES: _("What is done with it: courses, consultations, publications."),
    Level.OUTPUTS: _("What the activities produce and whom they reach."),
    Level.OUTCOMES: _("What changes for the people reached: knowledge, behaviour, situation."),
    Level.IMPACT: _("What changes in the municipality as a whole."),
}


class ImpactModel(models.Model):
    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="impact_models")
    # A lab's sub-project: then the platform measures over all member municipalities of the lab.
    lab = models.ForeignKey(Lab, verbose_name=_("lab"), null=True, blank=True, on_delete=models.SET_NULL,
                            related_name="impact_models")
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("what the project wants to achieve"), max_length=3000, blank=True)
    is_public = models.BooleanField(_("public"), default=False,
                                    help_text=_("Public models are shown to everyone and published as open data."))
    # The project (or process, proposal, …) it describes, through kommune/core/linkables.py.
    link_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    link_id = models.PositiveBigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("impact model")
        verbose_name_plural = _("impact models")
        ordering = ["title", "pk"]
        indexes = [models.Index(fields=["municipality", "is_public", "title"], name="impact_model_list")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("impact:detail", kwargs={"municipality_slug": self.municipality.slug, "model_id": self.pk})


class Step(models.Model):
    """One link of the chain: what the model expects at this level."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    model = models.ForeignKey(ImpactModel, on_delete=models.CASCADE, related_name="steps")
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    description = models.TextField(_("description"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("step of the impact chain")
        verbose_name_plural = _("steps of the impact chain")
        constraints = [models.UniqueConstraint(fields=["model", "level"], name="impact_one_step_per_level")]

    def __str__(self) -> str:
        return self.get_level_display()


class Indicator(models.Model):
    """A figure that shows whether a step happens: entered by staff, or measured by the platform."""

    class Source(models.TextChoices):
        ENTERED = "entered", _("entered by hand")
        MEASURED = "measured", _("measured by the platform")

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    model = models.ForeignKey(ImpactModel, on_delete=models.CASCADE, related_name="indicators")
    step = models.ForeignKey(Step, on_delete=models.CASCADE, related_name="indicators")
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    measured_key = models.CharField(_("measured indicator"), max_length=80, blank=True)
    title = models.CharField(_("title"), max_length=200, blank=True)  # empty: the registry's label
    unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices, default=Unit.COUNT)
    higher_is_better = models.BooleanField(_("higher is better"), default=True)
    target_value = models.DecimalField(_("target value"), max_digits=14, decimal_places=2, null=True, blank=True)
    target_date = models.DateField(_("target date"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["position", "pk"]
        constraints = [models.CheckConstraint(condition=Q(source="entered", measured_key="")
                                              | (Q(source="measured") & ~Q(measured_key="")),
                                              name="impact_measured_indicator_has_key")]

    def __str__(self) -> str:
        return self.display_title

    @property
    def is_measured(self) -> bool:
        return self.source == self.Source.MEASURED

    @property
    def display_title(self) -> str:
        """The title staff gave it, else (a measured one) the registry's label in the reader's language."""
        registered = self.registered
        return self.title or (str(registered.label) if registered is not None else self.measured_key)

    @property
    def registered(self):
        """The registry's indicator of a measured one (None when its app is gone, or for an entered one)."""
        return indicator_by_key(self.measured_key) if self.is_measured else None


class IndicatorValue(models.Model):
    """One value of an indicator for one calendar month (``period`` is its first day): a snapshot of a measured
    indicator, or a value entered by staff with its source."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values")
    period = models.DateField(_("month"))
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2)
    source = models.CharField(_("source"), max_length=300, blank=True)
    measured_on = models.DateField(_("date of the value"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        ordering = ["period"]
        constraints = [models.UniqueConstraint(fields=["indicator", "period"], name="impact_one_value_per_month")]

    def __str__(self) -> str:
        return f"{self.indicator} {self.period:%m/%Y}: {self.value}"
