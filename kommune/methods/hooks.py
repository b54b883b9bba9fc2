"""What the methods library registers in the core registries (called from MethodsConfig.ready())."""

from django.utils.translation import gettext_lazy as _


def register() -> None:
    register_home_link()
    from kommune.core.api.registry import register_router
    from kommune.core.audit import register_audit_detail
    from kommune.core.demo import register_demo_seeder
    from kommune.core.management_menu import ManagementEntry, register_entry
    from kommune.core.models import AuditLogEntry
    from kommune.core.privacy import register_exporter
    from kommune.methods import api, demo, privacy, records, searchables

    register_exporter("methods", privacy.export_methods, covers=[
        "methods.Method.created_by", "methods.MethodVersion.edited_by", "methods.MethodUse.created_by",
        "methods.Template.created_by", "methods.TemplateCopy.copied_by"])
    searchables.register()
    records.register()
    register_router("", api.router, tags=["Methods library"])
    action = AuditLogEntry.Action.TEMPLATE_COPIED
    register_audit_detail("template", _("template"), action=action)
    register_audit_detail("origin", _("from"), action=action)
    register_audit_detail("start", _("starts on"), action=action)
    register_entry(ManagementEntry("methods", _("Methods and templates"), "methods.write", "methods:manage",
                                   describe=lambda m: _("Tag processes with methods, publish and copy templates."),
                                   order=85))
    register_demo_seeder("methods", demo.seed_methods, order=90)


def register_home_link() -> None:
    """The feature's entry in the home page's "Take part" section (kommune/core/home_sections.py)."""
    from kommune.core.home_sections import HomeLink
    from kommune.core.home_sections import register_home_link as register

    register(HomeLink("methods", _("Methods of participation"),
                      _("What the town tried, how it worked and how others can reuse it."),
                      "methods:municipality", order=80))
