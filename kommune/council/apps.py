from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CouncilConfig(AppConfig):
    name = "kommune.council"
    label = "council"
    verbose_name = _("Council information")

    def ready(self) -> None:
        from kommune.core.api.registry import register_router
        from kommune.core.demo import register_demo_seeder
        from kommune.council import api, demo, home_section, searchables

        searchables.register()
        home_section.register()
        register_router("", api.router, tags=["Council information"])  # the REST API (kommune/council/api.py)
        register_demo_seeder("council", lambda d: demo.seed_council(municipality=d.municipality), 30)

        from kommune.council import trail, trail_demo, trail_entries

        trail.register()  # the council's trail source and the right to attach a paper (kommune/council/trail.py)
        trail_entries.register()  # the management entry "Referrals to the council"
        # After the council (30) and the proposals (20): a proposal whose trail runs to a council decision.
        register_demo_seeder("council_trail", lambda d: trail_demo.seed_trail(municipality=d.municipality,
                                                                              staff=d.staff), 40)
        register_linkable_papers()


def register_linkable_papers() -> None:
    """A municipal project may link to a council paper that is not deleted (kommune.core.linkables)."""
    from kommune.core.linkables import register_linkable
    from kommune.council.models import Paper

    register_linkable(Paper, kind="paper", label=_("Council paper"), order=30, search_fields=("name", "reference"),
                      queryset=lambda m: Paper.objects.filter(municipality=m, deleted=False)
                      .select_related("municipality"))
