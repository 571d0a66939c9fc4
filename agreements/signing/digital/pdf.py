"""The PDF side of digital signing (pyHanko): empty fields, appearances, signing with a key held
here or with a signature made elsewhere, the checks of a new revision, the closing, and reading
every signature back. Nothing here touches the database.
"""

import asyncio
import base64
import functools
import hashlib
import io
import logging
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path

from asn1crypto import cms, pem
from asn1crypto import x509 as asn1_x509
from django.conf import settings
from django.utils.translation import gettext as _
from fontTools.ttLib import TTFont
from fontTools.ttLib.scaleUpem import scale_upem
from PIL import Image
from pyhanko.pdf_utils.font.opentype import GlyphAccumulator, GlyphAccumulatorFactory
from pyhanko.pdf_utils.generic import TextStringObject
from pyhanko.pdf_utils.images import PdfImage
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.layout import AxisAlignment, Margins, SimpleBoxLayoutRule
from pyhanko.pdf_utils.metadata.model import VENDOR
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.sign import fields as sig_fields
from pyhanko.sign import signers
from pyhanko.sign.diff_analysis import DEFAULT_DIFF_POLICY, ModificationLevel
from pyhanko.sign.diff_analysis.policy_api import SuspiciousModification
from pyhanko.sign.fields import SigFieldSpec, SigSeedSubFilter
from pyhanko.sign.signers.pdf_byterange import PreparedByteRangeDigest
from pyhanko.sign.signers.pdf_signer import PdfTBSDocument, TimestampDSSContentSettings
from pyhanko.sign.timestamps import HTTPTimeStamper
from pyhanko.sign.validation import validate_pdf_signature, validate_pdf_timestamp
from pyhanko.sign.validation.dss import DocumentSecurityStore, collect_validation_info
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko.sign.validation.settings import KeyUsageConstraints
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko.stamp import TextStampStyle
from pyhanko_certvalidator import CertificateValidator, ValidationContext
from pyhanko_certvalidator.errors import InsufficientRevinfoError, PathValidationError, RevokedError
from pyhanko_certvalidator.fetchers.requests_fetchers import RequestsFetcherBackend
from pyhanko_certvalidator.registry import SimpleCertificateStore

from core import pdfparse, sealing
from core.sealing import outside_event_loop

logger = logging.getLogger(__name__)
pdfparse.install()  # pyHanko reads the signatures' hex strings in one slice, not byte by byte
for name in ("fontTools.subset", "pyhanko", "pyhanko_certvalidator"):
    logging.getLogger(name).setLevel(logging.ERROR)  # statuses are recorded; no tracebacks

# Either key usage will do: real signing certificates carry one or both.
KEY_USAGE = KeyUsageConstraints(
    key_usage={"non_repudiation", "digital_signature"}, match_all_key_usages=False
)
# What a signed agreement may weigh, and what one signature's revision may add (a signature is
# 25–80 KB; a provider may add its validation data in a second revision).
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_ADDED_BYTES = 1024 * 1024
MAX_NEW_REVISIONS = 2
# Our files have ~2 revisions per unit plus the prepared and closing ones: 16 units fit easily.
MAX_REVISIONS = 48
SEAL_SIZE_MM = 32
FONT = Path("/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf")


