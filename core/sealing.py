"""Sealing: one invisible PAdES signature over finished PDF bytes, and its verification.

`seal_pdf` signs with the organisation's certificate (PKCS#12 from settings), adding an
RFC 3161 timestamp (PAdES B-T) when SEAL_TIMESTAMP_URL is set. `verify_sealed_pdf` answers
whether bytes are a document sealed that way and untouched since: it never raises, whatever
it is given. With a timeout, parsing runs in a separate, memory-capped process of lower priority
that is killed when it takes too long (uploads from the public verification page); `over_bounds`
refuses a file that holds too much before anything parses it.

Appending pages or drawing on pages after the seal invalidates it: render the complete final
document first, then seal once.
"""

import asyncio
import concurrent.futures
import datetime
import functools
import hashlib
import io
import json
import math
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext_lazy as _

from core import pdfparse

PDF_MAGIC = b"%PDF-"
# Seconds and bytes a verification in a separate process may use.
WORKER_MEMORY_BYTES = 1024 * 1024 * 1024
WORKER_NICENESS = 10

# Why a file is not an authentic sealed document (codes -> messages shown to people).
REASONS = {
    "empty": _("The file is empty."),
    "too_large": _("The file is too large to be checked."),
    "not_pdf": _("The file is not a PDF document."),
    "malformed": _("The PDF file is damaged or malformed and cannot be read."),
    "no_signature": _("The document carries no digital signature."),
    "several_signatures": _(
        "The document carries more than one digital signature: a document sealed by this "
        "system carries exactly one."
    ),
    "not_whole_file": _(
        "The signature does not cover the whole file: the document was changed, re-saved or "
        "had content appended after it was sealed."
    ),
    "tampered": _(
        "The signed content does not match the signature: the document was altered after "
        "it was sealed."
    ),
    "invalid": _("The digital signature is not cryptographically valid."),
    "untrusted": _(
        "The signing certificate is not one this system trusts: the document was not sealed "
        "by this system."
    ),
    "timestamp_invalid": _("The signature's timestamp cannot be verified."),
    "unreadable_signature": _("The digital signature cannot be read."),
    "timeout": _("Checking the file took too long; it was abandoned."),
    "too_many_revisions": _(
        "The file holds more revisions than any agreement of this system; it was not checked."
    ),
    "too_many_objects": _(
        "The file holds more objects than any agreement of this system; it was not checked."
    ),
    "too_many_signatures": _(
        "The file holds more signatures than any agreement of this system; it was not checked."
    ),
    "error": _("The file could not be checked."),
}


@dataclass(frozen=True)
class SealCheck:
    """The outcome of checking a PDF's seal: what holds, and why not when it does not."""

    intact: bool = False
    valid: bool = False
    trusted: bool = False
    covers_whole_file: bool = False
    signature_count: int = 0
    signer: str = ""
    signed_at: datetime.datetime | None = None
    timestamped: bool = False
    field_name: str = ""
    signature_reason: str = ""
    sha256: str = ""
    codes: tuple = field(default_factory=tuple)

    @property
    def authentic(self):
        """One signature, cryptographically intact and valid, trusted, covering every byte."""
        return (
            not self.codes
            and self.signature_count == 1
            and self.intact
            and self.valid
            and self.trusted
            and self.covers_whole_file
        )

    @property
    def reasons(self):
        """Human-readable (translatable) reasons why the file is not authentic."""
        return [REASONS.get(code, REASONS["error"]) for code in self.codes]

    def as_dict(self):
        data = {name: getattr(self, name) for name in self.__dataclass_fields__}
        data["signed_at"] = self.signed_at.isoformat() if self.signed_at else None
        data["codes"] = list(self.codes)
        return data

    @classmethod
    def from_dict(cls, data):
        data = dict(data)
        known = set(cls.__dataclass_fields__)
        data = {k: v for k, v in data.items() if k in known}
        if data.get("signed_at"):
            data["signed_at"] = datetime.datetime.fromisoformat(data["signed_at"])
        data["codes"] = tuple(data.get("codes") or ())
        return cls(**data)


def revision_count_bound(data):
    """A cheap count of the revisions the bytes could hold (a filter, never a reason to accept):
    each revision ends with %%EOF and, after the first, names its predecessor (/Prev, or an xref
    table's keyword, which cannot be escaped as a name can)."""
    return max(
        data.count(b"%%EOF"),
        data.count(b"startxref"),
        data.count(b"/Prev"),
        data.count(b"xref") - data.count(b"startxref"),
    )


@dataclass(frozen=True)
class Bounds:
    """How much a file may hold before anything parses it (counted on its bytes)."""

    max_bytes: int
    max_revisions: int
    max_objects: int
    max_signatures: int


