"""Writing a revision of the agreement's file (under the caller's lock on the agreement)."""

import hashlib

from django.core.files.base import ContentFile
from django.utils import timezone

from agreements.signing.digital import selectors
from agreements.signing.digital.models import DocumentRevision, SignatureSlot, SigningRecord


def store(agreement, data, *, kind, channel, actor, slot=None, verdict=None, certificate=None):
    previous = selectors.latest_revision(agreement)
    number = previous.number + 1 if previous else 0
    revision = DocumentRevision(
        agreement=agreement,
        number=number,
        kind=kind,
        slot=slot,
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        channel=channel,
        added_by=actor,
        added_at=timezone.now(),
        certificate=certificate,
        signer_name=verdict.signer_name[:300] if verdict else "",
        signed_at=verdict.signed_at if verdict else None,
        checks=verdict.details if verdict else {},
    )
    revision.file.save(f"giao-uoc-{agreement.pk}-{number:02d}.pdf", ContentFile(data), save=False)
    revision.save()
    return revision


def closing_store(agreement, final, record):
    """In the sealing's transaction: the closing revision and the signing record."""
    revision = store(
        agreement,
        final,
        kind=DocumentRevision.Kind.CLOSING,
        channel=DocumentRevision.Channel.APPLICATION,
        actor=None,
        slot=SignatureSlot.objects.get(agreement=agreement, kind=SignatureSlot.Kind.CLOSING),
    )
    signing_record = SigningRecord(
        agreement=agreement, sha256=hashlib.sha256(record).hexdigest(), size=len(record)
    )
    signing_record.file.save(f"thong-tin-ky-so-{agreement.pk}.pdf", ContentFile(record), save=False)
    signing_record.save()
    return revision
