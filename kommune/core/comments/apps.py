from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommentsConfig(AppConfig):
    name = "kommune.core.comments"
    label = "comments"
    verbose_name = _("Comments")

    def ready(self) -> None:
        from kommune.core.comments import hooks, records

        hooks.register()
        records.register()
