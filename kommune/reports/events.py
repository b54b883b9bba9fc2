"""The events the reports app publishes (kommune.core.events)."""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import cast

from kommune.core.events import Event
from kommune.core.pagecache import register_page_tags
from kommune.reports.models import Report


def report_page_tags(report: Report) -> tuple[str, ...]:
    return (f"report:{report.pk}", "reports")


register_page_tags(Report, report_page_tags)


@dataclass(frozen=True)
class ReportEvent(Event):
    """target: the report."""

    def page_tags(self) -> Iterable[str]:
        return report_page_tags(cast(Report, self.target))


@dataclass(frozen=True)
class ReportCreated(ReportEvent):
    """A new report (web, REST API, Open311 or entered by staff)."""

    name = "issue_report.created"
    requires = ("notifications", "search", "opendata_records", "pagecache")


@dataclass(frozen=True)
class ReportStatusChanged(ReportEvent):
    """data: status (the new one), previous, note. The reporter and the followers are notified."""

    name = "issue_report.status_changed"
    requires = ("notifications", "search", "opendata_records", "pagecache")


@dataclass(frozen=True)
class ReportRouted(ReportEvent):
    """Given to a department; data: department."""

    name = "issue_report.routed"
    requires = ("opendata_records", "pagecache")


@dataclass(frozen=True)
class ReportMerged(ReportEvent):
    """The target was closed as a duplicate of data["into"] (a report id); its followers now follow that one."""

    name = "issue_report.merged"
    requires = ("notifications", "search", "opendata_records", "pagecache")


@dataclass(frozen=True)
class ReportsOverdue(ReportEvent):
    """Reports of a municipality waited longer than its set time for an answer; target: the oldest of them.
    data: count, notify_users (the staff)."""

    name = "issue_report.overdue"
    requires = ("reports_overdue",)

    def page_tags(self) -> Iterable[str]:
        return ()
