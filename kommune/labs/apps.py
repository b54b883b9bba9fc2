from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LabsConfig(AppConfig):
    """A lab's workspace: sub-projects run by several member municipalities and partners, news and dates."""

    name = "kommune.labs"
    label = "labs"
    verbose_name = _("Lab workspace")

    def ready(self) -> None:
        from kommune.labs import hooks

        hooks.register()
