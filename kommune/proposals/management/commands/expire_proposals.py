from django.core.management.base import BaseCommand

from kommune.proposals import services
from kommune.proposals.tasks import expire_due_proposals


class Command(BaseCommand):
    help = ("Expire the citizen proposals whose collection period ended without reaching the threshold: enqueues "
            "the task for the worker (run this from cron, e.g. hourly), or expires them right here with --now.")

    def add_arguments(self, parser) -> None:
        parser.add_argument("--now", action="store_true", help="Expire in this process instead of enqueueing.")

    def handle(self, *args, now: bool = False, **options) -> None:
        if now:
            expired = services.do_expire_due_proposals()
            self.stdout.write(f"Expired {expired} proposal(s).")
        else:
            result = expire_due_proposals.enqueue()
            self.stdout.write(f"Enqueued the expiry task ({result.id}); the worker runs it.")