def _no_running_loop(function):
    """pyHanko's synchronous calls run their own event loop: never inside a running one."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        return outside_event_loop(functools.partial(function, *args, **kwargs))

    return wrapper


# --- trust ---------------------------------------------------------------------------------


def _certificates(paths):
    found = []
    for path in paths:
        data = Path(path).read_bytes()
        for _kind, _headers, der in (
            pem.unarmor(data, multiple=True) if pem.detect(data) else [(None, None, data)]
        ):
            found.append(asn1_x509.Certificate.load(der))
    return found


@lru_cache(maxsize=4)
def _trust(paths):
    certificates = _certificates(paths)
    roots = [c for c in certificates if c.self_signed == "maybe" or c.self_signed == "yes"]
    return roots, [c for c in certificates if c not in roots]


def trust_anchors():
    """The roots verifiers trust (SIGNATURE_TRUST_ROOTS) and any intermediates listed with them."""
    return _trust(tuple(str(p) for p in settings.SIGNATURE_TRUST_ROOTS))


def validation_context(*, fetch=True):
    """Validation against the configured roots; revocation checked online, and a signature whose
    revocation cannot be checked is not called valid ("hard-fail")."""
    roots, intermediates = trust_anchors()
    return ValidationContext(
        trust_roots=roots,
        other_certs=intermediates,
        allow_fetching=fetch,
        fetcher_backend=RequestsFetcherBackend(per_request_timeout=5) if fetch else None,
        revocation_mode="hard-fail",
    )


def fingerprint(certificate):
    return hashlib.sha256(certificate.dump()).hexdigest()


def common_name(name):
    return name.native.get("common_name", "") or name.human_friendly


# --- the prepared document ------------------------------------------------------------------


@dataclass(frozen=True)
class FieldSpec:
    name: str
    page: int = 0
    box: tuple | None = None  # (x1, y1, x2, y2) in points from the bottom left; None: invisible


def field_boxes(document, ids):
    """{element id: (page, (x1, y1, x2, y2))} of a rendered WeasyPrint document's elements, in
    PDF points with the origin at the bottom left (the boxes the fields are drawn in)."""
    found = {}
    for index, page in enumerate(document.pages):
        height = page.height * 0.75  # CSS px → pt
        for box in page._page_box.descendants():  # noqa: SLF001  (WeasyPrint's layout tree)
            element = getattr(box, "element", None)
            key = element.get("id") if element is not None else None
            if key in ids and key not in found:
                x, y = box.border_box_x() * 0.75, box.border_box_y() * 0.75
                w, h = box.border_width() * 0.75, box.border_height() * 0.75
                found[key] = (
                    index,
                    (round(x), round(height - y - h), round(x + w), round(height - y)),
                )
    return found


def add_fields(pdf, specs):
    """The rendered document with one empty signature field per spec, in one incremental update.

    The fields exist before anybody signs (a signing service then cannot pick its own), the
    signature flags are set now (the first signature would otherwise change them), and the
    document's Producer is pyHanko's from here on, so that the Info and XMP Producers agree in
    every later revision (PDF/A).
    """
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    for spec in specs:
        sig_fields.append_signature_field(
            writer,
            SigFieldSpec(spec.name, on_page=spec.page, box=spec.box, readable_field_name=spec.name),
        )
    sig_fields.ensure_sig_flags(writer, lock_sig_flags=True)
    info_ref = writer.trailer_view.raw_get("/Info")
    info = info_ref.get_object()
    info["/Producer"] = TextStringObject(VENDOR)
    writer.mark_update(info_ref)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# --- appearances ---------------------------------------------------------------------------


@lru_cache(maxsize=1)
def stamp_font():
    """Liberation Serif at 1000 units per em, in memory: pyHanko writes glyph widths in font
    units, and at the file's 2048 the letters would come out twice as far apart."""
    font = TTFont(str(FONT))
    scale_upem(font, 1000)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


@dataclass(frozen=True)
class _MemoryFont(GlyphAccumulatorFactory):
    """pyHanko's font factory, reading the font from memory (its own opens a file it never
    closes)."""

    def create_font_engine(self, writer, obj_stream=None):
        if obj_stream is None and writer.stream_xrefs and self.create_objstream_if_needed:
            obj_stream = writer.prepare_object_stream()
        return GlyphAccumulator(
            writer=writer,
            font_handle=io.BytesIO(stamp_font()),
            font_size=self.font_size,
            obj_stream=obj_stream,
        )


def stamp_style(image_png, lines, *, size=7):
    """An appearance: the image (a signature or a seal) with lines of text under it.

    `lines` are literal text; pyHanko's own placeholders are not used (the signing time is put
    in by the caller, in Vietnam's time).
    """
    text = "\n".join(line.replace("%", "%%") for line in lines)
    font = _MemoryFont("", font_size=size)
    return TextStampStyle(
        stamp_text=text,
        text_box_style=TextBoxStyle(font=font, font_size=size, leading=size + 1),
        inner_content_layout=SimpleBoxLayoutRule(
            x_align=AxisAlignment.ALIGN_MID,
            y_align=AxisAlignment.ALIGN_MIN,
            margins=Margins(1, 1, 1, 1),
        ),
        background=PdfImage(_pil(image_png)) if image_png else None,
        background_layout=SimpleBoxLayoutRule(
            x_align=AxisAlignment.ALIGN_MID,
            y_align=AxisAlignment.ALIGN_MAX,
            margins=Margins(2, 2, 2, 2 + (size + 1) * len(lines)),
        ),
        background_opacity=1.0,
        border_width=0,
    )


def _pil(png):
    return Image.open(io.BytesIO(png))


def _metadata(field_name, *, reason, location):
    return signers.PdfSignatureMetadata(
        field_name=field_name,
        md_algorithm="sha256",
        subfilter=SigSeedSubFilter.PADES,
        certify=False,  # approval signatures: a certification would forbid the later ones
        reason=reason,
        location=location,
    )


