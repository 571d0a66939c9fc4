"""Is this file an authentic sealed agreement of this system? For the public page and the command.

Authentic means all of: the file carries exactly one PAdES signature, cryptographically intact
and valid, by a certificate this system trusts, covering every byte of the file; and the file
is, byte for byte, a sealed document this system stored (its SHA-256 is on record).

The work one file may cost is bounded (settings VERIFY_*): its bytes are counted before any
parsing (size, revisions, objects, signatures) and a file over a bound is refused at once; a file
within them is parsed in a separate process of lower priority with a time limit; the public page
checks at most VERIFY_CONCURRENCY files at once across every app server and answers "busy" to
one more, and each client may try a few times per window (IPv6: per address and per /64).
"""

import contextlib
import hashlib
import ipaddress
import threading
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils.translation import gettext_lazy as _

from agreements.signing.digital import pdf as digital_pdf
from agreements.signing.digital.models import SignatureSlot
from agreements.signing.models import Seal
from core import sealing, throttling

# The first key of the PostgreSQL advisory locks that count the checks running ("th" "vf").
LOCK_NAMESPACE = 0x7468_7666
# Without PostgreSQL (a development database), one check at a time in this process.
_LOCAL_SLOTS = threading.BoundedSemaphore(1)

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


def _read_signatures(data):
    """The file's signatures as a verifier reports them, kept VERIFY_DIGITAL_CACHE_SECONDS.

    Only files on record come here (their SHA-256 is a sealed document's), and checking every
    signature with its revocation takes seconds: the same file uploaded again is answered from
    the cache, so that repeating it cannot keep the checking slot busy.
    """
    seconds = settings.VERIFY_DIGITAL_CACHE_SECONDS
    key = f"verify-digital:{hashlib.sha256(data).hexdigest()}"
    found = cache.get(key) if seconds else None
    if found is None:
        found = digital_pdf.read_signatures(data, digital_pdf.validation_context())
        if seconds:
            cache.set(key, found, seconds)
    return found


def digital_signatures(data, agreement):
    """Every signature of a digitally signed agreement's file, named after its field's unit."""
    slots = {
        s.name: s for s in SignatureSlot.objects.filter(agreement=agreement).select_related("unit")
    }
    listed = []
    for found in _read_signatures(data):
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


def bounds():
    """The limits of settings VERIFY_* on what a file may hold before it is parsed."""
    return sealing.Bounds(
        max_bytes=settings.VERIFY_MAX_BYTES,
        max_revisions=settings.VERIFY_MAX_REVISIONS,
        max_objects=settings.VERIFY_MAX_OBJECTS,
        max_signatures=settings.VERIFY_MAX_SIGNATURES,
    )


def refused(code, data=b""):
    """The answer for a file refused before parsing: why, and nothing else."""
    check = sealing.SealCheck(
        sha256=hashlib.sha256(data).hexdigest() if data else "", codes=(code,)
    )
    return Verification(check=check, reasons=list(check.reasons))


def verify_bytes(data, *, expected=None, timeout=None):
    """Check `data`; with `expected` (a Seal), also that it is that agreement's document.

    A file over the bounds (settings VERIFY_*) is refused before anything parses it.
    """
    over = sealing.over_bounds(data, bounds())
    if over:
        return refused(over, data if over != "too_large" else b"")
    on_record = (
        Seal.objects.filter(sha256=hashlib.sha256(data).hexdigest(), status=Seal.Status.SEALED)
        .select_related("agreement__cluster_year__cluster")
        .first()
    )
    if on_record is not None and on_record.agreement.signature_slots.exists():
        return _verify_digital(data, on_record, expected)
    check = sealing.verify_sealed_pdf(data, max_bytes=settings.VERIFY_MAX_BYTES, timeout=timeout)
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


class Busy(Exception):
    """As many files as VERIFY_CONCURRENCY are being checked already: try again shortly."""


@contextlib.contextmanager
def checking_slot():
    """Hold one of the VERIFY_CONCURRENCY slots for a check, or raise Busy without waiting.

    The slots are PostgreSQL session advisory locks, so that they hold across every worker and
    app server; a worker that dies releases its slot with its connection.
    """
    if connection.vendor != "postgresql":  # a development database: this process only
        if not _LOCAL_SLOTS.acquire(blocking=False):
            raise Busy
        try:
            yield
        finally:
            _LOCAL_SLOTS.release()
        return
    with connection.cursor() as cursor:
        for slot in range(max(1, settings.VERIFY_CONCURRENCY)):
            cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [LOCK_NAMESPACE, slot])
            if cursor.fetchone()[0]:
                break
        else:
            raise Busy
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [LOCK_NAMESPACE, slot])


def verify_upload(upload, *, expected=None):
    """Check an uploaded file for the public page: bounded, time-limited, one slot at a time.

    Raises Busy when every slot is taken; the bounds are checked first, so a file over them is
    refused even then, and without waiting for a slot.
    """
    if upload.size is not None and upload.size > settings.VERIFY_MAX_BYTES:
        return refused("too_large")
    upload.seek(0)
    data = upload.read(settings.VERIFY_MAX_BYTES + 1)
    over = sealing.over_bounds(data, bounds())
    if over:
        return refused(over, data if over != "too_large" else b"")
    with checking_slot():
        return verify_bytes(data, expected=expected, timeout=settings.VERIFY_PARSE_SECONDS)


def _rate_keys(address):
    """The counters an upload from `address` counts under: the address, and an IPv6 one's /64."""
    keys = [(f"verify-upload:{address or 'unknown'}", settings.VERIFY_RATE_LIMIT)]
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return keys
    if ip.version == 6 and ip.ipv4_mapped is None:
        network = ipaddress.ip_network(f"{ip}/64", strict=False)
        keys.append((f"verify-upload-net:{network}", settings.VERIFY_RATE_LIMIT_IPV6_NETWORK))
    return keys


def allow_attempt(client_address):
    """Count one verification upload for the client; False once it made too many lately.

    IPv4 clients are counted per address (a whole office shares one); IPv6 clients per address
    and per /64 network too, since one client may hold a whole /64.
    """
    window = settings.VERIFY_RATE_WINDOW_SECONDS
    allowed = [
        throttling.allow_attempt(key, limit=limit, window_seconds=window)
        for key, limit in _rate_keys(client_address)
    ]
    return all(allowed)
