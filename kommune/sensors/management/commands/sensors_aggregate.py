"""Daily means of the last finished days, and older readings replaced by hourly means. Run it every night (cron or
a scheduler), e.g. at 00:30: ``python manage.py sensors_aggregate``."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kommune.sensors import services


class Command(BaseCommand):
    help = "Compute the sensors' daily means of the last days and downsample readings older than SENSORS_RAW_DAYS."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=3, help="Finished days to (re)compute, default 3.")
        parser.add_argument("--day", help="Compute this one day (YYYY-MM-DD) instead.")
        parser.add_argument("--raw-days", type=int, default=None,
                            help="Keep single readings this many days (default: the setting SENSORS_RAW_DAYS).")
        parser.add_argument("--no-downsample", action="store_true", help="Only the daily means.")

    def handle(self, *args, days: int, day: str | None, raw_days: int | None, no_downsample: bool,
               **options) -> None:
        if day:
            try:
                the_day = date.fromisoformat(day)
            except ValueError:
                raise CommandError("--day must be a date like 2025-03-01.") from None
            count = services.compute_daily_means(day=the_day)
        else:
            count = services.compute_pending_days(days_back=max(1, days))
        self.stdout.write(f"{count} daily means computed.")
        if not no_downsample:
            removed = services.downsample(raw_days=raw_days)
            self.stdout.write(f"{removed} readings replaced by hourly means.")
