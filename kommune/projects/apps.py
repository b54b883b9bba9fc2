from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "kommune.projects"
    label = "projects"
    verbose_name = _("Municipal projects")

    def ready(self) -> None:
        from kommune.core.api.registry import register_router
        from kommune.core.demo import register_demo_seeder
        from kommune.projects import api, demo, hooks

        hooks.register()
        register_router("", api.router, tags=["Municipal projects"])  # the REST API (kommune/projects/api.py)
        register_demo_seeder("projects", demo.seed_projects, 40)  # after processes, proposals and council
