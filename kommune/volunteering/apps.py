from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VolunteeringConfig(AppConfig):
    """Volunteer projects (Mit-Mach-Stadt): projects with shifts, sign-ups (also assisted), reminders, attendance."""

    name = "kommune.volunteering"
    label = "volunteering"
    verbose_name = _("Volunteering")

    def ready(self) -> None:
        from kommune.core.api.registry import register_router
        from kommune.core.demo import register_demo_seeder
        from kommune.volunteering import api, demo, hooks

        hooks.register()
        register_router("", api.router, tags=["Volunteering"])
        register_demo_seeder("volunteering", demo.seed_volunteering, 62)
