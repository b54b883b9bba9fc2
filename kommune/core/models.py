import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from kommune.core.files import file_name

# First path segments that belong to the platform, so no municipality may take them as its slug.
RESERVED_SLUGS = frozenset(
    {
        "admin", "api", "konto", "account", "labs", "oparl", "dcat", "open311", "sensors", "static", "media",
        "sprache", "language", "i18n", "healthz", "bench", "robots.txt", "favicon.ico", "docs", "impressum", "suche",
        "methoden",
    }
)


def validate_tenant_slug(value: str) -> None:
    if value in RESERVED_SLUGS:
        raise ValidationError(_("“%(slug)s” is reserved by the platform; please choose another address."),
                              code="reserved", params={"slug": value})


class FederalState(models.TextChoices):
    # The two digits are the state part of the Amtlicher Gemeindeschlüssel.
    SCHLESWIG_HOLSTEIN = "01", "Schleswig-Holstein"
    HAMBURG = "02", "Hamburg"
    NIEDERSACHSEN = "03", "Niedersachsen"
    BREMEN = "04", "Bremen"
    NORDRHEIN_WESTFALEN = "05", "Nordrhein-Westfalen"
    HESSEN = "06", "Hessen"
    RHEINLAND_PFALZ = "07", "Rheinland-Pfalz"
    BADEN_WUERTTEMBERG = "08", "Baden-Württemberg"
    BAYERN = "09", "Bayern"
    SAARLAND = "10", "Saarland"
    BERLIN = "11", "Berlin"
    BRANDENBURG = "12", "Brandenburg"
    MECKLENBURG_VORPOMMERN = "13", "Mecklenburg-Vorpommern"
    SACHSEN = "14", "Sachsen"
    SACHSEN_ANHALT = "15", "Sachsen-Anhalt"
    THUERINGEN = "16", "Thüringen"


validate_municipality_key = RegexValidator(
    re.compile(r"^\d{8}\Z"),
    _("The official municipality key (Amtlicher Gemeindeschlüssel) has exactly 8 digits, for example 05315000."),
    code="invalid_key",
)


