"""Write an agreement's current document (the sealed file once there is one) to a path."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from agreements import document
from agreements.models import Agreement


class Command(BaseCommand):
    help = (
        "Write the agreement's current document to a file: the sealed PDF once signing has "
        "sealed it, otherwise a fresh rendering (drafts carry the DỰ THẢO mark)."
    )

    def add_arguments(self, parser):
        parser.add_argument("agreement_id", type=int, help="The agreement's id.")
        parser.add_argument("path", help="Where to write the PDF.")

    def handle(self, *args, agreement_id, path, **options):
        try:
            agreement = Agreement.objects.select_related("cluster_year__cluster").get(
                pk=agreement_id
            )
        except Agreement.DoesNotExist:
            raise CommandError(f"No agreement with id {agreement_id}.") from None
        target = Path(path)
        if not target.parent.is_dir():
            raise CommandError(f"No such directory: {target.parent}")
        sealed = document.sealed_file(agreement) is not None
        data = document.current_pdf(agreement)
        target.write_bytes(data)
        kind = "sealed document" if sealed else "rendered document"
        self.stdout.write(f"Wrote the {kind} of “{agreement}” ({len(data)} bytes) to {target}.")
