from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kommune.core.models import Municipality


class Report(models.Model):
    """A person tells the moderators that a contribution breaks the netiquette."""

    class Reason(models.TextChoices):
        SPAM = "spam", _("Spam or advertising")
        INSULT = "insult", _("Insult or discrimination")
        OFF_TOPIC = "off_topic", _("Off topic")
        PERSONAL_DATA = "personal_data", _("Personal data of others")
        ILLEGAL = "illegal", _("Illegal content")
        OTHER = "other", _("Other reason")

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        ANSWERED = "answered", _("answered")
        DISMISSED = "dismissed", _("dismissed")

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    text = models.TextField(_("explanation"), max_length=2000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    answer = models.TextField(_("answer"), max_length=2000, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["reporter", "content_type", "object_id"], condition=Q(status="open"),
                                    name="one_open_report_per_person_and_target"),
        ]
        indexes = [
            models.Index(fields=["municipality", "status", "-created_at", "-id"], name="report_queue"),
            models.Index(fields=["content_type", "object_id"], name="report_target"),
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} #{self.pk}"


class ModerationAct(models.Model):
    """One act of moderation, listed in the municipality's public log (without personal data)."""

    class Action(models.TextChoices):
        HIDE = "hide", _("Contribution hidden")
        UNHIDE = "unhide", _("Contribution shown again")
        BLOCK = "block", _("Person blocked")
        UNBLOCK = "unblock", _("Block lifted")
        ANSWER_REPORT = "answer_report", _("Report answered")
        DISMISS_REPORT = "dismiss_report", _("Report dismissed")

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    # Never shown publicly: the log names what was done and why, not who did it.
    moderator = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    action = models.CharField(max_length=20, choices=Action.choices)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    # The netiquette rule the decision applies (a heading of the municipality's netiquette), if any.
    rule = models.CharField(_("rule of the netiquette"), max_length=200, blank=True)
    # The person the decision is about (the author of a hidden contribution, the blocked person), who receives
    # the statement of reasons (Art. 17 DSA). Never shown publicly.
    affected_user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="+")
    # Decided by software rather than a person; the platform decides nothing automatically today.
    automated = models.BooleanField(default=False)
    public_description = models.CharField(max_length=300)
    content_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    target = GenericForeignKey("content_type", "object_id")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("moderation act")
        verbose_name_plural = _("moderation acts")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["municipality", "-created_at", "-id"], name="moderation_log")]

    def __str__(self) -> str:
        return f"{self.get_action_display()} #{self.pk}"


class Block(models.Model):
    """A person may not take part in one municipality until ``until``."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    until = models.DateTimeField(_("blocked until"))
    reason = models.CharField(_("reason"), max_length=500)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("block")
        verbose_name_plural = _("blocks")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["municipality", "user", "until"], name="block_lookup")]

    def __str__(self) -> str:
        return f"{self.user} – {self.municipality} – {self.until:%Y-%m-%d}"

    @property
    def is_active(self) -> bool:
        return self.until > timezone.now()


class ReviewRequest(models.Model):
    """The affected person asks the moderators to look at a decision again (one request per decision)."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        UPHELD = "upheld", _("decision upheld")
        REVERSED = "reversed", _("decision reversed")

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    act = models.OneToOneField(ModerationAct, on_delete=models.CASCADE, related_name="review_request")
    requester = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    text = models.TextField(_("why the decision should be reviewed"), max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    answer = models.TextField(_("answer"), max_length=2000, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        verbose_name = _("review request")
        verbose_name_plural = _("review requests")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["municipality", "status", "-created_at", "-id"], name="review_queue")]

    def __str__(self) -> str:
        return f"{self.get_status_display()} #{self.pk}"
