"""Restore one cluster year from its backup archive into a database that does not hold it."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from config import backup


class Command(BaseCommand):
    help = "Restore a cluster year's backup archive (checked against its SHA-256 manifest)."

    def add_arguments(self, parser):
        parser.add_argument("archive", help="the archive written by backup_cluster_year")
        parser.add_argument(
            "--check", action="store_true", help="only check the archive against its manifest"
        )

    def handle(self, *args, **options):
        path = Path(options["archive"])
        if not path.is_file():
            raise CommandError(f"{path} does not exist.")
        try:
            if options["check"]:
                manifest, _members = backup.read_archive(path.read_bytes())
            else:
                manifest = backup.restore(path.read_bytes())
        except backup.BackupError as error:
            raise CommandError(str(error)) from None
        year = manifest["cluster_year"]
        verb = "checked" if options["check"] else "restored"
        rows = sum(manifest["counts"].values())
        self.stdout.write(f"{year['cluster']} {year['year']}: {rows} rows {verb}.")
