"""Consultations on draft texts (Konsultationen): a draft in versions, split into chapters and paragraphs that
residents comment on (the core comments), and the consideration table (Abwägungstabelle) that answers every
comment after the comment period."""

from datetime import datetime

from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kommune.core.comments.models import Comment
from kommune.core.models import Municipality
from kommune.core.processes.models import Phase, Process


class Consultation(models.Model):
    """A draft text put up for comments in a phase of a participation process."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="+")
    phase = models.ForeignKey(Phase, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(_("summary"), max_length=500, blank=True)
    comments_open_at = models.DateTimeField(_("comment period starts"))
    comments_close_at = models.DateTimeField(_("comment period ends"))
    is_published = models.BooleanField(_("published"), default=False)
    # Set when staff publish the consideration table (Abwägungstabelle).
    considerations_published_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        ordering = ["-comments_open_at", "-id"]
        constraints = [models.CheckConstraint(condition=Q(comments_close_at__gt=F("comments_open_at")),
                                              name="consultation_period_ends_after_start")]
        indexes = [models.Index(fields=["municipality", "is_published", "-comments_open_at"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("consultations:detail", kwargs={"municipality_slug": self.municipality.slug,
                                                       "consultation_id": self.pk})

    @property
    def is_public(self) -> bool:
        return self.is_published and self.process.is_published

    def period_state(self, now: datetime) -> str:
        """"upcoming", "running" or "finished": the comment period at ``now``."""
        if now < self.comments_open_at:
            return "upcoming"
        if now >= self.comments_close_at:
            return "finished"
        return "running"

    def is_open_for_comments(self, now: datetime) -> bool:
        return self.is_public and self.period_state(now) == "running"


class DraftVersion(models.Model):
    """One version of the draft text; the newest is the one people read and comment on."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    note = models.CharField(_("what changed"), max_length=500, blank=True)
    source_name = models.CharField(max_length=200, blank=True)  # the uploaded file's name, or "" when written here
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("version")
        verbose_name_plural = _("versions")
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["consultation", "number"], name="one_version_number")]

    def __str__(self) -> str:
        return str(_("Version %(number)d") % {"number": self.number})


class Chapter(models.Model):
    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    version = models.ForeignKey(DraftVersion, on_delete=models.CASCADE, related_name="chapters")
    position = models.PositiveIntegerField()
    title = models.CharField(max_length=500, blank=True)  # "" for text before the first heading

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["version", "position"], name="one_chapter_position")]

    def __str__(self) -> str:
        return self.title or str(_("Preamble"))


class Paragraph(models.Model):
    """A block of the draft: a heading, a paragraph, a list or a table.

    ``text`` is the plain text that comments on a passage point into (offsets are into it): a paragraph's text,
    a list's items joined by newlines, a table's cells joined by tabs and its rows by newlines. ``data`` keeps
    the structure to render: {"level": 2} for a heading, {"items": [...], "ordered": bool} for a list,
    {"rows": [[...], ...]} for a table.
    """

    class Kind(models.TextChoices):
        HEADING = "heading", _("heading")
        TEXT = "text", _("paragraph")
        LIST = "list", _("list")
        TABLE = "table", _("table")

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    version = models.ForeignKey(DraftVersion, on_delete=models.CASCADE, related_name="paragraphs")
    chapter = models.ForeignKey(Chapter, on_delete=models.CASCADE, related_name="paragraphs")
    position = models.PositiveIntegerField()  # in the whole version, from 1
    kind = models.CharField(max_length=10, choices=Kind.choices)
    text = models.TextField()
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("paragraph")
        verbose_name_plural = _("paragraphs")
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["version", "position"], name="one_paragraph_position")]

    def __str__(self) -> str:
        return str(_("Paragraph %(number)d") % {"number": self.position})

    def get_absolute_url(self) -> str:
        return reverse("consultations:paragraph", kwargs={"municipality_slug": self.municipality.slug,
                                                          "consultation_id": self.version.consultation_id,
                                                          "paragraph_id": self.pk})


class Passage(models.Model):
    """The passage of a paragraph that a comment is about: the quote and its offsets into Paragraph.text."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    comment = models.OneToOneField(Comment, on_delete=models.CASCADE, related_name="+")
    paragraph = models.ForeignKey(Paragraph, on_delete=models.CASCADE, related_name="passages")
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    quote = models.TextField()

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(end__gt=F("start")), name="passage_not_empty")]

    def __str__(self) -> str:
        return self.quote[:50]


class Answer(models.Model):
    """A reasoned answer of the consideration table, with its disposition; several comments can share it."""

    class Disposition(models.TextChoices):
        TAKEN_UP = "taken_up", _("taken up")
        PARTLY = "partly", _("partly taken up")
        NOT_TAKEN_UP = "not_taken_up", _("not taken up")
        NOTED = "noted", _("noted")

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="answers")
    disposition = models.CharField(_("disposition"), max_length=20, choices=Disposition.choices)
    text = models.TextField(_("reasoned answer"), max_length=10_000)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.get_disposition_display()}: {self.text[:60]}"


class Consideration(models.Model):
    """One comment's row in the consideration table: which answer it got."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="considerations")
    comment = models.OneToOneField(Comment, on_delete=models.CASCADE, related_name="+")
    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="considerations")

    class Meta:
        indexes = [models.Index(fields=["consultation", "answer"])]

    def __str__(self) -> str:
        return f"{self.comment_id} → {self.answer_id}"


class ChangeReason(models.Model):
    """Staff say which comment caused a change between a version and the one before it."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    version = models.ForeignKey(DraftVersion, on_delete=models.CASCADE, related_name="change_reasons")
    change_key = models.CharField(max_length=40)  # "<old paragraph id or 0>-<new paragraph id or 0>"
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["version", "change_key", "comment"], name="one_change_reason")]

    def __str__(self) -> str:
        return f"{self.change_key}: {self.comment_id}"
