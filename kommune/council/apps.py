from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CouncilConfig(AppConfig):
    name = "kommune.council"
    label = "council"
    verbose_name = _("Council information")

    def ready(self) -> None:
        from kommune.core.demo import register_demo_seeder
        from kommune.council import demo

        register_demo_seeder("council", lambda d: demo.seed_council(municipality=d.municipality), 30)
        register_linkable_papers()


def register_linkable_papers() -> None:
    """A municipal project may link to a council paper that is not deleted (kommune.core.linkables)."""
    from kommune.core.linkables import register_linkable
    from kommune.council.models import Paper

    register_linkable(Paper, kind="paper", label=_("Council paper"), order=30, search_fields=("name", "reference"),
                      queryset=lambda m: Paper.objects.filter(municipality=m, deleted=False)
                      .select_related("municipality"))
