"""Digital inclusion: the partner network (meeting places that help people with digital things), their event
calendar with courses, and registrations with a waiting list.

The app is called ``inclusion`` (not ``events``) because every app has an ``events.py`` for the typed events of
kommune.core.events; ``kommune.events`` next to ``kommune/<app>/events.py`` would read as the same thing.

Counters: ``confirmed_count`` and ``waiting_count`` of an event or a course are exact. One Registration row per
person is the truth; the counters move with F() in the transaction that writes the row, after the event's (or
course's) row was locked with ``select_for_update`` (kommune.inclusion.services).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kommune.core.models import Municipality, Organisation


class Category(models.TextChoices):
    SMARTPHONE = "smartphone", _("Smartphone and tablet")
    ONLINE_BANKING = "online_banking", _("Online banking")
    ONLINE_SHOPPING = "online_shopping", _("Online shopping")
    SECURITY = "security", _("Safety on the internet")
    VIDEO_CALLS = "video_calls", _("Video calls")
    COMPUTER = "computer", _("Computer basics")
    SERVICES = "services", _("Online services of the authorities")
    CONSULTATION = "consultation", _("Open consultation hour")
    OTHER = "other", _("Other topics")


class Level(models.TextChoices):
    BEGINNER = "beginner", _("For beginners")
    ADVANCED = "advanced", _("With some experience")
    ALL = "all", _("For everyone")


class Partner(models.Model):
    """A place of the network: a meeting place, a library, a senior centre, an association."""

    class Kind(models.TextChoices):
        MEETING_PLACE = "meeting_place", _("Meeting place")
        LIBRARY = "library", _("Library")
        SENIOR_CENTRE = "senior_centre", _("Senior centre")
        ASSOCIATION = "association", _("Association")
        OTHER = "other", _("Other place")

    class State(models.TextChoices):
        PENDING = "pending", _("waiting for approval")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="inclusion_partners")
    organisation = models.ForeignKey(Organisation, verbose_name=_("organisation"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="inclusion_partners")
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("address"), max_length=80)
    kind = models.CharField(_("kind of place"), max_length=20, choices=Kind.choices, default=Kind.MEETING_PLACE)
    description = models.TextField(_("description"), max_length=5000, blank=True)
    street = models.CharField(_("street and number"), max_length=200)
    postcode = models.CharField(_("postcode"), max_length=10)
    city = models.CharField(_("town"), max_length=100)
    district = models.CharField(_("district"), max_length=100, blank=True,
                                help_text=_("The part of town, for example “Altstadt”."))
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    opening_hours = models.TextField(_("opening hours"), max_length=1000, blank=True,
                                     help_text=_("One line per day, for example “Mon 10–12”."))
    step_free = models.BooleanField(_("step-free access"), default=False)
    hearing_loop = models.BooleanField(_("hearing loop"), default=False)
    accessible_toilet = models.BooleanField(_("accessible toilet"), default=False)
    accessibility_notes = models.CharField(_("more on accessibility"), max_length=500, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    offers = models.JSONField(_("offers"), default=list, blank=True)  # Category values; PartnerOffer mirrors them
    state = models.CharField(max_length=20, choices=State.choices, default=State.PENDING)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        ordering = ["name", "pk"]
        constraints = [models.UniqueConstraint(fields=["municipality", "slug"], name="inclusion_partner_slug")]
        indexes = [models.Index(fields=["municipality", "state", "name"], name="inclusion_partner_list")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("inclusion:partner", kwargs={"municipality_slug": self.municipality.slug,
                                                    "partner_slug": self.slug})

    @property
    def is_approved(self) -> bool:
        return self.state == self.State.APPROVED

    @property
    def has_point(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    @property
    def address_line(self) -> str:
        return f"{self.street}, {self.postcode} {self.city}"

    def offer_labels(self) -> list[str]:
        return [str(Category(value).label) for value in self.offers if value in Category.values]


class PartnerOffer(models.Model):
    """One topic a partner offers help with (mirrors Partner.offers, so that the directory filters in SQL)."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="offer_rows")
    category = models.CharField(max_length=30, choices=Category.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["partner", "category"], name="inclusion_one_offer")]

    def __str__(self) -> str:
        return self.category


