from django.apps import AppConfig
from django.conf import settings
from django.core import checks
from django.utils.translation import gettext_lazy as _


def check_operator_legal_pages(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """Pages outside a municipality (start, registration, account) must link the operator's imprint (§ 5 DDG) and
    privacy notice (Art. 13 GDPR, where the registration collects data): `manage.py check --deploy` warns."""
    found: list[checks.CheckMessage] = []
    if not settings.OPERATOR_IMPRINT_URL:
        found.append(checks.Warning(
            "OPERATOR_IMPRINT_URL is not set: pages outside a municipality link no imprint.",
            hint="Set OPERATOR_IMPRINT_URL to the operator's imprint (docs/configuration.md).",
            id="kommune.W001"))
    if not settings.OPERATOR_PRIVACY_URL:
        found.append(checks.Warning(
            "OPERATOR_PRIVACY_URL is not set: the registration form and the pages outside a municipality link no "
            "privacy notice.",
            hint="Set OPERATOR_PRIVACY_URL to the operator's privacy notice (docs/configuration.md).",
            id="kommune.W002"))
    return found


class CoreConfig(AppConfig):
    name = "kommune.core"
    label = "core"
    verbose_name = _("Municipalities and labs")

    def ready(self) -> None:
        from django.utils.module_loading import autodiscover_modules

        from kommune.core import home_sections, management_entries, pagecache, privacy, roles, tenants
        from kommune.core.events import register_consumer
        from kommune.core.indicators import register_contribution_indicators

        management_entries.register()
        home_sections.register_links_section()  # the home page's "Take part" links that the features register
        register_contribution_indicators()
        checks.register(check_operator_legal_pages, checks.Tags.security, deploy=True)
        autodiscover_modules("events")  # every app's declared event types, for the consumers and the checks
        register_consumer(pagecache.CONSUMER)
        roles.watch_memberships()
        tenants.watch_tenants()

        privacy.register_exporter("memberships", privacy.export_memberships, covers=["core.Membership.user"])
        privacy.register_exporter("role_history", privacy.export_role_history, covers=["core.AuditLogEntry.subject"])
        privacy.register_exporter("accessibility_feedback", privacy.export_accessibility_feedback)
        privacy.register_anonymiser("memberships", privacy.delete_memberships)
