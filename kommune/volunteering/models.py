"""Volunteer projects ("Mit-Mach-Stadt"): a municipality, a lab or a partner organisation publishes a project with
shifts (a date and time, or ongoing), people sign up for a shift, the organisers confirm who took part and for how
many hours.

Counters: ``Shift.signed_up_count`` is exact. One SignUp row per person is the truth; the counter moves with F() in
the transaction that writes the row, after the shift's row was locked with ``select_for_update``
(kommune.volunteering.services), so a shift never takes more people than it needs.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kommune.core.models import Lab, Municipality, Organisation


class Skill(models.TextChoices):
    NONE = "none", _("No previous knowledge needed")
    GARDENING = "gardening", _("Gardening")
    CRAFTS = "crafts", _("Crafts and repairs")
    CARE = "care", _("Care and company")
    TEACHING = "teaching", _("Teaching and tutoring")
    LANGUAGES = "languages", _("Languages and translating")
    DIGITAL = "digital", _("Computers and the internet")
    ORGANISING = "organising", _("Organising and events")
    DRIVING = "driving", _("Driving (licence needed)")
    COOKING = "cooking", _("Cooking and catering")


class Accessibility(models.TextChoices):
    SUITABLE = "suitable", _("Suitable for people with limited mobility")
    PARTLY = "partly", _("Partly suitable: please ask")
    NOT_SUITABLE = "not_suitable", _("Needs physical strength or standing for long")


class Project(models.Model):
    """A volunteer project: what is done, by whom (the municipality, a lab or a partner organisation), and why."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="volunteer_projects")
    organisation = models.ForeignKey(Organisation, verbose_name=_("organisation"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="volunteer_projects",
                                     help_text=_("The partner organisation running the project, if not the "
                                                 "municipality itself."))
    lab = models.ForeignKey(Lab, verbose_name=_("lab"), null=True, blank=True, on_delete=models.SET_NULL,
                            related_name="volunteer_projects")
    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(_("summary"), max_length=300)
    description = models.TextField(_("description"), max_length=5000, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=50, blank=True)
    is_published = models.BooleanField(default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("volunteer project")
        verbose_name_plural = _("volunteer projects")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["municipality", "is_published", "created_at"], name="volunteer_project_list")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("volunteering:project", kwargs={"municipality_slug": self.municipality.slug,
                                                       "volunteer_project_id": self.pk})

    @property
    def publisher(self) -> str:
        if self.organisation is not None:
            return self.organisation.name
        if self.lab is not None:
            return self.lab.name
        return self.municipality.name


class Shift(models.Model):
    """A task or shift of a project: at a date and time, or ongoing (no date); with a place, the skills it asks
    for, how many people it needs and how accessible the task is."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="shifts")
    title = models.CharField(_("task"), max_length=200)
    description = models.TextField(_("what to do"), max_length=3000, blank=True)
    starts_at = models.DateTimeField(_("begins"), null=True, blank=True,
                                     help_text=_("Empty for an ongoing task without a date."))
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True)
    place_name = models.CharField(_("place"), max_length=200)
    street = models.CharField(_("street and number"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=10, blank=True)
    city = models.CharField(_("town"), max_length=100, blank=True)
    district = models.CharField(_("district"), max_length=100, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    skills = models.CharField(max_length=300, blank=True)  # ",gardening,crafts," so that a filter is one LIKE
    capacity = models.PositiveIntegerField(_("people needed"))
    accessibility = models.CharField(_("accessibility of the task"), max_length=20, choices=Accessibility.choices,
                                     default=Accessibility.PARTLY)
    accessibility_notes = models.CharField(_("more on accessibility"), max_length=500, blank=True)
    signed_up_count = models.PositiveIntegerField(default=0)
    is_cancelled = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("shift")
        verbose_name_plural = _("shifts")
        ordering = [models.F("starts_at").asc(nulls_last=True), "pk"]
        indexes = [models.Index(fields=["municipality", "starts_at"], name="volunteer_shift_upcoming")]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__isnull=True) | Q(starts_at__isnull=False,
                                                                        ends_at__gte=models.F("starts_at")),
                                   name="volunteer_shift_ends_after_start"),
            models.CheckConstraint(condition=Q(signed_up_count__lte=models.F("capacity")),
                                   name="volunteer_shift_never_overbooked"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("volunteering:shift", kwargs={"municipality_slug": self.municipality.slug,
                                                     "shift_id": self.pk})

    @property
    def is_ongoing(self) -> bool:
        return self.starts_at is None

    @property
    def free_places(self) -> int:
        return max(0, self.capacity - self.signed_up_count)

    @property
    def is_full(self) -> bool:
        return self.signed_up_count >= self.capacity

    def is_past(self, now=None) -> bool:
        if self.starts_at is None:
            return False
        return self.starts_at <= (now or timezone.now())

    @property
    def skill_list(self) -> list[str]:
        return [value for value in self.skills.strip(",").split(",") if value in Skill.values]

    def skill_labels(self) -> list[str]:
        return [str(Skill(value).label) for value in self.skill_list]

    @property
    def has_point(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    @property
    def address_line(self) -> str:
        town = f"{self.postcode} {self.city}".strip()
        return ", ".join(part for part in (self.place_name, self.street, town) if part)

    def hours(self) -> Decimal | None:
        """The planned length in hours, if the shift has a begin and an end."""
        if self.starts_at is None or self.ends_at is None:
            return None
        return (Decimal((self.ends_at - self.starts_at).total_seconds()) / 3600).quantize(Decimal("0.01"))


class SignUp(models.Model):
    """A person's place in a shift: signed up with their account, or entered by the organisers for someone who
    phoned (``assisted_by``, audited). The organisers confirm afterwards whether the person took part and for how
    many hours."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("signed up")
        CANCELLED = "cancelled", _("cancelled")

    class Attendance(models.TextChoices):
        OPEN = "open", _("not yet confirmed")
        ATTENDED = "attended", _("took part")
        ABSENT = "absent", _("did not come")

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    shift = models.ForeignKey(Shift, on_delete=models.CASCADE, related_name="sign_ups")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="volunteer_sign_ups")
    name = models.CharField(_("name"), max_length=200)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.CONFIRMED)
    secret = models.CharField(max_length=32)  # part of the signed cancellation link
    assisted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    attendance = models.CharField(max_length=20, choices=Attendance.choices, default=Attendance.OPEN)
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=2, null=True, blank=True)
    attendance_confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                                on_delete=models.SET_NULL, related_name="+")
    attendance_confirmed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("sign-up")
        verbose_name_plural = _("sign-ups")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["shift", "user"], condition=Q(user__isnull=False) & Q(status="confirmed"),
                                    name="volunteer_one_sign_up_per_shift"),
        ]
        indexes = [models.Index(fields=["shift", "status", "created_at"], name="volunteer_signup_shift"),
                   models.Index(fields=["user", "municipality"], name="volunteer_signup_user")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_assisted(self) -> bool:
        return self.assisted_by_id is not None

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.CONFIRMED


class VolunteerPreference(models.Model):
    """A person's choice, per municipality, to list their volunteering (projects and hours) on their public
    person page. Off unless the person switches it on."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    show_on_profile = models.BooleanField(_("show my volunteering on my person page"), default=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["municipality", "user"], name="volunteer_one_preference")]

    def __str__(self) -> str:
        return f"{self.user_id}@{self.municipality_id}"
