from django.core.management.base import BaseCommand, CommandError

from kommune.core.models import Municipality
from kommune.opendata.records import services
from kommune.opendata.records.tasks import publish_records


class Command(BaseCommand):
    help = ("Publish the participation records as open data: builds the record sets that changed and were last "
            "built more than a day ago, and those never built. Run it once a day from cron (or with --enqueue "
            "for the task worker).")

    def add_arguments(self, parser) -> None:
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--municipality", metavar="SLUG", help="Only this municipality.")
        which.add_argument("--all", action="store_true", help="Every municipality.")
        parser.add_argument("--force", action="store_true", help="Build every record set, changed or not.")
        parser.add_argument("--enqueue", action="store_true",
                            help="Hand the work to the task worker (db_worker) instead of doing it here.")

    def handle(self, *args, municipality: str | None = None, force: bool = False, enqueue: bool = False,
               **options) -> None:
        slugs = None
        if municipality is not None:
            if not Municipality.objects.filter(slug=municipality).exists():
                raise CommandError(f"There is no municipality with the address {municipality!r}.")
            slugs = [municipality]
        if enqueue:
            result = publish_records.enqueue(municipality_slugs=slugs, force=force)
            self.stdout.write(f"Enqueued the records task ({result.id}); the worker builds the record sets.")
            return
        municipalities = None if slugs is None else list(Municipality.objects.filter(slug__in=slugs))
        outcomes = services.do_publish_due_record_sets(municipalities=municipalities, force=force)
        for outcome in outcomes:
            if outcome.error:
                self.stderr.write(f"{outcome.municipality.slug} {outcome.key}: failed: {outcome.error}")
            elif outcome.published:
                self.stdout.write(f"{outcome.municipality.slug} {outcome.key}: {outcome.row_count} record(s) "
                                  "published.")
            else:
                self.stdout.write(f"{outcome.municipality.slug} {outcome.key}: no records, nothing published.")
        if not outcomes:
            self.stdout.write("Every record set is up to date.")
        if any(outcome.error for outcome in outcomes):
            raise CommandError("Some record sets could not be built; see above.")