class Municipality(models.Model):
    class Kind(models.TextChoices):
        GEMEINDE = "gemeinde", _("Municipality (Gemeinde)")
        STADT = "stadt", _("Town (Stadt)")
        KREISFREIE_STADT = "kreisfreie_stadt", _("District-free city (kreisfreie Stadt)")
        LANDKREIS = "landkreis", _("District (Landkreis)")

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("address"), max_length=60, unique=True, validators=[validate_tenant_slug],
                            help_text=_("Lower-case letters, digits and hyphens; part of every address."))
    official_key = models.CharField(_("official municipality key"), max_length=8, unique=True,
                                    validators=[validate_municipality_key],
                                    help_text=_("Amtlicher Gemeindeschlüssel, 8 digits."))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    federal_state = models.CharField(_("federal state"), max_length=2, choices=FederalState.choices)
    parent = models.ForeignKey("self", verbose_name=_("district"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="members",
                               limit_choices_to={"kind": Kind.LANDKREIS})
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    regional_key = models.CharField(_("official regional key"), max_length=12, blank=True,
                                    validators=[RegexValidator(r"^\d{12}$", _("Enter the 12 digits of the key."))],
                                    help_text=_("Amtlicher Regionalschlüssel (12 digits). Open-data catalogues use "
                                                "it to locate the municipality's datasets."))
    logo = models.ImageField(_("logo"), upload_to="logos/", blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=50, blank=True)
    contact_address = models.TextField(_("postal address"), blank=True)
    website = models.URLField(_("website"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("core:municipality_home", kwargs={"municipality_slug": self.slug})

    def clean(self) -> None:
        errors: dict[str, str | Promise] = {}
        key = self.official_key or ""
        if len(key) == 8 and key.isdigit():
            if self.federal_state and key[:2] != self.federal_state:
                errors["official_key"] = _("The key of a municipality in %(state)s starts with %(code)s.") % {
                    "state": self.get_federal_state_display(), "code": self.federal_state}
            elif self.kind == self.Kind.LANDKREIS and not key.endswith("000"):
                errors["official_key"] = _("The key of a district ends with 000.")
        if self.parent_id:
            if self.kind in (self.Kind.LANDKREIS, self.Kind.KREISFREIE_STADT):
                errors["parent"] = _("A district or a district-free city belongs to no district.")
            elif key and self.parent and self.parent.official_key[:5] != key[:5]:
                errors["parent"] = _("The key of a member municipality starts with the five digits of its district.")
        if errors:
            raise ValidationError(errors)

    @property
    def logo_url(self) -> str:
        """Where the logo is served (nothing serves MEDIA_URL), or "" without a logo."""
        if not self.logo:
            return ""
        return reverse("core:logo", kwargs={"municipality_slug": self.slug, "filename": file_name(self.logo)})


class Organisation(models.Model):
    class Kind(models.TextChoices):
        DEPARTMENT = "department", _("department of the municipality")
        CIVIL_SOCIETY = "civil_society", _("civil-society organisation")

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("address"), max_length=60, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    municipality = models.ForeignKey(Municipality, verbose_name=_("municipality"), on_delete=models.CASCADE,
                                     related_name="organisations")
    description = models.TextField(_("description"), blank=True)
    website = models.URLField(_("website"), blank=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Lab(models.Model):
    """A regional Open Government Lab: several municipalities and organisations working together."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("address"), max_length=60, unique=True)
    description = models.TextField(_("description"), blank=True)
    municipalities = models.ManyToManyField(Municipality, verbose_name=_("municipalities"), related_name="labs")
    organisations = models.ManyToManyField(Organisation, verbose_name=_("organisations"), related_name="labs",
                                           blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)

    class Meta:
        verbose_name = _("lab")
        verbose_name_plural = _("labs")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        # The lab's page is its workspace, served by the labs app (kommune/labs); reversed by name, not imported.
        return reverse("labs:home", kwargs={"lab_slug": self.slug})


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    STAFF = "staff", _("Staff member")
    MODERATOR = "moderator", _("Moderator")
    PARTNER = "partner", _("Partner")
    RESIDENT = "resident", _("Resident")


class Membership(models.Model):
    """A person's role in one municipality or one lab (exactly one of the two)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    municipality = models.ForeignKey(Municipality, null=True, blank=True, on_delete=models.CASCADE,
                                     related_name="memberships")
    lab = models.ForeignKey(Lab, null=True, blank=True, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    organisation = models.ForeignKey(Organisation, verbose_name=_("organisation"), null=True, blank=True,
                                     on_delete=models.CASCADE, related_name="memberships")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(municipality__isnull=False, lab__isnull=True) | Q(municipality__isnull=True,
                                                                             lab__isnull=False),
                name="membership_in_one_tenant",
            ),
            models.UniqueConstraint(fields=["user", "municipality", "role"], condition=Q(lab__isnull=True),
                                    name="unique_municipality_role"),
            models.UniqueConstraint(fields=["user", "lab", "role"], condition=Q(municipality__isnull=True),
                                    name="unique_lab_role"),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} – {self.municipality or self.lab}"


class PageKind(models.TextChoices):
    IMPRINT = "imprint", _("Imprint")
    PRIVACY = "privacy", _("Privacy notice")
    ACCESSIBILITY = "accessibility", _("Accessibility statement")
    EASY_LANGUAGE = "easy_language", _("Easy language (Leichte Sprache)")
    NETIQUETTE = "netiquette", _("Netiquette")


class Page(models.Model):
    """A legal or informational page of a municipality, written by its staff in limited Markdown."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="pages")
    kind = models.CharField(max_length=20, choices=PageKind.choices)
    body = models.TextField(_("text"), blank=True, help_text=_("Markdown: headings, lists, links, emphasis."))
    body_html = models.TextField(editable=False, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["municipality", "kind"], name="one_page_per_kind")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} – {self.municipality}"


class AccessibilityFeedback(models.Model):
    """A barrier reported through the feedback form of the accessibility statement (required by BITV 2.0)."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="accessibility_feedback")
    page_url = models.CharField(_("page concerned"), max_length=500, blank=True)
    message = models.TextField(_("description of the barrier"), max_length=5000)
    name = models.CharField(_("name"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail for our answer"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    handled_at = models.DateTimeField(null=True, blank=True)
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return Truncator(self.message).chars(60)


class AuditLogEntry(models.Model):
    """Who changed roles or verified whom; readable by the tenant's admins."""

    class Action(models.TextChoices):
        ROLE_GRANTED = "role_granted", _("role granted")
        ROLE_REVOKED = "role_revoked", _("role revoked")
        RESIDENT_VERIFIED = "resident_verified", _("residency verified at the counter")
        LETTER_CODE_REDEEMED = "letter_code_redeemed", _("residency verified by letter code")
        LETTER_CODES_CREATED = "letter_codes_created", _("letter codes generated")
        PAGE_UPDATED = "page_updated", _("page updated")
        PROPOSAL_SETTINGS_CHANGED = "proposal_settings_changed", _("citizen proposal settings changed")
        PROPOSAL_SIGNATURES_ADDED = "proposal_signatures_added", _("paper signatures entered for a citizen proposal")
        PROPOSAL_ANSWERED = "proposal_answered", _("citizen proposal answered")
        SURVEY_PAPER_RESPONSE = "survey_paper_response", _("paper questionnaire of a survey entered")
        INCLUSION_PARTNER_DECIDED = "inclusion_partner_decided", _("partner of the digital-help network approved "
                                                                   "or rejected")
        INCLUSION_ASSISTED_REGISTRATION = "inclusion_assisted_registration", _("registration entered for a person")
        INCLUSION_ASSISTED_CANCELLATION = "inclusion_assisted_cancellation", _("registration cancelled for a person")
        REPORT_ENTERED = "report_entered", _("issue report entered for a resident")
        OPEN311_KEY_CREATED = "open311_key_created", _("Open311 key created")
        OPEN311_KEY_REVOKED = "open311_key_revoked", _("Open311 key revoked")
        COMMENT_ENTERED_ASSISTED = "comment_entered_assisted", _("comment entered for a resident")
        ADOPTION_ENTERED_ASSISTED = "adoption_entered_assisted", _("adoption or care entry entered for a resident")
        NEWSLETTER_SENT = "newsletter_sent", _("newsletter sent")
        NEWSLETTER_SUBSCRIBER_ENTERED = "newsletter_subscriber_entered", _("newsletter subscriber entered by staff")
        VOLUNTEER_ASSISTED_SIGNUP = "volunteer_assisted_signup", _("volunteer sign-up entered for a person")
        VOLUNTEER_ASSISTED_CANCELLATION = "volunteer_assisted_cancel", _("volunteer sign-up cancelled for a person")
        VOLUNTEER_ATTENDANCE_CONFIRMED = "volunteer_attendance_confirmed", _("volunteer attendance confirmed")
        CODESIGN_CHANGE_PUBLISHED = "codesign_change_published", _("change to a public service published")
        CODESIGN_RATING_ENTERED_ASSISTED = "codesign_rating_assisted", _("rating of a public service entered for a "
                                                                         "resident")
        LAB_ITEM_VISIBILITY_CHANGED = "lab_item_visibility_changed", _("visibility of a lab item changed")
        LAB_ITEM_DELETED = "lab_item_deleted", _("lab item deleted")
        TEMPLATE_COPIED = "template_copied", _("participation template copied")
        INDICATOR_VALUE_ENTERED = "indicator_value_entered", _("indicator value entered")
        OPENNESS_REPORT_PUBLISHED = "openness_report_published", _("annual open-government report published")

    municipality = models.ForeignKey(Municipality, null=True, blank=True, on_delete=models.CASCADE,
                                     related_name="audit_log")
    lab = models.ForeignKey(Lab, null=True, blank=True, on_delete=models.CASCADE, related_name="audit_log")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    subject = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+")
    action = models.CharField(max_length=40, choices=Action.choices)
    details = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["municipality", "-created_at"]), models.Index(fields=["lab", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.get_action_display()} ({self.created_at:%Y-%m-%d %H:%M})"


class CouncilReferral(models.Model):
    """A matter handed to the council (a citizen proposal, later others), the link between two features.

    The feature that hands over names its object generically (``source``); the council feature, when it
    exists, attaches the council paper (``paper``, generic too) or staff note its reference and address by hand.
    So neither feature imports the other. Written only by ``kommune.core.services.do_refer_to_council`` and
    ``do_attach_council_paper``.
    """

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="council_referrals")
    source_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.CASCADE, related_name="+")
    source_id = models.PositiveBigIntegerField()
    referred_at = models.DateTimeField(_("handed to the council"))
    referred_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    paper_type = models.ForeignKey("contenttypes.ContentType", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    paper_id = models.PositiveBigIntegerField(null=True, blank=True)
    paper_reference = models.CharField(_("council paper reference"), max_length=100, blank=True,
                                       help_text=_("For example “Drucksache 2026/0815”."))
    paper_url = models.URLField(_("address of the council paper"), blank=True)

    class Meta:
        verbose_name = _("referral to the council")
        verbose_name_plural = _("referrals to the council")
        constraints = [models.UniqueConstraint(fields=["source_type", "source_id"], name="one_referral_per_source")]

    def __str__(self) -> str:
        return self.paper_reference or f"{self.source_type_id}:{self.source_id}"


class OutboxEntry(models.Model):
    """An event (kommune.core.events) for the durable consumers, written in the transaction of the write it tells
    of, and delivered after the commit by the task worker or ``manage.py deliver_events``."""

    event = models.CharField(max_length=100)  # Event.name
    municipality = models.ForeignKey(Municipality, null=True, on_delete=models.CASCADE, related_name="+")
    # target and scope as [content type id, primary key], actor as a user id, and the event's data.
    payload = models.JSONField(encoder=DjangoJSONEncoder)
    created_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)  # when every durable consumer has applied it
    last_error = models.TextField(blank=True)

    class Meta:
        # The drain reads the pending entries (delivered_at null) oldest first and deletes the old delivered ones.
        indexes = [models.Index(fields=["delivered_at", "id"], name="outbox_by_delivery")]

    def __str__(self) -> str:
        return f"{self.event} #{self.pk}"


class OutboxDelivery(models.Model):
    """That one consumer has applied one outbox entry; written in the consumer's transaction, so twice is once."""

    entry = models.ForeignKey(OutboxEntry, on_delete=models.CASCADE, related_name="deliveries")
    consumer = models.CharField(max_length=50)
    delivered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["entry", "consumer"], name="one_delivery_per_consumer")]

    def __str__(self) -> str:
        return f"{self.consumer} #{self.entry_id}"


class RateCounter(models.Model):
    """How often one identity used one limit in one time window, for the rate limits of kommune.core.ratelimit
    when there is no Redis: a row that every app server process counts in. Written only by that module, with one
    atomic upsert per use; rows whose window has passed are deleted as they pass."""

    bucket = models.CharField(max_length=100, unique=True)  # limit name, hashed identity, window number
    count = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("rate counter")
        verbose_name_plural = _("rate counters")

    def __str__(self) -> str:
        return f"{self.bucket}: {self.count}"
