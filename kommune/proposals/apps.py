from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProposalsConfig(AppConfig):
    name = "kommune.proposals"
    label = "proposals"
    verbose_name = _("Citizen proposals")

    def ready(self) -> None:
        from kommune.core.api.registry import register_router
        from kommune.core.demo import register_demo_seeder
        from kommune.core.tenants import keep_rows_of
        from kommune.proposals import (
            api,
            blueprints,
            demo,
            home,
            hooks,
            management_entries,
            newsletter_blocks,
            selectors,
        )
        from kommune.proposals import indicators as measured_indicators
        from kommune.proposals.models import Proposal, ProposalSettings, Support

        hooks.register()
        keep_rows_of(ProposalSettings)  # get_settings() keeps the municipality's rules in the process
        selectors.SUPPORTED.watch(Support)  # every support and withdrawal, whatever makes it
        selectors.DRAFTING.watch(Proposal, person="author_id")
        newsletter_blocks.register()  # the newsletter block "new citizen proposals"
        measured_indicators.register()  # what impact models measure (kommune/core/indicators.py)
        blueprints.register()  # the settings can be published as a template (kommune/core/blueprints.py)
        management_entries.register()  # the web layer's dashboard entry and home-page section
        home.register()
        register_router("", api.router, tags=["Citizen proposals"])  # the REST API (kommune/proposals/api.py)
        register_demo_seeder("proposals", lambda d: demo.seed_proposals(municipality=d.municipality, staff=d.staff,
                                                                        resident=d.resident, partner=d.partner), 20)
        # The accountability trail: a proposal handed to the council (25); the council attaches its paper (40);
        # the updates under the answer follow the decision the council's trail reports (45).
        register_demo_seeder("proposals_trail", lambda d: demo.seed_trail_proposal(
            municipality=d.municipality, staff=d.staff, resident=d.resident), 25)
        register_demo_seeder("proposals_trail_updates", lambda d: demo.seed_trail_updates(
            municipality=d.municipality, staff=d.staff), 45)
