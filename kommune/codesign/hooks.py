"""How the co-design plugs into the core registries: the phase feature, comments on steps, follows and verbs,
search, open data, privacy, the REST API, the management menu, the audit log and the demo. Called once from
CodesignConfig.ready()."""

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from kommune.codesign.events import ChangePublished, ServicePublished, ServiceSaved
from kommune.codesign.models import Service, Step
from kommune.core.search.registry import SearchDocumentData


def search_document(service: Service) -> SearchDocumentData | None:
    if not service.is_published:
        return None
    steps = " ".join(step.title for step in service.steps.all())
    body = "\n".join(part for part in (service.description, service.department, service.leika_key, steps) if part)
    return SearchDocumentData(municipality=service.municipality, title=service.title, body=body,
                              url=service.get_absolute_url())


def _describe_for_staff(municipality) -> str:
    counts = Service.objects.filter(municipality=municipality).aggregate(services=Count("pk"))
    return str(_("Describe services as journeys of steps, group the feedback, publish changes (%(num)d services).")
               % {"num": counts["services"]})


def register() -> None:
    register_home_link()
    register_assisted_entry()
    from kommune.codesign import api, demo, privacy, records, services
    from kommune.core.api.registry import register_router
    from kommune.core.audit import register_audit_detail
    from kommune.core.comments.registry import register_commentable
    from kommune.core.demo import register_demo_seeder
    from kommune.core.management_menu import ManagementEntry, register_entry
    from kommune.core.notifications.followables import register_followable
    from kommune.core.notifications.verbs import register_verb
    from kommune.core.privacy import register_anonymiser, register_exporter
    from kommune.core.processes.features import register_feature
    from kommune.core.search.registry import register_searchable

    register_feature(services.FEATURE, _("Co-design of a public service"))
    register_commentable(Step, is_open=lambda step, now: services.is_open_for_ratings(step.service, now),
                         scope=lambda step: step.service,
                         closed_message=_("Comments on the steps are open while the service can be rated."))
    register_followable(Service, is_visible=lambda service: service.is_published,
                        scope=lambda service: service.process)
    register_verb(ServicePublished, _("New service to improve together: “%(title)s”"))
    register_verb(ChangePublished, _("The municipality changed “%(title)s”"))
    register_searchable(Service, kind="codesign", label=_("Public service"), document=search_document,
                        queryset=lambda: Service.objects.select_related("municipality").prefetch_related("steps"),
                        index_on=(ServicePublished, ServiceSaved))
    records.register()
    register_exporter("codesign_ratings", privacy.export_ratings, covers=["codesign.Rating.person"])
    register_exporter("codesign_assisted_ratings", privacy.export_assisted_entries,
                      covers=["codesign.Rating.entered_by"])
    register_anonymiser("codesign", services.anonymise_ratings)
    register_router("", api.router, tags=["Co-designing public services"])
    register_entry(ManagementEntry("codesign", _("Co-designing public services"), services.MANAGE_PERMISSION,
                                   "codesign:manage", _describe_for_staff, order=55))
    register_audit_detail("codesign_service", _("Public service"))
    register_audit_detail("change", _("Change"), action=services.CHANGE_ACTION)
    register_audit_detail("changed_on", _("In effect since"), action=services.CHANGE_ACTION)
    register_audit_detail("ratings", _("Ratings"), action=services.ASSISTED_RATING_ACTION)
    register_audit_detail("channel", _("Channel"), action=services.ASSISTED_RATING_ACTION)
    register_demo_seeder("codesign", demo.seed, 70)


def register_assisted_entry() -> None:
    """Where staff enter this app's contributions for a resident (kommune/core/assisted.py)."""
    from kommune.core.assisted import register_assisted_entry as register
    from kommune.core.models import AuditLogEntry

    register(key="codesign", label=_("Rating of a public service for a resident"),
             description=_("Open the service in the management of co-designed services; “Enter a rating for a "
                           "resident” takes what someone said by phone, by letter or at the counter."),
             url_name="codesign:manage", permission="codesign.manage",
             actions=[AuditLogEntry.Action.CODESIGN_RATING_ENTERED_ASSISTED], order=45)


def register_home_link() -> None:
    """The feature's entry in the home page's "Take part" section (kommune/core/home_sections.py)."""
    from kommune.core.home_sections import HomeLink
    from kommune.core.home_sections import register_home_link as register

    register(HomeLink("codesign", _("Improve public services"),
                      _("Rate the steps of a service you used, such as registering a change of address, and see "
                        "what changed."),
                      "codesign:list", order=60))
