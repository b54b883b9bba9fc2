from django.core.management.base import BaseCommand

from kommune.core.search.services import do_rebuild_index


class Command(BaseCommand):
    help = ("Re-index everything registered for the search (in batches) and drop documents of objects that are "
            "gone or may not be found. Safe to run at any time and repeatedly; run it after restoring a backup "
            "or after a new app registered its models.")

    def handle(self, *args, **options) -> None:
        counts = do_rebuild_index()
        for kind, count in counts.items():
            self.stdout.write(f"{kind}: {count}")
        self.stdout.write(self.style.SUCCESS(f"Search index rebuilt: {sum(counts.values())} documents."))
