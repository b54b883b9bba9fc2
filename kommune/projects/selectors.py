"""Reads of the Vorhabenliste shared by the pages, the feeds, the API, the open data and the trail.

Every read runs a constant number of queries, whatever the number of projects: lists come in keyset pages
(kommune.core.cursor), the detail page reads its history, milestones, funding and links in one query each, and
the linked objects in one query per kind.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from kommune.core.cursor import KeysetPage, keyset_page
from kommune.core.linkables import Linkable, linkable_by_content_type
from kommune.core.models import Municipality
from kommune.projects.models import Funding, Milestone, Project, ProjectLink, Status, StatusChange

PAGE_SIZE = 20
FEED_SIZE = 50
FILTER_CHOICES_LIMIT = 200


def projects_of(municipality: Municipality) -> QuerySet[Project]:
    return Project.objects.filter(municipality=municipality).select_related("municipality")


def _filtered(municipality: Municipality, *, status: str = "", department: str = "", area: str = "",
              text: str = "") -> QuerySet[Project] | None:
    """The projects a list shows over all its pages; None when a filter cannot match anything."""
    queryset = projects_of(municipality)
    if status:
        if status not in Status.values:
            return None
        queryset = queryset.filter(status=status)
    if department:
        queryset = queryset.filter(department=department)
    if area:
        queryset = queryset.filter(area=area)
    text = text.strip()
    if text:
        queryset = queryset.filter(Q(title__icontains=text) | Q(summary__icontains=text)
                                   | Q(location_name__icontains=text) | Q(department__icontains=text))
    return queryset


def project_page(municipality: Municipality, *, status: str = "", department: str = "", area: str = "",
                 text: str = "", cursor: str | None = None, size: int = PAGE_SIZE) -> KeysetPage:
    """One page of the list, newest first. Raises kommune.core.cursor.InvalidCursor for a bad cursor."""
    queryset = _filtered(municipality, status=status, department=department, area=area, text=text)
    if queryset is None:
        return KeysetPage([], None, None)
    return keyset_page(queryset, field="created_at", cursor=cursor, size=size)


def project_count(municipality: Municipality, *, status: str = "", department: str = "", area: str = "",
                  text: str = "") -> int:
    queryset = _filtered(municipality, status=status, department=department, area=area, text=text)
    return 0 if queryset is None else queryset.count()


def status_counts(municipality: Municipality) -> dict[str, int]:
    """How many projects are in each status, in one query."""
    return Project.objects.filter(municipality=municipality).aggregate(
        **{status: Count("pk", filter=Q(status=status)) for status in Status.values})


def departments_of(municipality: Municipality) -> list[str]:
    return list(Project.objects.filter(municipality=municipality).exclude(department="").order_by("department")
                .values_list("department", flat=True).distinct()[:FILTER_CHOICES_LIMIT])


def areas_of(municipality: Municipality) -> list[str]:
    return list(Project.objects.filter(municipality=municipality).exclude(area="").order_by("area")
                .values_list("area", flat=True).distinct()[:FILTER_CHOICES_LIMIT])


# --- One project ------------------------------------------------------------------------------------------------


def history_of(project: Project) -> list[StatusChange]:
    return list(StatusChange.objects.filter(project=project).order_by("changed_on", "id"))


def milestones_of(project: Project) -> list[Milestone]:
    return list(Milestone.objects.filter(project=project).order_by("planned_on", "reached_on", "id"))


def funding_of(project: Project) -> list[Funding]:
    return list(Funding.objects.filter(project=project).order_by("-amount", "id"))


@dataclass(frozen=True)
class LinkedObject:
    link: ProjectLink
    linkable: Linkable
    target: object
    title: str
    url: str


def linked_objects(projects: list[Project] | Project, *, municipality: Municipality) -> list[LinkedObject]:
    """The visible targets of the projects' links (withdrawn, hidden or deleted ones are left out): one query for
    the links and one per kind of target."""
    if isinstance(projects, Project):
        projects = [projects]
    links = list(ProjectLink.objects.filter(project__in=[p.pk for p in projects], municipality=municipality)
                 .order_by("id"))
    by_type: dict[int, list[ProjectLink]] = {}
    for link in links:
        by_type.setdefault(link.content_type_id, []).append(link)
    found: dict[int, tuple[Linkable, dict]] = {}
    for content_type_id, type_links in by_type.items():
        linkable = linkable_by_content_type(content_type_id)
        if linkable is None:
            continue
        targets = linkable.queryset(municipality).in_bulk([link.object_id for link in type_links])
        found[content_type_id] = (linkable, targets)
    result = []
    for link in links:
        linkable_and_targets = found.get(link.content_type_id)
        if linkable_and_targets is None:
            continue
        linkable, targets = linkable_and_targets
        target = targets.get(link.object_id)
        if target is not None:
            result.append(LinkedObject(link, linkable, target, linkable.title(target), linkable.url(target)))
    return result


def links_to(matter) -> QuerySet[ProjectLink]:
    """The links of projects to ``matter`` (a proposal, a process, a paper)."""
    content_type = ContentType.objects.get_for_model(matter, for_concrete_model=False)
    return ProjectLink.objects.filter(content_type=content_type, object_id=matter.pk)


def funding_total(project: Project) -> Decimal:
    return Funding.objects.filter(project=project).aggregate(total=Coalesce(Sum("amount"), Decimal(0)))["total"]


# --- Feeds ------------------------------------------------------------------------------------------------------


def feed_changes(municipality: Municipality, *, project: Project | None = None) -> list[StatusChange]:
    """The newest status changes (of one project, or of all), newest recorded first."""
    changes = StatusChange.objects.filter(municipality=municipality)
    if project is not None:
        changes = changes.filter(project=project)
    return list(changes.select_related("project", "project__municipality").order_by("-created_at", "-id")
                [:FEED_SIZE])
