from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MethodsConfig(AppConfig):
    """The methods library: methods, instruments and tools with their real uses, and reusable setups."""

    name = "kommune.methods"
    label = "methods"
    verbose_name = _("Methods library")

    def ready(self) -> None:
        from kommune.methods import hooks

        hooks.register()
