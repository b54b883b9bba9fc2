"""Feed hard bounces: `manage.py newsletter_bounces ADDRESS …` or one address per line on standard input
(`… newsletter_bounces - < bounces.txt`), for all municipalities or one (`--municipality SLUG`)."""

import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from kommune.core.models import Municipality
from kommune.newsletters import services


class Command(BaseCommand):
    help = "Count a bounce for each address; addresses with too many bounces get no more newsletters."

    def add_arguments(self, parser) -> None:
        parser.add_argument("addresses", nargs="+", help="E-mail addresses, or - to read them from standard input.")
        parser.add_argument("--municipality", help="Only the subscriptions of this municipality (its slug).")

    def handle(self, *args, addresses: list[str], municipality: str | None = None, **options) -> None:
        tenant = None
        if municipality:
            tenant = Municipality.objects.filter(slug=municipality).first()
            if tenant is None:
                raise CommandError(f"No municipality with the address {municipality!r}.")
        if addresses == ["-"]:
            addresses = [line.strip() for line in sys.stdin if line.strip()]
        cleaned = []
        for address in addresses:  # every line is checked before anything is recorded
            try:
                cleaned.append(services.clean_email(address))
            except ValidationError as error:
                raise CommandError(f"{address!r}: {' '.join(error.messages)}") from error
        disabled = sum(services.do_record_bounce(email=address, municipality=tenant) for address in cleaned)
        self.stdout.write(f"{len(addresses)} bounces recorded, {disabled} subscriptions disabled.")
