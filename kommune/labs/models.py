"""A lab's workspace: sub-projects that several member municipalities and partners run together, with their
tasks, meeting notes, documents and links, and the lab's news and dates.

Every row carries its lab. What the public sees is chosen per item (``visibility``): an item is public only if it
is marked public and, where it belongs to a sub-project, the sub-project is public too (``public_q``). The rule
lives here once; selectors, search, feeds, the REST API and the open data all read it.
"""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kommune.core.models import Lab, Municipality


class Visibility(models.TextChoices):
    PUBLIC = "public", _("public")
    INTERNAL = "internal", _("internal to the lab")


def _visibility_field():
    return models.CharField(_("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.INTERNAL,
                            help_text=_("Public items are shown to everyone; internal ones only to the lab's members."))


class SubProject(models.Model):
    class State(models.TextChoices):
        PLANNED = "planned", _("planned")
        RUNNING = "running", _("running")
        PAUSED = "paused", _("paused")
        COMPLETED = "completed", _("completed")

    lab = models.ForeignKey(Lab, on_delete=models.CASCADE, related_name="subprojects")
    title = models.CharField(_("title"), max_length=200)
    goal = models.TextField(_("goal"), max_length=2000)
    description = models.TextField(_("description"), max_length=10000, blank=True)
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.PLANNED)
    visibility = _visibility_field()
    # The member municipalities that run the sub-project together.
    municipalities = models.ManyToManyField(Municipality, verbose_name=_("municipalities"), related_name="+")
    starts_on = models.DateField(_("start"), null=True, blank=True)
    ends_on = models.DateField(_("end"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("sub-project")
        verbose_name_plural = _("sub-projects")
        ordering = ["title", "pk"]
        indexes = [models.Index(fields=["lab", "visibility"], name="labs_subproject_visible")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("labs:subproject", kwargs={"lab_slug": self.lab.slug, "subproject_id": self.pk})

    @property
    def is_public(self) -> bool:
        return self.visibility == Visibility.PUBLIC

    @staticmethod
    def public_q() -> Q:
        return Q(visibility=Visibility.PUBLIC)


class _SubProjectItem(models.Model):
    """What belongs to one sub-project and is public only when the sub-project is public too."""

    lab = models.ForeignKey(Lab, on_delete=models.CASCADE, related_name="+")
    subproject = models.ForeignKey(SubProject, on_delete=models.CASCADE, related_name="+")
    visibility = _visibility_field()
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        abstract = True

    @property
    def is_public(self) -> bool:
        return self.visibility == Visibility.PUBLIC and self.subproject.visibility == Visibility.PUBLIC

    @staticmethod
    def public_q() -> Q:
        return Q(visibility=Visibility.PUBLIC, subproject__visibility=Visibility.PUBLIC)


class Responsible(models.Model):
    """A lab member responsible for a sub-project; the organisation is the one of their lab role."""

    lab = models.ForeignKey(Lab, on_delete=models.CASCADE, related_name="+")
    subproject = models.ForeignKey(SubProject, on_delete=models.CASCADE, related_name="responsibles")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    task = models.CharField(_("task in the sub-project"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("responsible person")
        verbose_name_plural = _("responsible people")
        constraints = [models.UniqueConstraint(fields=["subproject", "user"], name="labs_responsible_once")]

    def __str__(self) -> str:
        return f"{self.user} – {self.subproject}"


class Task(_SubProjectItem):
    subproject = models.ForeignKey(SubProject, on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(_("task"), max_length=200)
    due_on = models.DateField(_("due on"), null=True, blank=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("owner"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["done_at", "due_on", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_done(self) -> bool:
        return self.done_at is not None


class MeetingNote(_SubProjectItem):
    subproject = models.ForeignKey(SubProject, on_delete=models.CASCADE, related_name="notes")
    title = models.CharField(_("title"), max_length=200)
    met_on = models.DateField(_("date of the meeting"))
    text = models.TextField(_("notes"), max_length=50000, help_text=_("Markdown: **bold**, lists, links."))
    html = models.TextField(editable=False)  # rendered and sanitised from ``text`` (kommune.core.richtext)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")

    class Meta:
        verbose_name = _("meeting note")
        verbose_name_plural = _("meeting notes")
        ordering = ["-met_on", "-pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("labs:note", kwargs={"lab_slug": self.lab.slug, "subproject_id": self.subproject_id,
                                            "note_id": self.pk})


class Document(_SubProjectItem):
    subproject = models.ForeignKey(SubProject, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to="labs/documents/%Y/")
    size = models.PositiveBigIntegerField(default=0)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("labs:document", kwargs={"lab_slug": self.lab.slug, "subproject_id": self.subproject_id,
                                                "document_id": self.pk})


class SubProjectLink(models.Model):
    """What a sub-project produced in one of the lab's municipalities: a process, a proposal, a dataset, a project
    (any kind of kommune.core.linkables). Shown with the sub-project, so as visible as the sub-project."""

    lab = models.ForeignKey(Lab, on_delete=models.CASCADE, related_name="+")
    subproject = models.ForeignKey(SubProject, on_delete=models.CASCADE, related_name="links")
    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("link")
        verbose_name_plural = _("links")
        constraints = [models.UniqueConstraint(fields=["subproject", "content_type", "object_id"],
                                               name="labs_link_once")]

    def __str__(self) -> str:
        return f"{self.subproject_id} → {self.content_type_id}:{self.object_id}"


class News(models.Model):
    lab = models.ForeignKey(Lab, on_delete=models.CASCADE, related_name="+")
    subproject = models.ForeignKey(SubProject, verbose_name=_("sub-project"), null=True, blank=True,
                                   on_delete=models.CASCADE, related_name="news")
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"), max_length=20000, help_text=_("Markdown: **bold**, lists, links."))
    html = models.TextField(editable=False)
    visibility = _visibility_field()
    published_at = models.DateTimeField(default=timezone.now)
    # Set once the lab's followers were told (the first time the news was public).
    announced_at = models.DateTimeField(null=True, blank=True, editable=False)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")

    class Meta:
        verbose_name = _("news")
        verbose_name_plural = _("news")
        ordering = ["-published_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("labs:news", kwargs={"lab_slug": self.lab.slug, "news_id": self.pk})

    @property
    def is_public(self) -> bool:
        return self.visibility == Visibility.PUBLIC and (self.subproject is None or self.subproject.is_public)

    @staticmethod
    def public_q() -> Q:
        return Q(visibility=Visibility.PUBLIC) & (Q(subproject__isnull=True)
                                                   | Q(subproject__visibility=Visibility.PUBLIC))


class LabEvent(models.Model):
    """A date of the lab: a workshop, a network meeting, a hackday."""

    lab = models.ForeignKey(Lab, on_delete=models.CASCADE, related_name="+")
    subproject = models.ForeignKey(SubProject, verbose_name=_("sub-project"), null=True, blank=True,
                                   on_delete=models.CASCADE, related_name="events")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), max_length=5000, blank=True)
    starts_at = models.DateTimeField(_("begins"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    visibility = _visibility_field()
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("date of the lab")
        verbose_name_plural = _("dates of the lab")
        ordering = ["starts_at", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_public(self) -> bool:
        return self.visibility == Visibility.PUBLIC and (self.subproject is None or self.subproject.is_public)

    public_q = staticmethod(News.public_q)
