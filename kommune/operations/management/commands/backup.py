from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from kommune.operations.backup import BackupError, create_backup


class Command(BaseCommand):
    help = ("Writes the database and the uploaded files (MEDIA_ROOT) into one archive with a manifest, while the "
            "site runs. See docs/operations.md.")

    def add_arguments(self, parser):
        parser.add_argument("archive", nargs="?",
                            help="Where to write the archive; default: backup-<date>-<time>.tar.gz here.")
        parser.add_argument("--no-media", action="store_true",
                            help="Back up the database alone (for uploads in an S3 bucket with its own versioning).")

    def handle(self, *args, archive=None, no_media=False, **options):
        target = Path(archive or f"backup-{timezone.localtime():%Y%m%d-%H%M%S}.tar.gz").resolve()
        if target.exists():
            raise CommandError(f"{target} exists already; choose another name.")
        if not target.parent.is_dir():
            raise CommandError(f"The folder {target.parent} does not exist.")
        try:
            manifest = create_backup(target, include_media=not no_media)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Backup written to {target}: {manifest['database']['vendor']} database, "
                          f"{manifest['media']['files']} uploaded files, {target.stat().st_size} bytes.")