# --- signing -------------------------------------------------------------------------------


@_no_running_loop
def sign(pdf, field_name, signer, style, *, reason, location, timestamp_url=""):
    """Sign an existing empty field with a key held here; return the new file."""
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    pdf_signer = signers.PdfSigner(
        _metadata(field_name, reason=reason, location=location),
        signer=signer,
        stamp_style=style,
        timestamper=HTTPTimeStamper(timestamp_url) if timestamp_url else None,
    )
    return pdf_signer.sign_pdf(writer, existing_fields_only=True).getvalue()


def signer_from_pkcs12(data, password=None):
    return signers.SimpleSigner.load_pkcs12_data(data, other_certs=None, passphrase=password)


def _b64(data):
    return base64.b64encode(data).decode("ascii")


@dataclass
class Prepared:
    """A signature prepared on one revision and signed elsewhere (a remote provider, a token):
    plain data, kept between the two steps. `to_sign` is the SHA-256 the signer signs."""

    field_name: str
    base_sha256: str
    increment: str
    document_digest: str
    start: int
    end: int
    signed_attrs: str
    certificate: str
    chain: list = field(default_factory=list)

    @property
    def to_sign(self):
        return hashlib.sha256(base64.b64decode(self.signed_attrs)).digest()

    def as_dict(self):
        return asdict(self)


@_no_running_loop
def prepare_external(pdf, field_name, certificate, chain, style, *, reason, location):
    """Step 1 of a signature made elsewhere: the field's appearance and the bytes to sign."""
    cert = asn1_x509.Certificate.load(certificate)
    others = [asn1_x509.Certificate.load(c) for c in chain]
    size = cert.public_key.bit_size // 8
    external = signers.ExternalSigner(
        signing_cert=cert,
        cert_registry=SimpleCertificateStore.from_certs(others),
        signature_value=bytes(size),
    )
    pdf_signer = signers.PdfSigner(
        _metadata(field_name, reason=reason, location=location), signer=external, stamp_style=style
    )

    async def digest():
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
        prepared, _tbs, output = await pdf_signer.async_digest_doc_for_signing(
            writer, existing_fields_only=True
        )
        attrs = await external.signed_attrs(prepared.document_digest, "sha256", use_pades=True)
        return prepared, output.getvalue(), attrs

    prepared, output, attrs = asyncio.run(digest())
    return Prepared(
        field_name=field_name,
        base_sha256=hashlib.sha256(pdf).hexdigest(),
        increment=_b64(output[len(pdf) :]),
        document_digest=prepared.document_digest.hex(),
        start=prepared.reserved_region_start,
        end=prepared.reserved_region_end,
        signed_attrs=_b64(attrs.dump()),
        certificate=_b64(certificate),
        chain=[_b64(c) for c in chain],
    )


@_no_running_loop
def finish_external(pdf, prepared, signature_value):
    """Step 2: put the signature made elsewhere into the prepared revision; the new file."""
    if hashlib.sha256(pdf).hexdigest() != prepared.base_sha256:
        raise ValueError("The document changed since the signature was prepared.")
    cert = asn1_x509.Certificate.load(base64.b64decode(prepared.certificate))
    others = [asn1_x509.Certificate.load(base64.b64decode(c)) for c in prepared.chain]
    external = signers.ExternalSigner(
        signing_cert=cert,
        cert_registry=SimpleCertificateStore.from_certs(others),
        signature_value=signature_value,
    )

    async def finish():
        signed = await external.async_sign_prescribed_attributes(
            "sha256", signed_attrs=cms.CMSAttributes.load(base64.b64decode(prepared.signed_attrs))
        )
        output = io.BytesIO(pdf + base64.b64decode(prepared.increment))
        await PdfTBSDocument.async_finish_signing(
            output,
            prepared_digest=PreparedByteRangeDigest(
                bytes.fromhex(prepared.document_digest), prepared.start, prepared.end
            ),
            signature_cms=signed,
        )
        return output.getvalue()

    return asyncio.run(finish())


# --- checking a new revision ---------------------------------------------------------------


@dataclass
class Verdict:
    accepted: bool
    code: str
    message: str
    signer_name: str = ""
    signed_at: object = None
    fingerprint: str = ""
    details: dict = field(default_factory=dict)


def _refused(code, message, **details):
    return Verdict(False, code, message, details=details)


