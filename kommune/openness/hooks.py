"""How the openness app plugs into the core registries: privacy, open data, the management menu, the
municipality's home page, the audit log and the demo. Called once from OpennessConfig.ready()."""

from django.utils.translation import gettext_lazy as _

from kommune.core.models import Municipality


def home_context(municipality: Municipality) -> dict | None:
    """The latest published report; nothing when there is none. One query."""
    from kommune.openness.models import Report

    report = Report.objects.filter(municipality=municipality).order_by("-year").first()
    if report is None:
        return None
    return {"municipality": municipality, "report": report}


def _describe(municipality: Municipality) -> str:
    return str(_("Self-assessment along the seven perspectives of openness and the annual open-government "
                 "report."))


def register() -> None:
    from kommune.core.api.registry import register_router
    from kommune.core.audit import register_audit_detail
    from kommune.core.demo import register_demo_seeder
    from kommune.core.home_sections import HomeSection, register_home_section
    from kommune.core.management_menu import ManagementEntry, register_entry
    from kommune.core.models import AuditLogEntry
    from kommune.openness import api, demo, privacy, records, searchables, services

    privacy.register()
    records.register()
    searchables.register()
    register_router("", api.router, tags=["Openness"])
    register_entry(ManagementEntry("openness", _("Openness"), services.ASSESS_PERMISSION, "openness:manage",
                                   _describe, order=90))
    register_home_section(HomeSection("openness", "openness/home_section.html", home_context, order=90,
                                      title=_("Open-government report"), anchor="home-openness-heading"))
    register_audit_detail("year", _("Year"), action=AuditLogEntry.Action.OPENNESS_REPORT_PUBLISHED)
    register_demo_seeder("openness", demo.seed, 95)
