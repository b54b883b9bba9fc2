"""Citizen proposals (Einwohneranträge, "Offene Themensetzung"): residents put a topic on the municipal agenda,
collect supports up to a threshold, and the municipality must answer by a deadline.

The truth of a proposal's support count is its Support rows (one per person under a unique constraint) plus
its paper signature lists; ``online_supports``, ``paper_supports`` and ``total_supports`` are moved by the
services with F() in the same transaction and are what lists sort by.
"""

from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kommune.core.models import Municipality


class ProposalSettings(models.Model):
    """The rules of citizen proposals in one municipality, set by its staff. Absent row = the defaults."""

    class Supporters(models.TextChoices):
        REGISTERED = "registered", _("everyone with a confirmed account")
        VERIFIED = "verified", _("verified residents only")

    class ThresholdKind(models.TextChoices):
        ABSOLUTE = "absolute", _("a fixed number of supports")
        SHARE = "share", _("a share of the population")

    municipality = models.OneToOneField(Municipality, on_delete=models.CASCADE, related_name="proposal_settings")
    is_enabled = models.BooleanField(_("citizen proposals enabled"), default=True)
    supporters = models.CharField(_("who may support"), max_length=20, choices=Supporters.choices,
                                  default=Supporters.VERIFIED)
    minimum_age = models.PositiveSmallIntegerField(_("minimum age"), default=0,
                                                   validators=[MaxValueValidator(21)],
                                                   help_text=_("0 for no age limit."))
    threshold_kind = models.CharField(_("threshold"), max_length=10, choices=ThresholdKind.choices,
                                      default=ThresholdKind.ABSOLUTE)
    threshold_absolute = models.PositiveIntegerField(_("supports needed"), default=500,
                                                     validators=[MinValueValidator(1)])
    threshold_share = models.DecimalField(_("share of the population in percent"), max_digits=5, decimal_places=2,
                                          default=Decimal("1.00"),
                                          validators=[MinValueValidator(Decimal("0.01")),
                                                      MaxValueValidator(Decimal("100"))])
    collection_days = models.PositiveSmallIntegerField(_("collection period in days"), default=120,
                                                       validators=[MinValueValidator(1), MaxValueValidator(730)])
    answer_days = models.PositiveSmallIntegerField(_("days for the official answer"), default=90,
                                                   validators=[MinValueValidator(1), MaxValueValidator(730)],
                                                   help_text=_("Counted from the day the threshold is reached."))
    authors_may_support = models.BooleanField(_("authors may support their own proposal"), default=False)

    class Meta:
        verbose_name = _("proposal settings")
        verbose_name_plural = _("proposal settings")

    def __str__(self) -> str:
        return str(self.municipality)

    @property
    def collection_period(self) -> timedelta:
        return timedelta(days=self.collection_days)

    @property
    def answer_period(self) -> timedelta:
        return timedelta(days=self.answer_days)


class Category(models.Model):
    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="proposal_categories")
    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("address"), max_length=60)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["municipality", "slug"], name="unique_proposal_category_slug")]

    def __str__(self) -> str:
        return self.name


