"""How adoptions plug into the core registries: verbs, follows, search, privacy and open data. Called once from
AdoptionsConfig.ready()."""

from django.utils.translation import gettext_lazy as _

from kommune.adoptions.events import AdoptionEnded, AssetAdopted, AssetSaved, CareRecorded
from kommune.adoptions.models import Asset, AssistedChannel, CareKind
from kommune.core.search.registry import SearchDocumentData


def search_document(asset: Asset) -> SearchDocumentData:
    body = "\n".join(part for part in (asset.get_kind_display(), asset.description) if part)
    return SearchDocumentData(municipality=asset.municipality, title=asset.name, body=body,
                              url=asset.get_absolute_url())


def register() -> None:
    register_home_link()
    from kommune.adoptions import api, demo, privacy, records, services
    from kommune.core.api.registry import register_router
    from kommune.core.demo import register_demo_seeder
    from kommune.core.notifications.followables import register_followable
    from kommune.core.notifications.verbs import register_verb
    from kommune.core.privacy import register_anonymiser, register_exporter
    from kommune.core.search.registry import register_searchable

    register_verb(AssetAdopted, _("“%(title)s” was adopted"))
    register_verb(AdoptionEnded, _("“%(title)s” is free to adopt again"))
    register_verb(CareRecorded, _("New entry in the care log of “%(title)s”"))
    register_followable(Asset)
    register_searchable(Asset, kind="adoption", label=_("Public green to adopt"), document=search_document,
                        queryset=lambda: Asset.objects.select_related("municipality"), index_on=(AssetSaved,))
    register_exporter("adoptions", privacy.export_adoptions,
                      covers=["adoptions.Adoption.user", "adoptions.Adoption.entered_by"])
    register_exporter("adoption_care_entries", privacy.export_care_entries, covers=["adoptions.CareEntry.author"])
    register_anonymiser("adoptions", services.delete_user_adoptions)
    records.register()
    register_assisted()
    register_router("", api.router, tags=["Adoptions of public green"])
    register_demo_seeder("adoptions", demo.seed_adoptions, 60)


def _label(choices, value) -> str:
    return str(choices(value).label) if value in choices.values else str(value)


def register_assisted() -> None:
    """Staff and partners adopt or record care for residents without an account (kommune/core/assisted.py)."""
    from kommune.core.assisted import register_assisted_entry
    from kommune.core.audit import register_audit_detail
    from kommune.core.models import AuditLogEntry

    action = AuditLogEntry.Action.ADOPTION_ENTERED_ASSISTED
    for key, label in (("asset", _("Asset")), ("season", _("Season")), ("public_name", _("Name shown on the map"))):
        register_audit_detail(key, label, action=action)
    register_audit_detail("care", _("What was done"), action=action, format=lambda value: _label(CareKind, value))
    register_audit_detail("channel", _("Received"), action=action,
                          format=lambda value: _label(AssistedChannel, value))
    register_assisted_entry(
        key="adoptions", label=_("Adoption of public green for a resident"),
        description=_("Open a hedge, tree or bed: “Adopt for a resident” and “Record care for the adopters” take "
                      "what someone said by phone, by letter or in person."),
        url_name="adoptions:list", permission="adoptions.enter_assisted", actions=[action], order=60)


def register_home_link() -> None:
    """The feature's entry in the home page's "Take part" section (kommune/core/home_sections.py)."""
    from kommune.core.home_sections import HomeLink
    from kommune.core.home_sections import register_home_link as register

    register(HomeLink("adoptions", _("Adopt public green"),
                      _("Look after a hedge, a tree or a bed for a season and note what you did."),
                      "adoptions:list", order=40))
