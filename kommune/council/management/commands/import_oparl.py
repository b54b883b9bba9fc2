"""``python manage.py import_oparl <system-url> [--body <id>] [--municipality <slug>]``: see docs/council.md."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kommune.council.importer import BodyImport, FetchError, Http, bodies, municipality_for


class Command(BaseCommand):
    help = "Import the council information of an OParl 1.0/1.1 endpoint into municipalities."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("system_url", help="the URL of the OParl System object")
        parser.add_argument("--body", help="the id (URL) of the Body to import; default: every Body")
        parser.add_argument("--municipality", help="the slug of the municipality to fill; default: the one "
                                                   "whose official key is the Body's ags")
        parser.add_argument("--timeout", type=float, default=20.0, help="seconds per request")
        parser.add_argument("--retries", type=int, default=3, help="retries of a failed request")
        parser.add_argument("--backoff", type=float, default=1.0, help="seconds before the first retry")
        parser.add_argument("--no-files", action="store_true", help="import file metadata without the documents")

    def handle(self, *args: Any, **options: Any) -> None:
        http = Http(timeout=options["timeout"], attempts=options["retries"] + 1, backoff=options["backoff"])
        try:
            found = bodies(http, options["system_url"])
        except FetchError as error:
            raise CommandError(str(error)) from error
        if options["body"]:
            found = [body for body in found if body.get("id") == options["body"]]
        if not found:
            raise CommandError("No matching Body in this OParl system.")
        if options["municipality"] and len(found) > 1:
            raise CommandError("The system has several Bodies: choose one with --body.")
        for body in found:
            municipality = municipality_for(body, options["municipality"])
            if municipality is None:
                self.stderr.write(f"{body.get('id')}: no municipality (give --municipality or set its ags)")
                continue
            report = BodyImport(http=http, municipality=municipality, fetch_files=not options["no_files"]).run(
                system_url=options["system_url"], body=body)
            saved = ", ".join(f"{name} {count}" for name, count in sorted(report.saved.items())) or "nothing"
            self.stdout.write(f"{body['id']} -> {municipality.slug}: saved {saved}; deleted "
                              f"{sum(report.deleted.values())}; files fetched {report.files_fetched}; "
                              f"skipped {len(report.skipped)}")
            for failed in report.failed_pages:
                self.stderr.write(f"list page failed: {failed} (the next run starts from the same time)")
