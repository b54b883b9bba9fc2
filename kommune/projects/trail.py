"""The projects' part of the accountability trail (kommune.core.trail): for a matter that projects link to
(a citizen proposal, a process, a council paper), the status steps of those projects.

Two queries, whatever the number of projects and steps: the content type (cached) and one for the steps with
their projects; at most MAX_ENTRIES steps.
"""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model
from django.utils.translation import gettext as _

from kommune.core.trail import TrailEntry
from kommune.projects.models import ProjectLink, StatusChange

MAX_ENTRIES = 100


def project_trail(matter: Model) -> list[TrailEntry]:
    municipality_id = getattr(matter, "municipality_id", None)
    if matter.pk is None or municipality_id is None:
        return []
    content_type = ContentType.objects.get_for_model(matter, for_concrete_model=False)
    linked = ProjectLink.objects.filter(content_type=content_type, object_id=matter.pk,
                                        municipality_id=municipality_id).values("project_id")
    steps = (StatusChange.objects.filter(project_id__in=linked, municipality_id=municipality_id)
             .select_related("project", "project__municipality").order_by("changed_on", "id")[:MAX_ENTRIES])
    return [TrailEntry(when=step.changed_on, source="projects",
                       title=_("Project “%(title)s”: %(status)s") % {"title": step.project.title,
                                                                     "status": step.get_status_display()},
                       text=step.note, url=step.project.get_absolute_url(), status=step.status)
            for step in steps]
