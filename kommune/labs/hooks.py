"""What the lab workspace registers with core in AppConfig.ready(): search, open data, privacy, follows and the
verb of public news, the linkable sub-projects, audit labels, the REST API and the demo."""

from django.utils.translation import gettext_lazy as _

from kommune.core.models import Lab, Municipality
from kommune.labs.models import SubProject


def register_audit_details() -> None:
    from kommune.core.audit import register_audit_detail
    from kommune.core.models import AuditLogEntry

    action = AuditLogEntry.Action.LAB_ITEM_VISIBILITY_CHANGED
    register_audit_detail("kind", _("Kind of item"), action=action)
    register_audit_detail("item", _("Number"), action=action)
    register_audit_detail("title", _("Title"), action=action)
    register_audit_detail("before", _("Before"), action=action)
    register_audit_detail("after", _("After"), action=action)


def _linkable_subprojects(municipality: Municipality):
    return SubProject.objects.filter(SubProject.public_q(), municipalities=municipality).select_related("lab")


def register() -> None:
    from kommune.core.api.registry import register_router
    from kommune.core.demo import register_demo_seeder
    from kommune.core.linkables import register_linkable
    from kommune.core.notifications.followables import register_followable
    from kommune.core.notifications.verbs import register_verb
    from kommune.labs import api, demo, events, privacy, records, searchables

    searchables.register()
    records.register()
    privacy.register()
    register_audit_details()
    register_followable(Lab)
    register_verb(events.LabNewsPublished, _("News of the lab: “%(title)s”"))
    # Other features (an impact model, a project) may link to a lab's public sub-project.
    register_linkable(SubProject, kind="lab_subproject", label=_("Sub-project of a lab"), order=60,
                      queryset=_linkable_subprojects)
    register_router("", api.router, tags=["Labs"])
    register_demo_seeder("labs", demo.seed_labs, 70)
