"""Flag the issue reports that waited longer than their municipality's set time for an answer and tell the staff
(run from cron, e.g. hourly; idempotent). Also deletes photos of reports that were never sent."""

from django.core.management.base import BaseCommand

from kommune.reports.services import flag_overdue_reports


class Command(BaseCommand):
    help = "Flag issue reports without an answer past their municipality's set time and notify the staff."

    def handle(self, *args, **options) -> None:
        count = flag_overdue_reports()
        self.stdout.write(f"Flagged {count} overdue report(s).")
