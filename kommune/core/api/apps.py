from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "kommune.core.api"
    label = "api"
    verbose_name = _("REST API")

    def ready(self) -> None:
        from kommune.core.api import privacy
        from kommune.core.privacy import register_anonymiser, register_exporter

        register_exporter("access_tokens", privacy.export_tokens, covers=["api.AccessToken.user"])
        register_anonymiser("access_tokens", privacy.revoke_tokens)
