from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpendataConfig(AppConfig):
    name = "kommune.opendata"
    label = "opendata"
    verbose_name = _("Open data")

    def ready(self) -> None:
        from kommune.core.demo import register_demo_seeder
        from kommune.core.notifications.verbs import register_verb
        from kommune.opendata import demo, home_section, management_entries, searchables
        from kommune.opendata.events import DatasetPublished
        from kommune.opendata.records import subscribers

        subscribers.register()
        from kommune.opendata import indicators as measured_indicators
        measured_indicators.register()
        # The catalogue (datasets, resources, their pages and management).
        register_verb(DatasetPublished, _("New open dataset: “%(title)s”"))
        management_entries.register()
        home_section.register()
        searchables.register()
        register_demo_seeder("opendata", lambda d: demo.seed_datasets(municipality=d.municipality, actor=d.staff), 10)
