"""The openness self-assessment (rounds, one answer per person and statement) and the annual open-government
report (a published snapshot with its PDF)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kommune.core.models import Lab, Municipality


class Round(models.Model):
    """One year's self-assessment of a municipality; its team answers while it is open."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    version = models.CharField(_("questionnaire version"), max_length=20)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    # Consent: the labs the municipality belongs to may compare this round's result with their other members.
    shared_with_labs = models.BooleanField(_("shared with the labs"), default=False)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("self-assessment round")
        verbose_name_plural = _("self-assessment rounds")
        ordering = ["-year"]
        constraints = [models.UniqueConstraint(fields=["municipality", "year"], name="openness_one_round_a_year")]

    def __str__(self) -> str:
        return f"{self.municipality} {self.year}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class Answer(models.Model):
    """A person's rating of one statement in one round, with the evidence they name; changed until closed."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="answers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    statement = models.CharField(_("statement"), max_length=40)
    rating = models.PositiveSmallIntegerField(_("rating"), validators=[MinValueValidator(1), MaxValueValidator(5)])
    evidence = models.TextField(_("evidence"), blank=True, max_length=2000)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("self-assessment answer")
        verbose_name_plural = _("self-assessment answers")
        constraints = [
            models.UniqueConstraint(fields=["round", "user", "statement"], name="openness_one_answer_a_statement"),
            models.CheckConstraint(condition=Q(rating__gte=1, rating__lte=5), name="openness_rating_on_scale"),
        ]

    def __str__(self) -> str:
        return f"{self.statement}: {self.rating}"


class Report(models.Model):
    """The annual open-government report of a municipality or of a lab: the figures as published (``content``,
    a JSON snapshot, so the page does not change afterwards) and its PDF."""

    municipality = models.ForeignKey(Municipality, null=True, blank=True, on_delete=models.CASCADE,
                                     related_name="+")
    lab = models.ForeignKey(Lab, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=200)
    content = models.JSONField(_("content"), default=dict)
    pdf = models.FileField(_("PDF"), upload_to="openness/", blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    published_at = models.DateTimeField(_("published"))

    class Meta:
        verbose_name = _("open-government report")
        verbose_name_plural = _("open-government reports")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(condition=Q(municipality__isnull=False, lab__isnull=True)
                                   | Q(municipality__isnull=True, lab__isnull=False),
                                   name="openness_report_one_tenant"),
            models.UniqueConstraint(fields=["municipality", "year"], condition=Q(municipality__isnull=False),
                                    name="openness_one_report_a_year"),
            models.UniqueConstraint(fields=["lab", "year"], condition=Q(lab__isnull=False),
                                    name="openness_one_lab_report_a_year"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return self._url("openness:report", "openness:lab_report")

    def get_pdf_url(self) -> str:
        return self._url("openness:report_pdf", "openness:lab_report_pdf")

    def _url(self, municipality_name: str, lab_name: str) -> str:
        if self.lab is not None:
            return reverse(lab_name, kwargs={"lab_slug": self.lab.slug, "year": self.year})
        assert self.municipality is not None  # the check constraint: exactly one tenant
        return reverse(municipality_name, kwargs={"municipality_slug": self.municipality.slug, "year": self.year})

    @property
    def pdf_filename(self) -> str:
        return f"og-bericht-{self.year}.pdf"
