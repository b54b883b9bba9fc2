from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InclusionConfig(AppConfig):
    """Digital inclusion: the partner network, the event calendar with registrations, assisted registration."""

    name = "kommune.inclusion"
    label = "inclusion"
    verbose_name = _("Digital help")

    def ready(self) -> None:
        from kommune.inclusion import hooks

        hooks.register()
