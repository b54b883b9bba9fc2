from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InclusionConfig(AppConfig):
    """Digital inclusion: the partner network, the event calendar with registrations, assisted registration."""

    name = "kommune.inclusion"
    label = "inclusion"
    verbose_name = _("Digital help")

    def ready(self) -> None:
        from kommune.core.api.registry import register_router
        from kommune.core.demo import register_demo_seeder
        from kommune.inclusion import api, demo, hooks, selectors
        from kommune.inclusion.models import Partner

        hooks.register()
        selectors.SUBMITTED.watch(Partner, person="submitted_by_id")
        from kommune.inclusion import newsletter_blocks

        newsletter_blocks.register()  # the newsletter block "upcoming dates"
        from kommune.inclusion import indicators as measured_indicators
        measured_indicators.register()
        register_router("", api.router, tags=["Digital help"])  # the REST API (kommune/inclusion/api.py)
        register_demo_seeder("inclusion", demo.seed_inclusion, 60)
