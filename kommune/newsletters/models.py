"""Newsletters of a municipality: issues written in Markdown with blocks from other features, subscribers with
double opt-in (with or without an account), and one delivery row per issue and subscriber.

The delivery row is the truth of "sent once": it is unique per issue and subscriber, and a batch task claims a row
(pending → sent) with a conditional UPDATE before it sends, so a retried or doubled task never mails anyone twice.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kommune.core.models import Municipality
from kommune.core.processes.models import Topic


class District(models.Model):
    """A part of the municipality people can subscribe to (e.g. "Altstadt")."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="newsletter_districts")
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        ordering = ["name", "pk"]
        constraints = [models.UniqueConstraint(fields=["municipality", "name"], name="newsletters_district_name")]

    def __str__(self) -> str:
        return self.name


class Newsletter(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SENT = "sent", _("sent")

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="newsletters")
    title = models.CharField(_("subject"), max_length=150)
    intro = models.CharField(_("teaser"), max_length=300, blank=True,
                             help_text=_("One or two sentences shown in the archive."))
    body = models.TextField(_("text"), max_length=20_000,
                            help_text=_("Markdown: ## heading, - list item, **bold**, [link](https://…)."))
    body_html = models.TextField(editable=False, blank=True)
    blocks = models.JSONField(_("blocks"), default=list, blank=True)  # kinds of kommune.core.newsletter_blocks
    # What the blocks gave when the issue was sent: [{"kind", "label", "items": [{title, url, date, summary}]}]
    block_snapshot = models.JSONField(default=list, blank=True, editable=False)
    topic = models.ForeignKey(Topic, verbose_name=_("topic"), null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+", help_text=_("Empty: for all subscribers."))
    district = models.ForeignKey(District, verbose_name=_("district"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+",
                                 help_text=_("Empty: for the whole municipality."))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    # Exact counters, moved with F() by the batch tasks in the transaction that marks the delivery.
    recipient_count = models.PositiveIntegerField(default=0)
    sent_count = models.PositiveIntegerField(default=0)
    failed_count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("newsletter")
        verbose_name_plural = _("newsletters")
        ordering = ["-sent_at", "-created_at", "-pk"]
        indexes = [models.Index(fields=["municipality", "status", "-sent_at"], name="newsletters_archive")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("newsletters:issue", kwargs={"municipality_slug": self.municipality.slug,
                                                    "newsletter_id": self.pk})

    @property
    def is_sent(self) -> bool:
        return self.status == self.Status.SENT

    @property
    def pending_count(self) -> int:
        return max(0, self.recipient_count - self.sent_count - self.failed_count)


class Subscriber(models.Model):
    """One e-mail address subscribed to a municipality's newsletter, with or without an account."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for confirmation")
        CONFIRMED = "confirmed", _("confirmed")
        DISABLED = "disabled", _("disabled after bounces")

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    email = models.EmailField(_("e-mail"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE,
                             related_name="newsletter_subscriptions")
    name = models.CharField(_("name"), max_length=200, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    secret = models.CharField(max_length=32)  # part of the signed confirmation and unsubscribe links
    bounce_count = models.PositiveIntegerField(default=0)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")  # staff who entered a person who phoned (audited)
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    disabled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("subscriber")
        verbose_name_plural = _("subscribers")
        ordering = ["created_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["municipality", "email"], name="newsletters_one_address")]
        indexes = [models.Index(fields=["municipality", "status"], name="newsletters_subscribers")]

    def __str__(self) -> str:
        return self.email

    @property
    def is_confirmed(self) -> bool:
        return self.status == self.Status.CONFIRMED


class SubscriberTopic(models.Model):
    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="topic_rows")
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["subscriber", "topic"], name="newsletters_one_topic")]

    def __str__(self) -> str:
        return f"{self.subscriber_id}: {self.topic_id}"


class SubscriberDistrict(models.Model):
    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="district_rows")
    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["subscriber", "district"], name="newsletters_one_district")]

    def __str__(self) -> str:
        return f"{self.subscriber_id}: {self.district_id}"


class Delivery(models.Model):
    """One issue to one subscriber. Unique per issue and subscriber: nobody gets an issue twice."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    newsletter = models.ForeignKey(Newsletter, on_delete=models.CASCADE, related_name="deliveries")
    # Kept (without the address) when the subscriber unsubscribes, so the counts stay true.
    subscriber = models.ForeignKey(Subscriber, null=True, on_delete=models.SET_NULL, related_name="deliveries")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["newsletter", "subscriber"],
                                               condition=Q(subscriber__isnull=False),
                                               name="newsletters_one_delivery")]
        indexes = [models.Index(fields=["newsletter", "status"], name="newsletters_delivery_status")]

    def __str__(self) -> str:
        return f"{self.newsletter_id} → {self.subscriber_id}: {self.status}"
