from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpennessConfig(AppConfig):
    """The openness self-assessment along the seven perspectives and the annual open-government report."""

    name = "kommune.openness"
    label = "openness"
    verbose_name = _("Openness")

    def ready(self) -> None:
        from kommune.openness import hooks

        hooks.register()
