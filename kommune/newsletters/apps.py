from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewslettersConfig(AppConfig):
    """Newsletters: issues with blocks from the other features, double opt-in, one-click unsubscribe, bounces,
    sending in batches by the task worker, a print version and a public archive."""

    name = "kommune.newsletters"
    label = "newsletters"
    verbose_name = _("Newsletter")

    def ready(self) -> None:
        from kommune.newsletters import hooks

        hooks.register()
