from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SensorsConfig(AppConfig):
    name = "kommune.sensors"
    label = "sensors"
    verbose_name = _("Fine-dust sensors")

    def ready(self) -> None:
        from kommune.core.api.registry import register_router
        from kommune.core.demo import register_demo_seeder
        from kommune.sensors import api, demo, hooks

        hooks.register()
        register_router("", api.router, tags=["Fine-dust sensors"])  # the REST API (kommune/sensors/api.py)
        register_demo_seeder("sensors", lambda d: demo.seed_sensors(municipality=d.municipality, resident=d.resident),
                             60)
