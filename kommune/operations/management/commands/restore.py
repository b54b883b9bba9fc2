from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kommune.operations.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = ("Restores an archive written by `backup` into the configured database and MEDIA_ROOT. Refuses a "
            "database or MEDIA_ROOT that is not empty unless --force. See docs/operations.md.")

    def add_arguments(self, parser):
        parser.add_argument("archive", help="The archive written by `manage.py backup`.")
        parser.add_argument("--force", action="store_true",
                            help="Replace the contents of a database and MEDIA_ROOT that are not empty.")
        parser.add_argument("--no-media", action="store_true",
                            help="Restore the database alone (for uploads in an S3 bucket).")

    def handle(self, *args, archive, force=False, no_media=False, **options):
        source = Path(archive)
        if not source.is_file():
            raise CommandError(f"{source} does not exist.")
        try:
            result = restore_backup(source, force=force, include_media=not no_media)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Restored the backup of {result.created_at}: {result.tables} tables, "
                          f"{result.media_files} uploaded files.")
        if result.pending_migrations:
            self.stdout.write(f"The backup is from an older release: run `python manage.py migrate` now "
                              f"({result.pending_migrations} migrations to apply).")