class Bookable(models.Model):
    """What people register for: a single event, or a whole course of several sessions."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    partner = models.ForeignKey(Partner, verbose_name=_("place"), null=True, blank=True, on_delete=models.RESTRICT,
                                related_name="+")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), max_length=5000, blank=True)
    category = models.CharField(_("topic"), max_length=30, choices=Category.choices)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices, default=Level.BEGINNER)
    language = models.CharField(_("language"), max_length=50, default="Deutsch")
    is_online = models.BooleanField(_("online"), default=False)
    online_url = models.URLField(_("address of the online meeting"), blank=True)
    accessibility_notes = models.CharField(_("accessibility"), max_length=500, blank=True)
    cost = models.CharField(_("cost"), max_length=100, blank=True, help_text=_("Empty means free of charge."))
    capacity = models.PositiveIntegerField(_("places"), null=True, blank=True,
                                           help_text=_("Empty means no registration is needed."))
    waiting_list = models.BooleanField(_("waiting list when full"), default=True)
    confirmed_count = models.PositiveIntegerField(default=0)
    waiting_count = models.PositiveIntegerField(default=0)
    is_cancelled = models.BooleanField(_("cancelled"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True

    @property
    def takes_registrations(self) -> bool:
        return self.capacity is not None

    @property
    def free_places(self) -> int | None:
        if self.capacity is None:
            return None
        return max(0, self.capacity - self.confirmed_count)

    @property
    def is_full(self) -> bool:
        return self.capacity is not None and self.confirmed_count >= self.capacity

    @property
    def is_free_of_charge(self) -> bool:
        return not self.cost.strip()


class Course(Bookable):
    """A course of several sessions (usually weekly), for which people register once for all sessions."""

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("inclusion:course", kwargs={"municipality_slug": self.municipality.slug,
                                                   "course_id": self.pk})


class Event(Bookable):
    """One date in the calendar: a single event, or one session of a course (``course`` set; then people register
    for the course, and the course's title, place and places apply)."""

    course = models.ForeignKey(Course, null=True, blank=True, on_delete=models.CASCADE, related_name="sessions")
    starts_at = models.DateTimeField(_("begins"))
    ends_at = models.DateTimeField(_("ends"))

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["municipality", "starts_at"], name="inclusion_event_upcoming")]
        constraints = [models.CheckConstraint(condition=Q(ends_at__gte=models.F("starts_at")),
                                              name="inclusion_event_ends_after_start")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("inclusion:event", kwargs={"municipality_slug": self.municipality.slug, "event_id": self.pk})


class Registration(models.Model):
    """A person's place (or place on the waiting list) for an event or a whole course; without an account too."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("registered")
        WAITING = "waiting", _("on the waiting list")
        CANCELLED = "cancelled", _("cancelled")

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    event = models.ForeignKey(Event, null=True, blank=True, on_delete=models.CASCADE, related_name="registrations")
    course = models.ForeignKey(Course, null=True, blank=True, on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="inclusion_registrations")
    name = models.CharField(_("name"), max_length=200)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    note = models.CharField(_("note for the organisers"), max_length=500, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices)
    secret = models.CharField(max_length=32)  # part of the signed cancellation link
    assisted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    moved_up_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(event__isnull=False, course__isnull=True)
                                   | Q(event__isnull=True, course__isnull=False), name="inclusion_registration_target"),
            models.UniqueConstraint(fields=["event", "user"], condition=Q(user__isnull=False)
                                    & ~Q(status="cancelled"), name="inclusion_one_registration_per_event"),
            models.UniqueConstraint(fields=["course", "user"], condition=Q(user__isnull=False)
                                    & ~Q(status="cancelled"), name="inclusion_one_registration_per_course"),
        ]
        indexes = [models.Index(fields=["event", "status", "created_at"], name="inclusion_reg_event"),
                   models.Index(fields=["course", "status", "created_at"], name="inclusion_reg_course")]

    def __str__(self) -> str:
        return self.name

    @property
    def target(self) -> Event | Course:
        return self.event if self.event_id else self.course  # type: ignore[return-value]

    @property
    def is_assisted(self) -> bool:
        return self.assisted_by_id is not None
