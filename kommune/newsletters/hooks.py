"""What the newsletters register with core in AppConfig.ready(): privacy, search, open data, audit labels, the
dashboard entry, the REST API and the demo data."""

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from kommune.core.models import Municipality


def _describe(municipality: Municipality) -> str:
    from kommune.newsletters.models import Subscriber

    confirmed = Subscriber.objects.filter(municipality=municipality).aggregate(
        n=Count("pk", filter=Q(status=Subscriber.Status.CONFIRMED)))["n"] or 0
    return ngettext("%(count)d confirmed subscriber", "%(count)d confirmed subscribers", confirmed) % {
        "count": confirmed}


def register_audit_details() -> None:
    from kommune.core.audit import register_audit_detail
    from kommune.core.models import AuditLogEntry

    action = AuditLogEntry.Action
    register_audit_detail("newsletter", _("Newsletter"), action=action.NEWSLETTER_SENT)
    register_audit_detail("recipients", _("Recipients"), action=action.NEWSLETTER_SENT)
    register_audit_detail("subscriber", _("Subscriber number"), action=action.NEWSLETTER_SUBSCRIBER_ENTERED)
    register_audit_detail("person", _("Person"), action=action.NEWSLETTER_SUBSCRIBER_ENTERED)


def register() -> None:
    register_home_link()
    register_assisted_entry()
    from kommune.core.api.registry import register_router
    from kommune.core.demo import register_demo_seeder
    from kommune.core.management_menu import ManagementEntry, register_entry
    from kommune.newsletters import api, demo, privacy, records, searchables, services

    privacy.register()
    searchables.register()
    records.register()
    register_audit_details()
    register_entry(ManagementEntry("newsletters", _("Newsletter"), services.WRITE_PERMISSION, "newsletters:manage",
                                   _describe, order=48))
    register_router("", api.router, tags=["Newsletters"])  # the REST API (kommune/newsletters/api.py)
    register_demo_seeder("newsletters", demo.seed_newsletters, 70)


def register_assisted_entry() -> None:
    """Where staff enter this app's contributions for a resident (kommune/core/assisted.py)."""
    from kommune.core.assisted import register_assisted_entry as register
    from kommune.core.models import AuditLogEntry

    register(key="newsletters", label=_("Newsletter subscription for a resident"),
             description=_("Enter the e-mail address of someone who asked by phone; the person still confirms it by "
                           "e-mail."),
             url_name="newsletters:enter_subscriber", permission="newsletters.write",
             actions=[AuditLogEntry.Action.NEWSLETTER_SUBSCRIBER_ENTERED], order=70)


def register_home_link() -> None:
    """The feature's entry in the home page's "Take part" section (kommune/core/home_sections.py)."""
    from kommune.core.home_sections import HomeLink
    from kommune.core.home_sections import register_home_link as register

    register(HomeLink("newsletters", _("Newsletter"),
                      _("News, dates and participation by e-mail, or to print and take away."),
                      "newsletters:archive", order=70))
