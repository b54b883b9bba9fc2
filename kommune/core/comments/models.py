from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kommune.core.models import Municipality

MAX_COMMENT_LENGTH = 5000


class Thread(models.Model):
    """The comments on one commentable object, with its exact counters (moved by the services with F())."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    comment_count = models.PositiveIntegerField(default=0, help_text="Visible comments and replies.")
    top_level_count = models.PositiveIntegerField(default=0, help_text="Visible top-level comments.")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["content_type", "object_id"], name="one_thread_per_target")]

    def __str__(self) -> str:
        return f"{self.content_type.model} {self.object_id}"


class Comment(models.Model):
    class Channel(models.TextChoices):
        ONLINE = "", _("online")
        PHONE = "phone", _("by phone")
        LETTER = "letter", _("by letter")
        EVENT = "event", _("at an event")

    # How long the author may change a comment after posting it.
    EDIT_WINDOW = timedelta(minutes=15)

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="comments")
    # Assisted participation: staff enter what a resident said offline, under the name the resident chose.
    channel = models.CharField(_("received"), max_length=10, choices=Channel.choices, default="", blank=True)
    assisted_name = models.CharField(_("name chosen by the resident"), max_length=80, blank=True)
    text = models.TextField(_("comment"), max_length=MAX_COMMENT_LENGTH)
    text_html = models.TextField(editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_reason = models.CharField(max_length=500, blank=True)
    reply_count = models.PositiveIntegerField(default=0)
    agree_count = models.PositiveIntegerField(default=0)
    disagree_count = models.PositiveIntegerField(default=0)
    my_reaction: int  # not a field: the viewer's reaction, set by the API before it serialises a page

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # Cursor pagination of a comment's replies and (partial: IS NULL is no equality for the planner's
            # ordering) of a thread's top-level comments, so a page reads ~20 index entries at any thread size.
            models.Index(fields=["thread", "parent", "-created_at", "-id"], name="comment_thread_page"),
            models.Index(fields=["thread", "-created_at", "-id"], condition=Q(parent__isnull=True),
                         name="comment_top_level_page"),
            models.Index(fields=["municipality", "-created_at"], name="comment_municipality_recent"),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(channel="") | Q(assisted_name=""), name="assisted_name_only_offline"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk}"

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None

    @property
    def is_assisted(self) -> bool:
        return bool(self.channel)

    @property
    def edit_deadline(self) -> datetime:
        return self.created_at + self.EDIT_WINDOW

    def is_editable_by(self, user, now: datetime) -> bool:
        """The author may change a visible comment within the edit window (whether the thread is open and the
        author not blocked is the commentable's and the moderation's rule)."""
        return (user.is_authenticated and self.author_id == user.pk and self.hidden_at is None
                and now < self.edit_deadline)


class Reaction(models.Model):
    class Value(models.IntegerChoices):
        AGREE = 1, _("agree")
        DISAGREE = -1, _("disagree")

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reactions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    value = models.SmallIntegerField(choices=Value.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["comment", "user"], name="one_reaction_per_person")]

    def __str__(self) -> str:
        return f"{self.get_value_display()} ({self.comment_id})"
