from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AdoptionsConfig(AppConfig):
    name = "kommune.adoptions"
    label = "adoptions"
    verbose_name = _("Adoptions of public green")

    def ready(self) -> None:
        from kommune.adoptions import hooks

        hooks.register()
        from kommune.adoptions import indicators as measured_indicators
        measured_indicators.register()
