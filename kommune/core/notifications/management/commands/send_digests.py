from django.core.management.base import BaseCommand

from kommune.core.notifications import services
from kommune.core.notifications.tasks import send_daily_digests


class Command(BaseCommand):
    help = ("Send the daily notification digests: enqueues the task for the worker (run this once a day from "
            "cron), or sends them right here with --now.")

    def add_arguments(self, parser) -> None:
        parser.add_argument("--now", action="store_true", help="Send in this process instead of enqueueing.")

    def handle(self, *args, now: bool = False, **options) -> None:
        if now:
            sent = services.do_send_daily_digests()
            self.stdout.write(f"Sent {sent} digest(s).")
        else:
            result = send_daily_digests.enqueue()
            self.stdout.write(f"Enqueued the digest task ({result.id}); the worker sends it.")
