from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kommune.core.models import Municipality


class Follow(models.Model):
    """A person follows a process, a contribution or another person's public activity."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows")
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("follow")
        verbose_name_plural = _("follows")
        constraints = [
            models.UniqueConstraint(fields=["user", "content_type", "object_id"], name="follow_once_per_target"),
        ]
        indexes = [
            # The fan-out: who follows this object?
            models.Index(fields=["content_type", "object_id"], name="follow_target"),
            models.Index(fields=["user", "-created_at", "-id"], name="follow_user_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.content_type_id}:{self.object_id}"


class Activity(models.Model):
    """Something public that happened, shown in the streams and feeds and the source of notifications.

    The sentence ("Alice commented on “Spielplatz Nord”") is composed when it is shown, in the reader's
    language, from ``verb``, ``actor_name``, ``summary`` and ``scope_title`` (see verbs.py).
    """

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    verb = models.CharField(max_length=40)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    # The public display name at the time (for assisted comments the name the resident chose); nothing else.
    actor_name = models.CharField(max_length=80, blank=True)
    target_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    target_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("target_type", "target_id")
    scope_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    scope_id = models.PositiveBigIntegerField(null=True, blank=True)
    scope = GenericForeignKey("scope_type", "scope_id")
    summary = models.CharField(max_length=200, help_text="The public title of what the activity is about.")
    scope_title = models.CharField(max_length=200, blank=True)
    url = models.CharField(max_length=500)
    # Hidden by moderation (the target); withdrawn when the process it belongs to is no longer published.
    is_hidden = models.BooleanField(default=False)
    is_withdrawn = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["municipality", "-created_at", "-id"], name="activity_municipality_stream"),
            models.Index(fields=["scope_type", "scope_id", "-created_at", "-id"], name="activity_scope_stream"),
            models.Index(fields=["target_type", "target_id"], name="activity_target"),
        ]

    def __str__(self) -> str:
        return f"{self.verb} {self.target_type_id}:{self.target_id}"

    @property
    def is_visible(self) -> bool:
        return not (self.is_hidden or self.is_withdrawn)

    @property
    def sentence(self) -> str:
        from kommune.core.notifications.verbs import describe

        return describe(self.verb, actor=self.actor_name, title=self.summary, scope=self.scope_title)


class Notification(models.Model):
    """One activity for one person. Private notifications (a report was answered) have no activity and
    carry their own verb, text and address instead."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    activity = models.ForeignKey(Activity, null=True, blank=True, on_delete=models.CASCADE,
                                 related_name="notifications")
    municipality = models.ForeignKey(Municipality, null=True, blank=True, on_delete=models.CASCADE,
                                     related_name="+")
    verb = models.CharField(max_length=40, blank=True)
    text = models.TextField(blank=True, max_length=2000)
    url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "activity"], condition=Q(activity__isnull=False),
                                    name="notify_once_per_activity"),
            models.CheckConstraint(condition=Q(activity__isnull=False) | ~Q(verb=""),
                                   name="private_notification_has_verb"),
        ]
        indexes = [
            models.Index(fields=["user", "-created_at", "-id"], name="notification_inbox"),
            models.Index(fields=["user"], condition=Q(read_at__isnull=True), name="notification_unread"),
            models.Index(fields=["created_at"], condition=Q(emailed_at__isnull=True), name="notification_unsent"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.verb_name}"

    @property
    def verb_name(self) -> str:
        return self.activity.verb if self.activity else self.verb

    @property
    def link(self) -> str:
        return self.activity.url if self.activity else self.url

    @property
    def sentence(self) -> str:
        if self.activity:
            return self.activity.sentence
        from kommune.core.notifications.verbs import describe

        return describe(self.verb)

    @property
    def is_visible(self) -> bool:
        return self.activity is None or self.activity.is_visible


class NotificationSettings(models.Model):
    class Email(models.TextChoices):
        OFF = "off", _("No e-mails")
        IMMEDIATELY = "immediately", _("One e-mail for each notification, right away")
        DAILY = "daily", _("One e-mail a day with everything (daily digest)")

    user = models.OneToOneField(settings.AUTH_USER_MODEL, primary_key=True, on_delete=models.CASCADE,
                                related_name="notification_settings")
    email = models.CharField(_("notification e-mails"), max_length=12, choices=Email.choices,
                             default=Email.IMMEDIATELY)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("notification settings")
        verbose_name_plural = _("notification settings")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.email}"
