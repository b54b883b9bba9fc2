from urllib.parse import urlencode

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kommune.core.models import Municipality, Organisation


class Topic(models.Model):
    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="topics")
    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("address"), max_length=60)

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["municipality", "slug"], name="unique_topic_slug")]

    def __str__(self) -> str:
        return self.name


class Process(models.Model):
    """A participation process (Beteiligungsverfahren) with dated phases."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="processes")
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("address"), max_length=80)
    summary = models.CharField(_("summary"), max_length=500)
    description = models.TextField(_("description"), blank=True, max_length=50_000,
                                   help_text=_("Markdown: ## heading, - list item, **bold**, [link](https://…)."))
    description_html = models.TextField(editable=False, blank=True)
    organisation = models.ForeignKey(Organisation, verbose_name=_("organiser"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="processes",
                                     help_text=_("Leave empty when the municipality itself organises it."))
    topic = models.ForeignKey(Topic, verbose_name=_("topic"), null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="processes")
    area = models.CharField(_("area"), max_length=200, blank=True,
                            help_text=_("The part of the municipality concerned, for example a district."))
    is_published = models.BooleanField(_("published"), default=False)
    # Set when the process is published for the first time; the order of the processes feed.
    published_at = models.DateTimeField(_("first published"), null=True, blank=True, editable=False)
    # Denormalised from the phases by the services, so lists filter by time state with an index.
    starts_at = models.DateTimeField(null=True, blank=True, editable=False)
    ends_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("participation process")
        verbose_name_plural = _("participation processes")
        ordering = ["-starts_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["municipality", "slug"], name="unique_process_slug")]
        indexes = [models.Index(fields=["municipality", "is_published", "starts_at"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("processes:detail", kwargs={"municipality_slug": self.municipality.slug,
                                                   "process_slug": self.slug})

    @property
    def organiser_name(self) -> str:
        return self.organisation.name if self.organisation else self.municipality.name


class Phase(models.Model):
    class Kind(models.TextChoices):
        INFORMATION = "information", _("Information")
        DIALOGUE = "dialogue", _("Dialogue")
        EVALUATION = "evaluation", _("Evaluation")
        IMPLEMENTATION = "implementation", _("Implementation")
        OTHER = "other", _("Other")

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="phases")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200, blank=True,
                             help_text=_("Leave empty to use the kind as the title."))
    description = models.TextField(_("description"), blank=True, max_length=5000)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    features = models.JSONField(_("open features"), default=list, blank=True)

    class Meta:
        verbose_name = _("phase")
        verbose_name_plural = _("phases")
        ordering = ["starts_at", "id"]
        constraints = [models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="phase_ends_after_start")]

    def __str__(self) -> str:
        return self.display_title

    @property
    def display_title(self) -> str:
        return self.title or str(self.get_kind_display())


class ProcessNews(models.Model):
    """A news item of a process ("Neuigkeiten"): what happened, what comes next, what became of the input."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="news")
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"), max_length=20_000,
                            help_text=_("Markdown: ## heading, - list item, **bold**, [link](https://…)."))
    text_html = models.TextField(editable=False, blank=True)
    published_at = models.DateTimeField(_("published"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("news item")
        verbose_name_plural = _("news")
        ordering = ["-published_at", "-id"]
        indexes = [models.Index(fields=["process", "-published_at", "-id"], name="process_news_latest")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        """The page of the news list that starts with this item, so that older items are found too."""
        from kommune.core.cursor import position_of

        url = reverse("processes:news", kwargs={"municipality_slug": self.process.municipality.slug,
                                                "process_slug": self.process.slug})
        return f"{url}?{urlencode({'cursor': position_of(self.published_at, self.pk)})}#news-{self.pk}"