def over_bounds(pdf_bytes, bounds):
    """The code of the first bound `pdf_bytes` exceeds, or "" (a few scans of the bytes).

    Every count is an upper bound of what a parser would find (an object is closed by
    `endobj`, a signature or timestamp needs a `/ByteRange`), so a file within them may still be
    refused later, and a file over them is refused before any parsing.
    """
    if len(pdf_bytes) > bounds.max_bytes:
        return "too_large"
    if revision_count_bound(pdf_bytes) > bounds.max_revisions:
        return "too_many_revisions"
    if pdf_bytes.count(b"/ByteRange") > bounds.max_signatures:
        return "too_many_signatures"
    if max(pdf_bytes.count(b"endobj"), pdf_bytes.count(b"/ObjStm")) > bounds.max_objects:
        return "too_many_objects"
    return ""


class SealingError(Exception):
    """The seal could not be applied (missing or unreadable key, signing failure)."""


def outside_event_loop(function, *args):
    """Call `function`, in a worker thread if this thread already runs an event loop.

    pyHanko's synchronous API calls asyncio.run(), which refuses to run inside a running
    loop (an ASGI request, or a thread where sync Playwright keeps its loop).
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return function(*args)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(function, *args).result()


# --- sealing -------------------------------------------------------------------------------


def _load_signer(pkcs12_path, password):
    path = Path(pkcs12_path)
    if not path.is_file():
        raise SealingError(f"The sealing certificate {path} does not exist.")
    stat = path.stat()
    return _signer_from_file(str(path), stat.st_mtime_ns, stat.st_size, password)


@functools.lru_cache(maxsize=4)
def _signer_from_file(path, _mtime_ns, _size, password):
    """The signer of a PKCS#12 file, loaded once per process and file version.

    Decoding the key costs about 0.2 s, most of a seal's time; a replaced certificate file (a new
    modification time or size) is loaded afresh. Failures are not cached.
    """
    from pyhanko.sign import signers

    try:
        signer = signers.SimpleSigner.load_pkcs12(
            path, passphrase=password.encode() if password else None
        )
    except Exception as error:  # pyHanko raises many kinds here
        raise SealingError(f"The sealing certificate {path} cannot be loaded: {error}") from error
    if signer is None:
        raise SealingError(f"The sealing certificate {path} cannot be loaded.")
    return signer


def organisation_signer():
    """The organisation's sealing signer (SEAL_PKCS12_PATH), loaded once per process."""
    from django.conf import settings

    return _load_signer(settings.SEAL_PKCS12_PATH, settings.SEAL_PKCS12_PASSWORD)


def claim_producer(writer):
    """Name pyHanko alone as the Producer in the document information of the revision `writer`
    adds, as pyHanko writes it in the XMP metadata: a PDF/A file's two must agree, and pyHanko
    would otherwise append itself to WeasyPrint's name in one and not in the other."""
    from pyhanko.pdf_utils.generic import TextStringObject
    from pyhanko.pdf_utils.metadata.model import VENDOR

    info_ref = writer.trailer_view.raw_get("/Info")
    info_ref.get_object()["/Producer"] = TextStringObject(VENDOR)
    writer.mark_update(info_ref)


def seal_pdf(pdf_bytes, *, reason, location="", field_name="Seal"):
    """Return `pdf_bytes` with one invisible PAdES signature by the organisation appended."""
    from django.conf import settings
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from pyhanko.sign.timestamps import HTTPTimeStamper

    signer = _load_signer(settings.SEAL_PKCS12_PATH, settings.SEAL_PKCS12_PASSWORD)
    timestamper = (
        HTTPTimeStamper(settings.SEAL_TIMESTAMP_URL, timeout=30)
        if settings.SEAL_TIMESTAMP_URL
        else None
    )
    metadata = signers.PdfSignatureMetadata(
        field_name=field_name,
        reason=reason,
        location=location or None,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
    )
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf_bytes), strict=False)
        claim_producer(writer)
        pdf_signer = signers.PdfSigner(metadata, signer=signer, timestamper=timestamper)
        output = outside_event_loop(pdf_signer.sign_pdf, writer)
    except Exception as error:
        raise SealingError(f"The document could not be sealed: {error}") from error
    return output.getvalue()


# --- verification --------------------------------------------------------------------------


def _common_name(cert):
    try:
        return cert.subject.native.get("common_name") or cert.subject.human_friendly
    except Exception:
        return ""


