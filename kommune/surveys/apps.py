from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "kommune.surveys"
    label = "surveys"
    verbose_name = _("Surveys and opinion maps")

    def ready(self) -> None:
        from kommune.surveys import blueprints, hooks

        hooks.register()
        blueprints.register()  # a process template carries its surveys (kommune/core/blueprints.py)
        from kommune.surveys import indicators as measured_indicators
        measured_indicators.register()
