"""How issue reports plug into the core registries: verbs, follows, search, privacy, open data, the management
dashboard, the audit log's labels and the consumer that tells staff about overdue reports. Called once from
ReportsConfig.ready()."""

from collections.abc import Mapping
from functools import partial

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from kommune.core.events import Consumer, Event, Handler, register_consumer
from kommune.core.models import Municipality
from kommune.core.search.registry import SearchDocumentData
from kommune.reports.events import ReportCreated, ReportMerged, ReportsOverdue, ReportStatusChanged
from kommune.reports.models import Report

SEARCH_INDEX_ON = (ReportCreated, ReportStatusChanged, ReportMerged)


def search_document(report: Report) -> SearchDocumentData | None:
    """A report, found by its category, description, address and public note; nobody's name is in it."""
    body = [report.service.name, report.description, report.address, report.status_note]
    return SearchDocumentData(municipality=report.municipality, title=report.title,
                              body="\n".join(part for part in body if part), url=report.get_absolute_url())


def search_queryset():
    return Report.objects.select_related("municipality", "service")


def register_verbs() -> None:
    from kommune.core.notifications.verbs import register_verb

    register_verb(ReportCreated, _("New issue report: “%(title)s”"))
    register_verb(ReportStatusChanged, _("The status of the issue report “%(title)s” changed"))
    register_verb(ReportMerged, _("The issue report “%(title)s” was merged with a report of the same problem"))
    register_verb(ReportsOverdue, _("Issue reports are waiting too long for an answer"), public=False)


def notify_staff_of_overdue(event: Event) -> None:
    """Handler of the consumer "reports_overdue": a private notification for each staff member named."""
    from kommune.core.notifications.services import notify_users
    from kommune.core.notifications.tasks import send_immediate_emails

    user_ids = [pk for pk in event.data.get("notify_users", ()) if isinstance(pk, int)]
    if not user_ids:
        return
    count = int(event.data.get("count", 0))
    text = ngettext("%(num)d issue report waits longer than the set time for an answer.",
                    "%(num)d issue reports wait longer than the set time for an answer.", count) % {"num": count}
    url = reverse("reports:manage", kwargs={"municipality_slug": event.municipality.slug}) + "?overdue=on"
    ids = notify_users(user_ids, municipality=event.municipality, verb=event.name, text=text, url=url)
    transaction.on_commit(partial(send_immediate_emails.enqueue, ids), robust=True)


def _handles() -> Mapping[type[Event], Handler]:
    return {ReportsOverdue: notify_staff_of_overdue}


CONSUMER = Consumer("reports_overdue", _handles, durable=True,
                    description="tells a municipality's staff privately that issue reports wait too long for an "
                                "answer")


def _describe(municipality: Municipality) -> str:
    from kommune.reports import selectors

    overdue = selectors.overdue_count(municipality)
    open_count = Report.objects.filter(municipality=municipality, status__in=Report.OPEN_STATES).count()
    text = ngettext("%(num)d open issue report", "%(num)d open issue reports", open_count) % {"num": open_count}
    if overdue:
        text += " " + ngettext("(%(num)d overdue)", "(%(num)d overdue)", overdue) % {"num": overdue}
    return text


def register() -> None:
    register_home_link()
    register_assisted_entry()
    from kommune.core.management_menu import ManagementEntry, register_entry
    from kommune.core.notifications.followables import register_followable
    from kommune.core.privacy import register_anonymiser, register_exporter
    from kommune.core.search.registry import register_searchable
    from kommune.reports import privacy, records, services

    register_verbs()
    register_consumer(CONSUMER)
    register_followable(Report, title=lambda report: report.title)
    register_searchable(Report, kind="report", label=_("Issue report"), document=search_document,
                        queryset=search_queryset, index_on=SEARCH_INDEX_ON)
    register_exporter("issue_reports", privacy.export_reports, covers=["reports.Report.reporter"])
    register_exporter("issue_report_photos", privacy.export_pending_photos, covers=["reports.PendingPhoto.user"])
    register_exporter("open311_keys", privacy.export_api_keys, covers=["reports.ApiKey.created_by"])
    register_anonymiser("issue_reports", services.anonymise_reports)
    records.register()
    register_entry(ManagementEntry("reports", _("Issue reports"), services.MANAGE_PERMISSION, "reports:manage",
                                   _describe, order=47))


def register_assisted_entry() -> None:
    """Where staff enter this app's contributions for a resident (kommune/core/assisted.py)."""
    from kommune.core.assisted import register_assisted_entry as register
    from kommune.core.models import AuditLogEntry

    register(key="reports", label=_("Issue report for a resident"),
             description=_("Enter a damage or problem that someone reported by phone or at the counter."),
             url_name="reports:manage_assisted_choose", permission="reports.manage",
             actions=[AuditLogEntry.Action.REPORT_ENTERED], order=50)


def register_home_link() -> None:
    """The feature's entry in the home page's "Take part" section (kommune/core/home_sections.py)."""
    from kommune.core.home_sections import HomeLink
    from kommune.core.home_sections import register_home_link as register

    register(HomeLink("reports", _("Report a problem"),
                      _("A broken streetlight, a pothole, rubbish: tell the town where, and follow what happens."),
                      "reports:list", order=30))
