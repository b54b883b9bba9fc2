"""The Vorhabenliste: the municipality's public list of planned projects (Transparenz).

A project has a status with a dated, public history (``StatusChange``; ``Project.status`` and
``status_changed_on`` repeat the newest step so lists filter and sort with an index), dated milestones (planned
and actual), its costs and funding sources in euro, a point on the map, and links to participation processes,
citizen proposals and council papers of the same municipality. Those live in other feature apps, so a link
names its target generically (content type and id) and the kinds come from ``kommune.core.linkables``.
"""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kommune.core.models import Municipality

MAX_AMOUNT = 10**11  # euro; more than any municipal budget


class Status(models.TextChoices):
    IDEA = "idea", _("idea")
    PLANNING = "planning", _("in planning")
    DECIDED = "decided", _("decided")
    IN_CONSTRUCTION = "in_construction", _("in construction")
    DONE = "done", _("done")
    STOPPED = "stopped", _("stopped")


class Project(models.Model):
    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="projects")
    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(_("summary"), max_length=300, blank=True,
                               help_text=_("One or two sentences for the list."))
    description = models.TextField(_("description"), max_length=20_000, blank=True,
                                   help_text=_("Markdown: ## heading, - list item, **bold**, [link](https://…)."))
    description_html = models.TextField(editable=False, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.IDEA)
    status_changed_on = models.DateField(_("status since"))
    department = models.CharField(_("responsible department"), max_length=200, blank=True)
    area = models.CharField(_("area"), max_length=200, blank=True,
                            help_text=_("The part of the municipality concerned, for example a district."))
    location_name = models.CharField(_("place"), max_length=200, blank=True,
                                     help_text=_("For example a street or a building."))
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True,
                                   validators=[MinValueValidator(-90), MaxValueValidator(90)])
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True,
                                    validators=[MinValueValidator(-180), MaxValueValidator(180)])
    estimated_costs = models.DecimalField(_("estimated costs in euro"), max_digits=14, decimal_places=2, null=True,
                                          blank=True, validators=[MinValueValidator(0),
                                                                  MaxValueValidator(MAX_AMOUNT)])
    actual_costs = models.DecimalField(_("actual costs in euro"), max_digits=14, decimal_places=2, null=True,
                                       blank=True, validators=[MinValueValidator(0), MaxValueValidator(MAX_AMOUNT)],
                                       help_text=_("When the bills are in."))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["-created_at", "-id"]
        indexes = [
            # The list: newest first (keyset pages), within a status or not.
            models.Index(fields=["municipality", "-created_at", "-id"], name="project_newest"),
            models.Index(fields=["municipality", "status", "-created_at", "-id"], name="project_status_newest"),
            models.Index(fields=["municipality", "department"], name="project_department"),
            models.Index(fields=["municipality", "area"], name="project_area"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(latitude__isnull=True, longitude__isnull=True)
                                   | Q(latitude__isnull=False, longitude__isnull=False),
                                   name="project_point_complete"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("projects:detail", kwargs={"municipality_slug": self.municipality.slug,
                                                  "project_id": self.pk})

    @property
    def has_point(self) -> bool:
        return self.latitude is not None and self.longitude is not None


class StatusChange(models.Model):
    """One step of a project's public history: the status it reached on a day, with a note for the public."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="status_changes")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    changed_on = models.DateField(_("date"))
    note = models.TextField(_("note for the public"), max_length=2000, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["changed_on", "id"]
        indexes = [models.Index(fields=["municipality", "-created_at", "-id"], name="project_status_feed"),
                   models.Index(fields=["project", "changed_on", "id"], name="project_status_history")]

    def __str__(self) -> str:
        return f"{self.get_status_display()} ({self.changed_on})"


class Milestone(models.Model):
    """A dated step of the timeline: when it is planned, and when it was reached."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("title"), max_length=200)
    planned_on = models.DateField(_("planned for"), null=True, blank=True)
    reached_on = models.DateField(_("reached on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["planned_on", "id"]
        constraints = [models.CheckConstraint(condition=Q(planned_on__isnull=False) | Q(reached_on__isnull=False),
                                              name="milestone_has_a_date")]

    def __str__(self) -> str:
        return self.title

    @property
    def when(self):
        return self.reached_on or self.planned_on


class Funding(models.Model):
    """Where (part of) the money comes from: the municipal budget, a state programme, the EU, a foundation."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="funding")
    source = models.CharField(_("funding source"), max_length=200)
    amount = models.DecimalField(_("amount in euro"), max_digits=14, decimal_places=2,
                                 validators=[MinValueValidator(0), MaxValueValidator(MAX_AMOUNT)])
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("funding")
        verbose_name_plural = _("funding")
        ordering = ["-amount", "id"]

    def __str__(self) -> str:
        return self.source


class ProjectLink(models.Model):
    """A project's link to a participation process, a citizen proposal or a council paper of its municipality
    (any kind registered in kommune.core.linkables)."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="links")
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("link")
        verbose_name_plural = _("links")
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["project", "content_type", "object_id"],
                                               name="one_link_per_target")]
        indexes = [models.Index(fields=["content_type", "object_id"], name="project_link_target")]

    def __str__(self) -> str:
        return f"{self.project_id} → {self.content_type_id}:{self.object_id}"
