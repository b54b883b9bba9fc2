from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultationsConfig(AppConfig):
    name = "kommune.consultations"
    label = "consultations"
    verbose_name = _("Consultations")

    def ready(self) -> None:
        from kommune.consultations import hooks

        hooks.register()
        from kommune.consultations import indicators as measured_indicators
        measured_indicators.register()
