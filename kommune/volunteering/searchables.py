"""Volunteer projects in the site search (the shifts are found through their project)."""

from django.utils.translation import gettext_lazy as _

from kommune.core.search.registry import SearchDocumentData, register_searchable
from kommune.volunteering import events
from kommune.volunteering.models import Project


def project_document(project: Project) -> SearchDocumentData | None:
    if not project.is_published:
        return None
    parts = [project.summary, project.description, project.publisher]
    for shift in project.shifts.all():
        parts += [shift.title, shift.place_name, shift.district, ", ".join(shift.skill_labels())]
    return SearchDocumentData(municipality=project.municipality, title=project.title,
                              body="\n".join(part for part in parts if part), url=project.get_absolute_url(),
                              context=str(Project._meta.verbose_name))


def register() -> None:
    register_searchable(Project, kind="volunteer_project", label=_("Volunteer project"), document=project_document,
                        queryset=lambda: Project.objects.filter(is_published=True)
                        .select_related("municipality", "organisation", "lab").prefetch_related("shifts"),
                        index_on=(events.VolunteerProjectPublished, events.VolunteerProjectUpdated))

