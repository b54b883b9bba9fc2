from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "kommune.reports"
    label = "reports"
    verbose_name = _("Issue reports")

    def ready(self) -> None:
        from kommune.core.api.registry import register_router
        from kommune.core.demo import register_demo_seeder
        from kommune.reports import api, demo, hooks

        hooks.register()
        from kommune.reports import indicators as measured_indicators
        measured_indicators.register()
        register_router("", api.router, tags=["Issue reports"])
        register_demo_seeder("reports", lambda d: demo.seed_reports(municipality=d.municipality, staff=d.staff,
                                                                    resident=d.resident), 40)
