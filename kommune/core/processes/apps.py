from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProcessesConfig(AppConfig):
    name = "kommune.core.processes"
    label = "processes"
    verbose_name = _("Participation processes")

    def ready(self) -> None:
        from kommune.core.processes import features

        features.register_feature("comments", _("Comments"))
