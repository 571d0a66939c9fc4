"""Say whether a PDF file is an authentic sealed agreement of this system (exit 0 only then)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from agreements.signing.tasks import verification_url
from agreements.signing.verification import verify_bytes


def _yes_no(value):
    return "yes" if value else "NO"


class Command(BaseCommand):
    help = (
        "Check a PDF: is it an authentic sealed document of this system, which agreement, "
        "is its signature intact and valid? Exits 0 only when all hold."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="The PDF file to check.")

    def handle(self, *args, path, **options):
        file = Path(path)
        if not file.is_file():
            raise CommandError(f"No such file: {file}")
        limit = settings.VERIFY_MAX_BYTES
        if file.stat().st_size > limit:
            raise CommandError(f"The file is larger than {limit // 1048576} MB (VERIFY_MAX_BYTES).")
        result = verify_bytes(file.read_bytes())
        check = result.check
        out = self.stdout
        out.write(f"File:       {file}")
        out.write(f"SHA-256:    {check.sha256 or '-'}")
        if result.digital:
            out.write(f"Signatures: {len(result.signatures)}")
            for number, signed in enumerate(result.signatures, start=1):
                found = signed.found
                when = (
                    f"{timezone.localtime(found.signed_at):%Y-%m-%d %H:%M:%S %z}"
                    if found.signed_at
                    else "-"
                )
                out.write(
                    f"  {number:2}. {found.field_name:<10} {signed.unit or '-'} — {signed.kind}: "
                    f"{found.signer_name} (issuer {found.issuer_name}), {when}: {signed.verdict}, "
                    f"revocation {found.revocation}, changes after: {found.changes_after}"
                )
        else:
            out.write(f"Signatures: {check.signature_count}")
        if check.signature_count and not result.digital:
            out.write(f"Signed by:  {check.signer or '-'}")
            if check.signed_at:
                out.write(f"Signed at:  {timezone.localtime(check.signed_at):%Y-%m-%d %H:%M:%S %z}")
            out.write(f"Intact:     {_yes_no(check.intact and check.covers_whole_file)}")
            out.write(f"Valid:      {_yes_no(check.valid and check.trusted)}")
        agreement = result.agreement
        if agreement is not None:
            out.write(f"Agreement:  #{agreement.pk} {agreement.title}")
            out.write(f"Cluster:    {agreement.cluster_year}")
            out.write(f"Content:    SHA-256 {agreement.content_hash}")
            out.write(f"Verify at:  {verification_url(result.seal)}")
        else:
            out.write("Agreement:  none on record")
        for reason in result.reasons:
            out.write(f"  - {reason}")
        if result.authentic:
            out.write(self.style.SUCCESS("AUTHENTIC: a sealed document of this system, intact."))
            return
        self.stderr.write(self.style.ERROR("NOT AUTHENTIC."))
        raise SystemExit(1)
