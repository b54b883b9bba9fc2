from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ModerationConfig(AppConfig):
    name = "kommune.core.moderation"
    label = "moderation"
    verbose_name = _("Moderation")

    def ready(self) -> None:
        from kommune.core.moderation import hooks, records

        hooks.register()
        hooks.register_comments()
        records.register()
