"""How impact models plug into the core registries: search, open data, the REST API, the management dashboard,
follows, the lab's page (its impact section) and the demo. Called once from ImpactConfig.ready()."""

from django.utils.translation import gettext_lazy as _

from kommune.core.search.registry import SearchDocumentData
from kommune.impact.models import ImpactModel


def search_document(model: ImpactModel) -> SearchDocumentData | None:
    if not model.is_public:
        return None
    return SearchDocumentData(municipality=model.municipality, title=model.title, body=model.summary,
                              url=model.get_absolute_url())


def _describe(municipality) -> str:
    return str(_("Describe what a project should achieve and follow its indicators."))


def register() -> None:
    register_home_link()
    from kommune.impact import lab_section

    lab_section.register()
    from kommune.core.api.registry import register_router
    from kommune.core.demo import register_demo_seeder
    from kommune.core.management_menu import ManagementEntry, register_entry
    from kommune.core.notifications.followables import register_followable
    from kommune.core.notifications.verbs import register_verb
    from kommune.core.search.registry import register_searchable
    from kommune.impact import api, demo, records
    from kommune.impact.events import ImpactModelSaved, IndicatorValueEntered

    register_searchable(ImpactModel, kind="impact", label=_("Impact model"), document=search_document,
                        queryset=lambda: ImpactModel.objects.select_related("municipality"),
                        index_on=(ImpactModelSaved,))
    register_followable(ImpactModel, is_visible=lambda model: model.is_public)
    register_verb(ImpactModelSaved, _("The impact model “%(title)s” was changed"))
    register_verb(IndicatorValueEntered, _("New indicator value in “%(title)s”"))
    records.register()
    register_router("", api.router, tags=["Impact models"])
    register_entry(ManagementEntry("impact", _("Impact models"), "impact.manage", "impact:manage_list", _describe,
                                   order=90))
    register_demo_seeder("impact", demo.seed_impact, 90)
    register_demo_seeder("impact_lab", demo.seed_lab_impact, 91)  # after the lab workspace's seeder (70)


def register_home_link() -> None:
    """The feature's entry in the home page's "Take part" section (kommune/core/home_sections.py)."""
    from kommune.core.home_sections import HomeLink
    from kommune.core.home_sections import register_home_link as register

    register(HomeLink("impact", _("What openness achieved"),
                      _("Impact models with the figures the platform measures."),
                      "impact:list", order=90))
