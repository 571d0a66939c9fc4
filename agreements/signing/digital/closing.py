"""Closing a digitally signed agreement: after the last signature, the application adds its
closing signature over the final revision — a document timestamp with every signature's
validation data (PAdES B-LTA) when a timestamp server is configured, otherwise its own seal —
and issues the signing record as a separate document it seals itself."""

import hashlib

from django.conf import settings
from django.utils import timezone

from agreements import document
from agreements.signing import selectors as signing_selectors
from agreements.signing.digital import pdf, selectors
from agreements.signing.digital.models import DocumentRevision, SignatureSlot
from agreements.signing.models import Signature
from core import sealing
from core.documents import render_pdf, vn_date

RECORD_TEMPLATE = "documents/digital_signing_record.html"
KIND_NAMES = {
    SignatureSlot.Kind.PERSONAL: "Chữ ký số của Chủ tịch",
    SignatureSlot.Kind.ORGANISATION: "Chữ ký số của cơ quan, tổ chức",
}


def _time(value):
    if value is None:
        return ""
    local = timezone.localtime(value)
    return f"{local:%H:%M} {vn_date(local)}"


def close_file(agreement):
    """The final file: the latest revision with the closing signature added (not stored)."""
    latest = selectors.latest_revision(agreement)
    data = selectors.read_revision(latest)
    vc = pdf.validation_context()
    if settings.SEAL_TIMESTAMP_URL:
        closed = pdf.close_with_timestamp(data, "KetThuc", settings.SEAL_TIMESTAMP_URL, vc)
    else:
        closed = pdf.close_with_seal(
            data,
            "KetThuc",
            sealing.organisation_signer(),
            reason="Kết thúc việc ký số giao ước thi đua",
            location=agreement.place or "",
        )
    found = pdf.read_signatures(closed, vc)
    broken = [f.field_name for f in found if not (f.intact and f.valid)]
    if broken:
        raise ValueError(f"closing broke signatures: {broken}")
    return closed


def record_context(agreement, seal, final_sha256, verification_url, qr_code):
    """The signing record: every digital signature in order, other signatures, closure."""
    context = document.agreement_document_context(agreement)
    rows = []
    for row in selectors.slot_rows(agreement):
        slot, revision = row.slot, row.revision
        if slot.kind == SignatureSlot.Kind.CLOSING or revision is None:
            continue
        rows.append(
            {
                "unit": slot.unit.name if slot.unit else "",
                "kind": KIND_NAMES[slot.kind],
                "signer": revision.signer_name,
                "issuer": revision.certificate.issuer_name if revision.certificate else "",
                "fingerprint": revision.certificate.sha256 if revision.certificate else "",
                "time": _time(revision.signed_at or revision.added_at),
                "note": f"Lần cập nhật {revision.number}, SHA-256 {revision.sha256}",
            }
        )
    for signing in signing_selectors.signing_rows(agreement):
        signature = signing.signature
        if signature is None or signature.method == Signature.Method.DIGITAL:
            continue
        note = "chữ ký điện tử, không phải chữ ký số"
        if signature.is_paper:
            note = (
                f"Ký bản giấy tại hội nghị, bản quét SHA-256 {signature.paper.scan_sha256}; "
                f"{signature.paper.record_note}"
            )
        rows.append(
            {
                "unit": signature.unit_name,
                "kind": "Chữ ký điện tử" if not signature.is_paper else "Bản giấy",
                "signer": f"{signature.signer_name}, {signature.signer_position}",
                "time": _time(signature.signed_at),
                "note": note,
            }
        )
    closure = getattr(agreement, "signing_closure", None)
    revisions = DocumentRevision.objects.filter(agreement=agreement).count()
    context.update(
        {
            "title": "THÔNG TIN KÝ SỐ VĂN BẢN",
            "subtitle": f"(Kèm theo {context['title']})",
            "agreement_title": context["title"],
            "rows": rows,
            "closure": closure,
            "closure_date": vn_date(closure.closed_at) if closure else "",
            "final_sha256": final_sha256,
            "revisions": revisions,
            "closing_sentence": (
                "Tệp giao ước mang chữ ký số của từng Chủ tịch và từng cơ quan, tổ chức nêu trên; "
                "hệ thống Thi đua chỉ thêm chữ ký kết thúc (dấu thời gian hoặc con dấu điện tử của "
                "hệ thống) sau chữ ký cuối cùng, không thay đổi nội dung và không làm mất hiệu lực "
                "chữ ký nào."
            ),
            "verification_code": seal.verification_code,
            "verification_url": verification_url,
            "qr_code": qr_code,
            "adopted_at": _time(agreement.adopted_at),
            "is_draft": False,
        }
    )
    return context


def render_record(agreement, seal, final_sha256, verification_url, qr_code):
    pdf_bytes = render_pdf(
        RECORD_TEMPLATE, record_context(agreement, seal, final_sha256, verification_url, qr_code)
    )
    return sealing.seal_pdf(
        pdf_bytes,
        reason=f"Thông tin ký số giao ước — mã xác thực {seal.verification_code}",
        location=agreement.place or "",
        field_name="ThiDuaSeal",
    )


def sha256(data):
    return hashlib.sha256(data).hexdigest()
