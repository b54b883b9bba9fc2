from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CodesignConfig(AppConfig):
    name = "kommune.codesign"
    label = "codesign"
    verbose_name = _("Co-designing public services")

    def ready(self) -> None:
        from kommune.codesign import hooks

        hooks.register()
