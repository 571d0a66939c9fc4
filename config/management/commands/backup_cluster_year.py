"""Write the backup archive of one cluster year (its data, files and a manifest of SHA-256)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from clusters.models import ClusterYear
from config import backup


class Command(BaseCommand):
    help = "Back up one cluster year into one zip archive (data, files, signed SHA-256 manifest)."

    def add_arguments(self, parser):
        parser.add_argument("cluster_year", type=int, help="the cluster year's id")
        parser.add_argument("--output", "-o", help="the archive's path (default: a dated name)")

    def handle(self, *args, **options):
        try:
            cluster_year = ClusterYear.objects.select_related("cluster").get(
                pk=options["cluster_year"]
            )
        except ClusterYear.DoesNotExist:
            raise CommandError(f"No cluster year {options['cluster_year']}.") from None
        try:
            data = backup.backup(cluster_year)
        except backup.BackupError as error:
            raise CommandError(str(error)) from None
        path = Path(options["output"] or backup.archive_name(cluster_year))
        path.write_bytes(data)
        manifest, _members = backup.read_archive(data)
        rows = sum(manifest["counts"].values())
        files = len(manifest["sha256"]) - 1
        self.stdout.write(f"{path}: {rows} rows, {files} files, {len(data)} bytes")
