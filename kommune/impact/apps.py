from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImpactConfig(AppConfig):
    """Impact models (Wirkungsorientierung) with entered and platform-measured indicators."""

    name = "kommune.impact"
    label = "impact"
    verbose_name = _("Impact models")

    def ready(self) -> None:
        from kommune.impact import hooks

        hooks.register()