class Proposal(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("draft")
        COLLECTING = "collecting", _("collecting supports")
        THRESHOLD_REACHED = "threshold_reached", _("threshold reached")
        ANSWERED = "answered", _("answered")
        EXPIRED = "expired", _("expired")
        WITHDRAWN = "withdrawn", _("withdrawn by its author")

    class Outcome(models.TextChoices):
        ACCEPTED = "accepted", _("accepted")
        REJECTED = "rejected", _("rejected")
        COUNCIL = "council", _("handed to the council")
        IMPLEMENTED = "implemented", _("implemented")

    # The states in which a proposal may still collect supports (until ``collection_ends_at``): one that reached
    # its threshold keeps collecting until the end of its period.
    OPEN_STATES = (State.COLLECTING, State.THRESHOLD_REACHED)

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="proposals")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                               related_name="proposals")
    title = models.CharField(_("title"), max_length=150)
    text = models.TextField(_("text"), max_length=10_000,
                            help_text=_("What should the municipality do, and why? "
                                        "Markdown: ## heading, - list item, **bold**, [link](https://…)."))
    text_html = models.TextField(editable=False, blank=True)
    category = models.ForeignKey(Category, verbose_name=_("category"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="proposals")
    area = models.CharField(_("area"), max_length=200, blank=True,
                            help_text=_("The part of the municipality concerned, for example a district."))
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True,
                                   validators=[MinValueValidator(-90), MaxValueValidator(90)])
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True,
                                    validators=[MinValueValidator(-180), MaxValueValidator(180)])
    image = models.ImageField(_("image"), upload_to="proposals/images/", blank=True)
    image_alt = models.CharField(_("description of the image"), max_length=300, blank=True,
                                 help_text=_("For people who cannot see the image."))
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.DRAFT)

    # Fixed when the proposal is published, so later changes of the settings do not move running proposals.
    required_supports = models.PositiveIntegerField(_("supports needed"), default=0)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    collection_ends_at = models.DateTimeField(_("collection ends"), null=True, blank=True)

    online_supports = models.PositiveIntegerField(default=0)
    paper_supports = models.PositiveIntegerField(default=0)
    total_supports = models.PositiveIntegerField(default=0)

    threshold_reached_at = models.DateTimeField(_("threshold reached"), null=True, blank=True)
    answer_due_at = models.DateTimeField(_("answer due"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    answer = models.TextField(_("official answer"), max_length=20_000, blank=True,
                              help_text=_("Markdown: ## heading, - list item, **bold**, [link](https://…)."))
    answer_html = models.TextField(editable=False, blank=True)
    answer_department = models.CharField(_("responsible department"), max_length=200, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    expired_at = models.DateTimeField(_("expired"), null=True, blank=True)
    # Withdrawn by its author (services.do_withdraw_proposal): the reason is shown on it, supports stay.
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawal_reason = models.CharField(_("reason for the withdrawal"), max_length=500, blank=True)
    # Hidden by the moderation (kommune.core.moderation through the reportables registry): gone from every list,
    # the search, the feeds, the API and the open data; its page says so.
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_reason = models.CharField(max_length=500, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("citizen proposal")
        verbose_name_plural = _("citizen proposals")
        ordering = ["-published_at", "-id"]
        indexes = [
            # The list orders: most supports, newest, recently answered, nearest deadline; each within a state.
            models.Index(fields=["municipality", "state", "-total_supports", "-id"], name="proposal_by_supports"),
            models.Index(fields=["municipality", "-total_supports", "-id"], name="proposal_all_by_supports"),
            models.Index(fields=["municipality", "state", "-published_at", "-id"], name="proposal_newest"),
            models.Index(fields=["municipality", "-published_at", "-id"], name="proposal_all_newest"),
            models.Index(fields=["municipality", "-answered_at", "-id"], name="proposal_answered"),
            models.Index(fields=["municipality", "state", "collection_ends_at", "id"], name="proposal_collection_end"),
            models.Index(fields=["municipality", "state", "answer_due_at", "id"], name="proposal_answer_due"),
            models.Index(fields=["municipality", "category", "state", "-total_supports", "-id"],
                         name="proposal_category_supports"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(total_supports=F("online_supports") + F("paper_supports")),
                                   name="proposal_total_is_sum"),
            models.CheckConstraint(condition=Q(latitude__isnull=True, longitude__isnull=True)
                                   | Q(latitude__isnull=False, longitude__isnull=False),
                                   name="proposal_point_complete"),
            models.CheckConstraint(condition=~Q(state="answered") | ~Q(outcome=""),
                                   name="answered_proposal_has_outcome"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("proposals:detail", kwargs={"municipality_slug": self.municipality.slug,
                                                   "proposal_id": self.pk})

    @property
    def is_published(self) -> bool:
        return self.state != self.State.DRAFT

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None

    @property
    def is_public(self) -> bool:
        """Shown to everyone: published and not hidden by the moderation."""
        return self.is_published and not self.is_hidden

    @classmethod
    def public_q(cls) -> Q:
        return ~Q(state=cls.State.DRAFT) & Q(hidden_at__isnull=True)

    @property
    def has_point(self) -> bool:
        return self.latitude is not None

    @property
    def progress_percent(self) -> int:
        """Share of the threshold reached, capped at 100, for the progress bar."""
        if not self.required_supports:
            return 0
        return min(100, self.total_supports * 100 // self.required_supports)

    # --- The rules of the proposal's life. Each has its one definition here; where a query needs the same rule,
    # the Q next to it says it for the database, and a test checks that both agree.

    def is_collecting(self, now: datetime) -> bool:
        """Whether supports can be given (and withdrawn) now: published and neither answered nor expired, and
        before the end of the collection, also when the expiry job has not yet moved a proposal past its end.
        A proposal hidden by the moderation takes no supports while it is hidden."""
        return (self.state in self.OPEN_STATES and self.collection_ends_at is not None
                and now < self.collection_ends_at and self.hidden_at is None)

    @classmethod
    def collecting_q(cls, now: datetime) -> Q:
        return Q(state__in=cls.OPEN_STATES, collection_ends_at__gt=now, hidden_at__isnull=True)

    @property
    def answered_in_time(self) -> bool:
        """Answered by the deadline; an answer without a deadline cannot be late."""
        return self.answered_at is not None and (self.answer_due_at is None or self.answered_at <= self.answer_due_at)

    @classmethod
    def answered_in_time_q(cls) -> Q:
        return Q(answered_at__isnull=False) & (Q(answer_due_at__isnull=True) | Q(answered_at__lte=F("answer_due_at")))

    def is_answer_overdue(self, now: datetime) -> bool:
        """Waiting for its official answer past the deadline."""
        return (self.state == self.State.THRESHOLD_REACHED and self.answer_due_at is not None
                and self.answer_due_at < now)

    @classmethod
    def answer_overdue_q(cls, now: datetime) -> Q:
        return Q(state=cls.State.THRESHOLD_REACHED, answer_due_at__lt=now)

    @property
    def is_editable(self) -> bool:
        """Its text can change until its first support (online or on paper), so that everybody supports the same
        text, and only while it is a draft or collecting."""
        return not self.total_supports and self.state in (self.State.DRAFT, self.State.COLLECTING)

    @property
    def accepts_signature_lists(self) -> bool:
        """Paper lists handed in by the end of the collection count even when entered later, also after expiry."""
        return self.state in (*self.OPEN_STATES, self.State.EXPIRED)

    @property
    def lacks_image_description(self) -> bool:
        """An image needs a text alternative for people who cannot see it (BITV 2.0 / WCAG 1.1.1)."""
        return bool(self.image) and not self.image_alt.strip()


class Attachment(models.Model):
    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="attachments")
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to="proposals/attachments/")
    size = models.PositiveIntegerField(editable=False, default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.title


class Support(models.Model):
    """One person's support of one proposal: the row is the truth, the unique constraint forbids a second."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="supports")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="proposal_supports")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("support")
        verbose_name_plural = _("supports")
        constraints = [models.UniqueConstraint(fields=["proposal", "user"], name="one_support_per_person")]
        indexes = [models.Index(fields=["user", "-created_at"], name="support_by_person")]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.proposal_id}"


class SignatureList(models.Model):
    """Paper signatures collected for a proposal, counted and entered by staff."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="signature_lists")
    count = models.PositiveIntegerField(_("number of valid signatures"), validators=[MinValueValidator(1)])
    received_on = models.DateField(_("received on"))
    scan = models.FileField(_("scan of the lists"), upload_to="proposals/signatures/", blank=True,
                            help_text=_("PDF or image. Only staff can open it."))
    note = models.CharField(_("note"), max_length=300, blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("signature list")
        verbose_name_plural = _("signature lists")
        ordering = ["received_on", "id"]

    def __str__(self) -> str:
        return f"{self.count} – {self.received_on}"


class ProposalUpdate(models.Model):
    """A later step under the official answer, added by staff as a dated timeline: the council's decision, the start
    and the end of the implementation. The answer itself stays as it was published; an update never changes it.
    Written only by ``services.do_add_proposal_update``. ``author`` is the staff member who entered it, never
    shown: the municipality speaks."""

    class Kind(models.TextChoices):
        DECISION = "decision", _("decision")
        IMPLEMENTATION_STARTED = "implementation_started", _("implementation started")
        IMPLEMENTATION_DONE = "implementation_done", _("implementation finished")
        DELAY = "delay", _("delay")
        NEWS = "news", _("news")

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="updates")
    kind = models.CharField(_("kind of update"), max_length=30, choices=Kind.choices, default=Kind.NEWS)
    happened_on = models.DateField(_("date"), help_text=_("The day it happened, for example the day of the "
                                                           "council's decision."))
    title = models.CharField(_("title"), max_length=150, help_text=_("For example “Der Rat hat zugestimmt”."))
    text = models.TextField(_("text"), max_length=5_000, blank=True,
                            help_text=_("Markdown: ## heading, - list item, **bold**, [link](https://…)."))
    text_html = models.TextField(editable=False, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("update of a proposal")
        verbose_name_plural = _("updates of proposals")
        ordering = ["happened_on", "id"]
        indexes = [models.Index(fields=["proposal", "happened_on", "id"], name="proposal_update_by_date"),
                   models.Index(fields=["municipality", "happened_on", "id"], name="proposal_update_municipal")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return f"{self.proposal.get_absolute_url()}#update-{self.pk}"
