from django.core.management.base import BaseCommand

from kommune.impact import services
from kommune.impact.tasks import snapshot_indicators


class Command(BaseCommand):
    help = ("Store the monthly values of the platform-measured indicators of every impact model for the last months: "
            "enqueues the task for the worker (run this from cron, e.g. nightly), or computes them here with --now.")

    def add_arguments(self, parser) -> None:
        parser.add_argument("--now", action="store_true", help="Compute in this process instead of enqueueing.")
        parser.add_argument("--months", type=int, default=services.SNAPSHOT_MONTHS,
                            help="How many months back, the current one included (default 12).")

    def handle(self, *args, now: bool = False, months: int = services.SNAPSHOT_MONTHS, **options) -> None:
        months = max(1, min(months, 120))
        if now:
            stored = services.do_snapshot_all(months=months)
            self.stdout.write(f"Stored {stored} monthly value(s).")
        else:
            result = snapshot_indicators.enqueue(months)
            self.stdout.write(f"Enqueued the snapshot task ({result.id}); the worker runs it.")
