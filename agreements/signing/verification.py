"""Is this file an authentic sealed agreement of this system? For the public page and the command.

Authentic means all of: the file carries exactly one PAdES signature, cryptographically intact
and valid, by a certificate this system trusts, covering every byte of the file; and the file
is, byte for byte, a sealed document this system stored (its SHA-256 is on record).
"""

import hashlib
from dataclasses import dataclass, field

from django.core.cache import cache
from django.utils.translation import gettext_lazy as _

from agreements.signing.digital import pdf as digital_pdf
from agreements.signing.digital.models import SignatureSlot
from agreements.signing.models import Seal
from core import sealing

# Uploads on the public page: size, parse time and how often one address may try.
MAX_BYTES = 20 * 1024 * 1024
PARSE_SECONDS = 20
RATE_LIMIT = 10
RATE_WINDOW_SECONDS = 600

NOT_ON_RECORD = _(
    "The signature is genuine, but this exact file is not a sealed document on record in this "
    "system."
)
OTHER_AGREEMENT = _(
    "This file is an authentic sealed document of this system, but of another agreement than the "
    "one on this page."
)


@dataclass
class Signed:
    """One signature of a digitally signed agreement, as the verification page lists it."""

    found: object
    unit: str = ""
    kind: str = ""

    @property
    def verdict(self):
        f = self.found
        if f.problem or not (f.intact and f.valid):
            return "broken"
        if f.revocation == "revoked":
            return "revoked"
        if not f.trusted:
            return "not_checked" if f.revocation == "not_checked" else "untrusted"
        if f.changes_after == "other":
            return "changed_after"
        return "valid"


@dataclass
class Verification:
    """The answer given about one file."""

    check: sealing.SealCheck
    seal: Seal | None = None
    reasons: list = field(default_factory=list)
    signatures: list = field(default_factory=list)  # digitally signed agreements: every one

    @property
    def digital(self):
        return bool(self.signatures)

    @property
    def authentic(self):
        if self.digital:
            return (
                self.seal is not None
                and not self.reasons
                and all(s.verdict == "valid" for s in self.signatures)
            )
        return self.check.authentic and self.seal is not None and not self.reasons

    @property
    def agreement(self):
        return self.seal.agreement if self.seal is not None else None

    @property
    def intact(self):
        return self.check.intact

    @property
    def valid(self):
        return self.check.valid and self.check.trusted


KIND_LABELS = {
    SignatureSlot.Kind.PERSONAL: _("Chair (personal)"),
    SignatureSlot.Kind.ORGANISATION: _("Organisation"),
    SignatureSlot.Kind.CLOSING: _("Closing (the application)"),
}
BROKEN = _("A signature does not hold, or the file was changed after it.")


def digital_signatures(data, agreement):
    """Every signature of a digitally signed agreement's file, named after its field's unit."""
    slots = {
        s.name: s for s in SignatureSlot.objects.filter(agreement=agreement).select_related("unit")
    }
    listed = []
    for found in digital_pdf.read_signatures(data, digital_pdf.validation_context()):
        slot = slots.get(found.field_name)
        listed.append(
            Signed(
                found=found,
                unit=slot.unit.name if slot and slot.unit else "",
                kind=KIND_LABELS.get(slot.kind, "") if slot else "",
            )
        )
    return listed


def _verify_digital(data, seal, expected):
    check = sealing.SealCheck(sha256=hashlib.sha256(data).hexdigest())
    try:
        listed = digital_signatures(data, seal.agreement)
    except ValueError:
        return Verification(check=check, reasons=[sealing.REASONS["too_large"]])
    reasons = [BROKEN] if any(s.verdict != "valid" for s in listed) else []
    if expected is not None and seal.pk != expected.pk:
        reasons.append(OTHER_AGREEMENT)
    return Verification(check=check, seal=seal, reasons=reasons, signatures=listed)


def verify_bytes(data, *, expected=None, timeout=None):
    """Check `data`; with `expected` (a Seal), also that it is that agreement's document."""
    if len(data) <= MAX_BYTES:
        on_record = (
            Seal.objects.filter(sha256=hashlib.sha256(data).hexdigest(), status=Seal.Status.SEALED)
            .select_related("agreement__cluster_year__cluster")
            .first()
        )
        if on_record is not None and on_record.agreement.signature_slots.exists():
            return _verify_digital(data, on_record, expected)
    check = sealing.verify_sealed_pdf(data, max_bytes=MAX_BYTES, timeout=timeout)
    reasons = list(check.reasons)
    seal = None
    if check.sha256 and check.codes != ("too_large",):
        seal = (
            Seal.objects.filter(sha256=check.sha256, status=Seal.Status.SEALED)
            .select_related("agreement__cluster_year__cluster")
            .first()
        )
    if check.authentic and seal is None:
        reasons.append(NOT_ON_RECORD)
    if seal is not None and not check.authentic:
        seal = None  # the hash matched but the signature did not hold: say nothing about it
    if seal is not None and expected is not None and seal.pk != expected.pk:
        reasons.append(OTHER_AGREEMENT)
    return Verification(check=check, seal=seal, reasons=reasons)


def verify_upload(upload, *, expected=None):
    """Check an uploaded file (at most MAX_BYTES, parsed in a time-limited process)."""
    if upload.size is not None and upload.size > MAX_BYTES:
        return Verification(
            check=sealing.SealCheck(codes=("too_large",)), reasons=[sealing.REASONS["too_large"]]
        )
    upload.seek(0)
    data = upload.read(MAX_BYTES + 1)
    return verify_bytes(data, expected=expected, timeout=PARSE_SECONDS)


def allow_attempt(client_address):
    """Count one verification upload for the address; False once it made too many lately."""
    key = f"verify-upload:{client_address or 'unknown'}"
    if cache.add(key, 1, RATE_WINDOW_SECONDS):
        return True
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, RATE_WINDOW_SECONDS)
        return True
    return count <= RATE_LIMIT
