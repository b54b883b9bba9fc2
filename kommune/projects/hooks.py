"""How the Vorhabenliste plugs into the core registries: follows and verbs, search, open data, the management
menu, the accountability trail and privacy. Called once from ProjectsConfig.ready()."""

from django.utils.translation import gettext_lazy as _

from kommune.core.search.registry import SearchDocumentData
from kommune.core.search.text import plain_text
from kommune.projects.events import ProjectCreated, ProjectStatusChanged, ProjectUpdated
from kommune.projects.models import Project

SEARCH_INDEX_ON = (ProjectCreated, ProjectUpdated, ProjectStatusChanged)


def search_document(project: Project) -> SearchDocumentData:
    description = plain_text(project.description_html) if project.description_html else project.description
    body = [project.summary, description, project.get_status_display(), project.department, project.area,
            project.location_name]
    return SearchDocumentData(municipality=project.municipality, title=project.title,
                              body="\n".join(part for part in body if part), url=project.get_absolute_url())


def search_queryset():
    return Project.objects.select_related("municipality")


def register_verbs() -> None:
    from kommune.core.notifications.verbs import register_verb

    register_verb(ProjectCreated, _("New municipal project: “%(title)s”"))
    register_verb(ProjectStatusChanged, _("The status of the project “%(title)s” changed"))


def register() -> None:
    from kommune.core.notifications.followables import register_followable
    from kommune.core.search.registry import register_searchable
    from kommune.core.trail import register_trail_source
    from kommune.projects import home, management_entries, records, trail

    register_verbs()
    register_followable(Project)
    register_searchable(Project, kind="project", label=_("Municipal project"), document=search_document,
                        queryset=search_queryset, index_on=SEARCH_INDEX_ON)
    records.register()
    management_entries.register()
    home.register()
    register_trail_source("projects", trail.project_trail)