def _check(pdf_bytes, trust_root_paths, max_bytes):
    """Check `pdf_bytes` in this process (pure pyHanko, no Django): return a SealCheck."""
    sha256 = hashlib.sha256(pdf_bytes).hexdigest() if pdf_bytes else ""
    if not pdf_bytes:
        return SealCheck(codes=("empty",))
    if max_bytes and len(pdf_bytes) > max_bytes:
        return SealCheck(sha256=sha256, codes=("too_large",))
    if PDF_MAGIC not in pdf_bytes[:1024]:
        return SealCheck(sha256=sha256, codes=("not_pdf",))

    from pyhanko.keys import load_cert_from_pemder
    from pyhanko.pdf_utils.reader import PdfFileReader

    pdfparse.install()
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    try:
        reader = PdfFileReader(io.BytesIO(pdf_bytes), strict=False)
        signatures = list(reader.embedded_signatures)
    except Exception:
        return SealCheck(sha256=sha256, codes=("malformed",))
    if not signatures:
        return SealCheck(sha256=sha256, codes=("no_signature",))

    codes = []
    if len(signatures) > 1:
        codes.append("several_signatures")
    signature = signatures[0]
    try:
        roots = [load_cert_from_pemder(str(p)) for p in trust_root_paths]
        context = ValidationContext(trust_roots=roots, allow_fetching=False)
        status = outside_event_loop(validate_pdf_signature, signature, context)
    except Exception:
        return SealCheck(
            sha256=sha256,
            signature_count=len(signatures),
            codes=(*codes, "unreadable_signature"),
        )

    covers = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    timestamp = status.timestamp_validity
    if not covers:
        codes.append("not_whole_file")
    if not status.intact:
        codes.append("tampered")
    elif not status.valid:
        codes.append("invalid")
    elif not status.trusted:
        codes.append("untrusted")
    if timestamp is not None and not (timestamp.intact and timestamp.valid and timestamp.trusted):
        codes.append("timestamp_invalid")
    signed_at = timestamp.timestamp if timestamp is not None else status.signer_reported_dt
    try:
        signature_reason = str(signature.sig_object.get("/Reason", "") or "")
    except Exception:
        signature_reason = ""
    return SealCheck(
        intact=bool(status.intact),
        valid=bool(status.valid),
        trusted=bool(status.trusted),
        covers_whole_file=covers,
        signature_count=len(signatures),
        signer=_common_name(status.signing_cert),
        signed_at=signed_at,
        timestamped=timestamp is not None,
        field_name=signature.field_name or "",
        signature_reason=signature_reason,
        sha256=sha256,
        codes=tuple(codes),
    )


def _check_in_worker(pdf_bytes, trust_root_paths, max_bytes, timeout):
    from django.conf import settings

    command = [sys.executable, "-m", "core.sealing", str(max_bytes or 0), str(math.ceil(timeout))]
    command += [str(p) for p in trust_root_paths]
    try:
        completed = subprocess.run(
            command,
            input=pdf_bytes,
            capture_output=True,
            timeout=timeout,
            cwd=settings.BASE_DIR,
            check=False,
        )
        if completed.returncode != 0:
            return SealCheck(
                sha256=hashlib.sha256(pdf_bytes).hexdigest(),
                codes=("malformed",),
            )
        return SealCheck.from_dict(json.loads(completed.stdout))
    except subprocess.TimeoutExpired:
        return SealCheck(sha256=hashlib.sha256(pdf_bytes).hexdigest(), codes=("timeout",))
    except (OSError, ValueError, TypeError):
        return SealCheck(sha256=hashlib.sha256(pdf_bytes).hexdigest(), codes=("error",))


def verify_sealed_pdf(pdf_bytes, *, trust_roots=None, max_bytes=None, timeout=None):
    """Check whether `pdf_bytes` is a document sealed by this system and untouched since.

    Never raises. With `timeout` (seconds), the file is parsed in a separate process that is
    killed after that long and cannot use more than WORKER_MEMORY_BYTES of memory.
    """
    from django.conf import settings

    trust_roots = list(trust_roots if trust_roots is not None else settings.SEAL_TRUST_ROOTS)
    pdf_bytes = bytes(pdf_bytes or b"")
    if timeout:
        return _check_in_worker(pdf_bytes, trust_roots, max_bytes, timeout)
    try:
        return _check(pdf_bytes, trust_roots, max_bytes)
    except Exception:
        return SealCheck(
            sha256=hashlib.sha256(pdf_bytes).hexdigest() if pdf_bytes else "", codes=("error",)
        )


def _worker_main(argv):
    """Entry point of the verification process: PDF on stdin, JSON on stdout."""
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (WORKER_MEMORY_BYTES, WORKER_MEMORY_BYTES))
    max_bytes, cpu_seconds = int(argv[0]), int(argv[1])
    # Below the pages in the scheduler's eyes, and never more CPU than the time it is given.
    os.nice(WORKER_NICENESS)
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds + 1, cpu_seconds + 1))
    pdf_bytes = sys.stdin.buffer.read()
    try:
        result = _check(pdf_bytes, argv[2:], max_bytes)
    except Exception:
        result = SealCheck(sha256=hashlib.sha256(pdf_bytes).hexdigest(), codes=("error",))
    sys.stdout.write(json.dumps(result.as_dict()))
    return 0


if __name__ == "__main__":
    sys.exit(_worker_main(sys.argv[1:]))
