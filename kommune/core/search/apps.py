from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "kommune.core.search"
    label = "search"
    verbose_name = _("Search")

    def ready(self) -> None:
        from kommune.core.events import register_consumer
        from kommune.core.search import searchables, subscribers

        searchables.register()
        register_consumer(subscribers.CONSUMER)
