from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CouncilConfig(AppConfig):
    name = "kommune.council"
    label = "council"
    verbose_name = _("Council information")

    def ready(self) -> None:
        from kommune.core.demo import register_demo_seeder
        from kommune.council import demo, searchables

        searchables.register()
        register_demo_seeder("council", lambda d: demo.seed_council(municipality=d.municipality), 30)
