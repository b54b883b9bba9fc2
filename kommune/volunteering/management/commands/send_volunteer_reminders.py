"""Send the reminder e-mails for tomorrow's volunteer shifts. Run once a day (cron, e.g. at 9:00); a second run
on the same day sends nothing again."""

from django.core.management.base import BaseCommand

from kommune.volunteering.services import do_send_reminders


class Command(BaseCommand):
    help = "E-mail everyone signed up (with an e-mail address) for a volunteer shift that begins tomorrow."

    def handle(self, *args, **options) -> None:
        sent = do_send_reminders()
        self.stdout.write(f"{sent} reminder(s) sent.")
