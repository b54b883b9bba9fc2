"""Co-designing a public service: staff describe an administrative service as a journey of steps, residents who
used it rate each step (effort, clarity) and describe problems and ideas, staff group these into themes and
publish what they changed. A service may run inside a phase of a participation process (the phase feature
"codesign")."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kommune.core.models import Municipality

LEIKA_KEY_LENGTH = 14
leika_key_validator = RegexValidator(r"^\d{14}$", _("A Leistungsschlüssel of the LeiKa catalogue has exactly 14 "
                                                   "digits, for example 99115001001000."))


class Channel(models.TextChoices):
    ONLINE = "online", _("online")
    COUNTER = "counter", _("at the counter")
    LETTER = "letter", _("by letter")
    PHONE = "phone", _("by phone")


class Service(models.Model):
    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="codesign_services")
    # Optional: while set, a running phase of this process with the feature "codesign" opens the ratings.
    process = models.ForeignKey("processes.Process", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="codesign_services", verbose_name=_("participation process"))
    title = models.CharField(_("name of the service"), max_length=200)
    leika_key = models.CharField(_("Leistungsschlüssel (LeiKa)"), max_length=LEIKA_KEY_LENGTH, blank=True,
                                 validators=[leika_key_validator])
    department = models.CharField(_("responsible department"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    accepts_ratings = models.BooleanField(
        _("open for ratings"), default=True,
        help_text=_("Without a participation process this decides whether residents can rate the steps; with one, "
                    "a running phase that opens “Co-design of a service” decides."))
    is_published = models.BooleanField(_("published"), default=False)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # Moved with F() in the transaction that stores a new rating; the Rating rows are the truth.
    rating_count = models.PositiveIntegerField(_("ratings"), default=0)

    class Meta:
        verbose_name = _("public service")
        verbose_name_plural = _("public services")
        ordering = ["title", "id"]
        indexes = [models.Index(fields=["municipality", "is_published"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("codesign:detail", kwargs={"municipality_slug": self.municipality.slug,
                                                  "service_id": self.pk})


class Step(models.Model):
    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveIntegerField(_("position"), default=1)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.ONLINE)

    class Meta:
        verbose_name = _("step")
        verbose_name_plural = _("steps")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return f"{self.position}. {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("codesign:step", kwargs={"municipality_slug": self.municipality.slug,
                                                "service_id": self.service_id, "step_id": self.pk})

    @property
    def is_published(self) -> bool:
        return self.service.is_published


class Theme(models.Model):
    """A group of problems and ideas that staff formed from the ratings."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="themes")
    title = models.CharField(_("theme"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        ordering = ["title", "id"]
        constraints = [models.UniqueConstraint(fields=["service", "title"], name="codesign_one_theme_per_title")]

    def __str__(self) -> str:
        return self.title


class Rating(models.Model):
    SCALE = (1, 2, 3, 4, 5)

    class EntryChannel(models.TextChoices):
        ONLINE = "online", _("online by the person")
        PHONE = "phone", _("by phone, entered by staff")
        COUNTER = "counter", _("at the counter, entered by staff")
        LETTER = "letter", _("by letter, entered by staff")

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="ratings")
    step = models.ForeignKey(Step, on_delete=models.CASCADE, related_name="ratings")
    # The person who rated online; empty for ratings staff entered for someone without an account, and after the
    # person deleted their account. NULLs never collide under the unique constraint.
    person = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="codesign_ratings")
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    channel = models.CharField(_("how it reached us"), max_length=10, choices=EntryChannel.choices,
                               default=EntryChannel.ONLINE)
    reference = models.CharField(_("reference (e.g. date of the call)"), max_length=100, blank=True)
    effort = models.PositiveSmallIntegerField(_("effort"), validators=[MinValueValidator(1), MaxValueValidator(5)])
    clarity = models.PositiveSmallIntegerField(_("clarity"), validators=[MinValueValidator(1),
                                                                         MaxValueValidator(5)])
    problem = models.TextField(_("problem"), blank=True)
    idea = models.TextField(_("idea"), blank=True)
    used_on = models.DateField(_("used the service on"))
    theme = models.ForeignKey(Theme, null=True, blank=True, on_delete=models.SET_NULL, related_name="ratings")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("rating of a step")
        verbose_name_plural = _("ratings of steps")
        ordering = ["step__position", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["step", "person"], name="codesign_one_rating_per_person_and_step"),
            models.CheckConstraint(condition=models.Q(effort__gte=1, effort__lte=5, clarity__gte=1, clarity__lte=5),
                                   name="codesign_rating_on_the_scale"),
        ]
        indexes = [models.Index(fields=["service", "used_on"])]

    def __str__(self) -> str:
        return f"{self.step_id}: {self.effort}/{self.clarity}"

    @property
    def is_assisted(self) -> bool:
        return self.channel != self.EntryChannel.ONLINE


class Change(models.Model):
    """What the municipality changed in the service, and from when; the service's page keeps them all."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="changes")
    step = models.ForeignKey(Step, null=True, blank=True, on_delete=models.SET_NULL, related_name="changes",
                             verbose_name=_("step it changes"))
    theme = models.ForeignKey(Theme, null=True, blank=True, on_delete=models.SET_NULL, related_name="changes",
                              verbose_name=_("theme it answers"))
    title = models.CharField(_("what changed"), max_length=200)
    description = models.TextField(_("details"), blank=True)
    changed_on = models.DateField(_("in effect since"))
    published_at = models.DateTimeField(_("published at"))

    class Meta:
        verbose_name = _("change to a service")
        verbose_name_plural = _("changes to services")
        ordering = ["-changed_on", "-id"]

    def __str__(self) -> str:
        return self.title
