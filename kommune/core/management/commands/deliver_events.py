from django.core.management.base import BaseCommand

from kommune.core import events


class Command(BaseCommand):
    help = ("Deliver the events still pending in the outbox to their durable consumers (activities and "
            "notifications, the search index, open-data staleness): after a crash between a commit and its "
            "delivery, or after a consumer failed. Safe to run at any time and repeatedly (each consumer applies "
            "an event once); run it from cron every few minutes. --enqueue leaves it to the task worker.")

    def add_arguments(self, parser) -> None:
        parser.add_argument("--enqueue", action="store_true", help="Enqueue the task instead of delivering here.")

    def handle(self, *args, enqueue: bool = False, **options) -> None:
        if enqueue:
            result = events.deliver_pending_events.enqueue()
            self.stdout.write(f"Enqueued the delivery task ({result.id}); the worker delivers the events.")
            return
        delivered = events.deliver_pending()
        self.stdout.write(f"Delivered {delivered} event(s).")
