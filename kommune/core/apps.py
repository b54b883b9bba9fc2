from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "kommune.core"
    label = "core"
    verbose_name = _("Municipalities and labs")

    def ready(self) -> None:
        from django.utils.module_loading import autodiscover_modules

        from kommune.core import management_entries, pagecache, privacy
        from kommune.core.events import register_consumer

        management_entries.register()
        autodiscover_modules("events")  # every app's declared event types, for the consumers and the checks
        register_consumer(pagecache.CONSUMER)

        privacy.register_exporter("memberships", privacy.export_memberships, covers=["core.Membership.user"])
        privacy.register_exporter("role_history", privacy.export_role_history, covers=["core.AuditLogEntry.subject"])
        privacy.register_exporter("accessibility_feedback", privacy.export_accessibility_feedback)
        privacy.register_anonymiser("memberships", privacy.delete_memberships)