def _revocation_cause(signature, vc):
    validator = CertificateValidator(
        signature.signer_cert,
        intermediate_certs=signature.other_embedded_certs,
        validation_context=vc,
    )
    try:
        asyncio.run(validator.async_validate_usage(set()))
        return "good"
    except RevokedError:
        return "revoked"
    except InsufficientRevinfoError:
        return "not_checked"
    except PathValidationError as error:
        return "untrusted" if "expired" not in str(error).lower() else "expired"


def _signed_fields(reader):
    """{fully qualified name: field} of the filled signature fields, their values unparsed."""
    return {
        name: field_ref
        for name, _value, field_ref in sig_fields.enumerate_sig_fields(reader, filled_status=True)
    }


def _embedded_signature(reader, field_ref, name):
    """The field's signature as pyHanko's embedded_signatures gives it (None if its SubFilter
    is not one of a signature's, which embedded_signatures leaves out too)."""
    value = field_ref.get_object()["/V"].get_object()
    if value.get("/SubFilter") not in {f.value for f in SigSeedSubFilter}:
        return None
    return EmbeddedPdfSignature(reader, field_ref, name)


@_no_running_loop
def check_new_revision(previous, new, *, field_name, fingerprint_expected, vc):
    """Accept `new` as `previous` plus exactly one signature in `field_name`, by the registered
    certificate, changing nothing else; otherwise say why, cheapest checks first."""
    if len(new) > MAX_FILE_BYTES or len(new) - len(previous) > MAX_ADDED_BYTES:
        return _refused("too_large", _("The signed file is larger than a signature can make it."))
    if len(new) <= len(previous) or not new.startswith(previous):
        return _refused(
            "rewritten",
            _(
                "The file was rewritten instead of signed by adding to it: earlier "
                "signatures would break."
            ),
        )
    added = new[len(previous) :]
    if not 1 <= sealing.revision_count_bound(added) <= MAX_NEW_REVISIONS:
        return _refused("too_many_revisions", _("The file holds more changes than one signature."))
    try:
        before = PdfFileReader(io.BytesIO(previous), strict=False)
        reader = PdfFileReader(io.BytesIO(new), strict=False)
        grown = reader.xrefs.total_revisions - before.xrefs.total_revisions
        if not 1 <= grown <= MAX_NEW_REVISIONS:
            return _refused(
                "too_many_revisions", _("The file holds more changes than one signature.")
            )
        # The filled fields by name only: parsing every earlier signature's dictionary (its
        # /Contents, in pure Python) took a third of the acceptance of a twelfth signature.
        earlier = _signed_fields(before)
        filled = _signed_fields(reader)
        new_names = [name for name in filled if name not in earlier]
        if len(new_names) != 1 or len(filled) != len(earlier) + 1:
            return _refused(
                "not_one_signature", _("The file must carry exactly one new signature.")
            )
        if new_names[0] != field_name:
            return _refused(
                "wrong_field",
                _("The signature is in another field (%(found)s) than the one issued (%(field)s).")
                % {"found": new_names[0], "field": field_name},
            )
        signature = _embedded_signature(reader, filled[field_name], field_name)
    except Exception:  # a file pyHanko cannot read is no signature  # noqa: BLE001
        logger.info("Unreadable signed file", exc_info=True)
        return _refused("unreadable", _("The file cannot be read as a signed PDF."))
    if signature is None:
        return _refused("not_one_signature", _("The file must carry exactly one new signature."))
    diff = DEFAULT_DIFF_POLICY.review_file(reader, base_revision=before.xrefs.total_revisions - 1)
    if isinstance(diff, SuspiciousModification) or not (
        diff.modification_level <= ModificationLevel.FORM_FILLING
        and diff.changed_form_fields <= {field_name}
    ):
        return _refused("changed", _("Besides the signature, the file was changed: it is refused."))
    found = fingerprint(signature.signer_cert)
    name = common_name(signature.signer_cert.subject)
    if found != fingerprint_expected:
        return _refused(
            "not_registered",
            _(
                "The certificate of %(name)s is not the one registered for this signer "
                "(same name, another key): it is refused."
            )
            % {"name": name},
            fingerprint=found,
        )
    status = validate_pdf_signature(
        signature, vc, diff_policy=DEFAULT_DIFF_POLICY, key_usage_settings=KEY_USAGE
    )
    if not (status.intact and status.valid):
        return _refused("broken", _("The signature does not match the document."))
    if status.revoked:
        return _refused(
            "revoked", _("The certificate of %(name)s has been revoked.") % {"name": name}
        )
    if not status.trusted:
        cause = _revocation_cause(signature, vc)
        messages = {
            "revoked": _("The certificate of %(name)s has been revoked."),
            "not_checked": _(
                "Whether the certificate of %(name)s is revoked could not be checked now "
                "(its issuer did not answer): try again in a moment."
            ),
            "expired": _("The certificate of %(name)s was not valid at the time of signing."),
        }
        return _refused(
            cause,
            messages.get(
                cause,
                _("The certificate of %(name)s does not chain to a trusted root, or may not sign."),
            )
            % {"name": name},
        )
    if status.coverage != SignatureCoverageLevel.ENTIRE_FILE and not (
        status.modification_level is not None
        and status.modification_level <= ModificationLevel.LTA_UPDATES
    ):
        return _refused("changed", _("Besides the signature, the file was changed: it is refused."))
    return Verdict(
        True,
        "accepted",
        "",
        signer_name=name,
        signed_at=status.signer_reported_dt,
        fingerprint=found,
        details={"revocation": "good", "coverage": status.coverage.name},
    )


