from django.core.management.base import BaseCommand, CommandError

from kommune.core import event_catalogue


class Command(BaseCommand):
    help = ("Print who publishes which event and who reacts to it, from the declarations; --write puts the table "
            "into docs/events.md. Fails when a rule is broken (an event nobody publishes, a required consumer "
            "missing).")

    def add_arguments(self, parser) -> None:
        parser.add_argument("--write", action="store_true", help="Update the table in docs/events.md.")

    def handle(self, *args, write: bool = False, **options) -> None:
        if problems := event_catalogue.problems():
            raise CommandError("\n".join(problems))
        if not write:
            self.stdout.write(event_catalogue.generated_section())
            return
        document = event_catalogue.DOC.read_text(encoding="utf-8")
        event_catalogue.DOC.write_text(event_catalogue.document_with_table(document), encoding="utf-8")
        self.stdout.write(f"Wrote the event table into {event_catalogue.DOC}.")
