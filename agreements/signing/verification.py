"""Is this file an authentic sealed agreement of this system? For the public page and the command.

Authentic means all of: the file carries exactly one PAdES signature, cryptographically intact
and valid, by a certificate this system trusts, covering every byte of the file; and the file
is, byte for byte, a sealed document this system stored (its SHA-256 is on record).
"""

from dataclasses import dataclass, field

from django.core.cache import cache
from django.utils.translation import gettext_lazy as _

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
class Verification:
    """The answer given about one file."""

    check: sealing.SealCheck
    seal: Seal | None = None
    reasons: list = field(default_factory=list)

    @property
    def authentic(self):
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


def verify_bytes(data, *, expected=None, timeout=None):
    """Check `data`; with `expected` (a Seal), also that it is that agreement's document."""
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