# --- closing -------------------------------------------------------------------------------


@_no_running_loop
def close_with_timestamp(pdf, field_name, timestamp_url, vc):
    """Embed every signature's validation data and add a document timestamp: PAdES B-LTA."""

    async def close():
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        writer = IncrementalPdfFileWriter.from_reader(reader)
        for signature in reader.embedded_signatures:
            paths = await collect_validation_info(signature, vc)
            DocumentSecurityStore.supply_dss_in_writer(
                writer, sig_contents=None, paths=paths, validation_context=vc
            )
        out = await signers.PdfTimeStamper(
            HTTPTimeStamper(timestamp_url), field_name=field_name
        ).async_timestamp_pdf(
            writer,
            "sha256",
            validation_context=vc,
            dss_settings=TimestampDSSContentSettings(update_before_ts=True, include_vri=False),
        )
        return out.getvalue()

    return asyncio.run(close())


def close_with_seal(pdf, field_name, signer, *, reason, location):
    """Without a timestamp server: the application's seal in the closing field."""
    return sign(pdf, field_name, signer, None, reason=reason, location=location)


# --- reading back --------------------------------------------------------------------------


@dataclass
class Found:
    """One signature of a file as a verifier reports it."""

    field_name: str
    kind: str  # "signature" or "timestamp"
    signer_name: str = ""
    issuer_name: str = ""
    fingerprint: str = ""
    signed_at: object = None
    intact: bool = False
    valid: bool = False
    trusted: bool = False
    revocation: str = "not_checked"  # good | revoked | not_checked
    changes_after: str = ""  # none | signatures | validation | other
    problem: str = ""


def _changes(level):
    if level is None or level == ModificationLevel.NONE:
        return "none"
    if level <= ModificationLevel.LTA_UPDATES:
        return "validation"
    if level <= ModificationLevel.FORM_FILLING:
        return "signatures"
    return "other"


@_no_running_loop
def read_signatures(pdf, vc):
    """Every signature and document timestamp of the file, in order, with its verdict."""
    if len(pdf) > MAX_FILE_BYTES or sealing.revision_count_bound(pdf) > MAX_REVISIONS:
        raise ValueError("too large")
    reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    if reader.xrefs.total_revisions > MAX_REVISIONS:
        raise ValueError("too many revisions")
    found = []
    for signature in reader.embedded_signatures:
        cert = signature.signer_cert
        item = Found(
            field_name=signature.field_name,
            kind="timestamp" if signature.sig_object_type == "/DocTimeStamp" else "signature",
            signer_name=common_name(cert.subject) if cert else "",
            issuer_name=common_name(cert.issuer) if cert else "",
            fingerprint=fingerprint(cert) if cert else "",
        )
        try:
            if item.kind == "timestamp":
                status = validate_pdf_timestamp(signature, vc, diff_policy=DEFAULT_DIFF_POLICY)
                item.signed_at = status.timestamp
            else:
                status = validate_pdf_signature(
                    signature, vc, diff_policy=DEFAULT_DIFF_POLICY, key_usage_settings=KEY_USAGE
                )
                item.signed_at = status.signer_reported_dt
            item.intact, item.valid, item.trusted = status.intact, status.valid, status.trusted
            item.changes_after = _changes(status.modification_level)
            if getattr(status, "revoked", False):
                item.revocation = "revoked"
            elif status.trusted:
                item.revocation = "good"
            elif item.kind == "signature":
                item.revocation = _revocation_cause(signature, vc)
        except Exception as error:  # noqa: BLE001  (a damaged signature is reported, not raised)
            item.problem = type(error).__name__
        found.append(item)
    return found
