"""Background work of the agreements: sealing the signed agreement (django.tasks).

The task renders the final document once every member has signed (or the signing was closed):
the agreement with every signature cell filled, then the signing record with the verification
code and its QR code; it applies one PAdES seal and stores the file and its SHA-256. Rendering
and sealing run outside any transaction; a failure leaves the agreement SIGNED with the seal
FAILED (and a retry button). The stored file is never regenerated.
"""

import base64
import hashlib
import io
import logging

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.tasks import task
from django.urls import reverse
from django.utils import timezone

from agreements import document
from agreements.models import Agreement
from agreements.signing import selectors
from agreements.signing.digital import closing, pdf, revisions
from agreements.signing.models import Seal, Signature
from core import sealing
from core.audit import audit_record
from core.documents import render_pdf, vn_date

logger = logging.getLogger(__name__)

TEMPLATE = "documents/signing_record.html"
SEAL_FIELD = "ThiDuaSeal"
SIMPLE_NOTE = "chữ ký điện tử, không phải chữ ký số"
METHOD_NAMES = {
    Signature.Method.DRAWN: f"Ký trực tuyến (chữ ký vẽ tay; {SIMPLE_NOTE})",
    Signature.Method.SAVED: f"Ký trực tuyến (chữ ký đã lưu; {SIMPLE_NOTE})",
    Signature.Method.TYPED: f"Ký trực tuyến (chữ ký theo họ tên; {SIMPLE_NOTE})",
    Signature.Method.DIGITAL: "Chữ ký số của Chủ tịch và của cơ quan, tổ chức",
    Signature.Method.PAPER: selectors.PAPER_NOTE,
}


def verification_url(seal):
    return settings.SITE_URL + reverse("agreements:verify_code", args=[seal.verification_code])


def qr_data_uri(text):
    """A QR code of `text` as a PNG data URI."""
    import qrcode

    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=6, border=2)
    code.add_data(text)
    code.make(fit=True)
    out = io.BytesIO()
    code.make_image().save(out, format="PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode("ascii")


def _time(value):
    local = timezone.localtime(value)
    return f"{local:%H:%M} {vn_date(local)}"


def attests_sentence(agreement, rows, closure):
    """What the seal attests, in one sentence (Vietnamese, as printed)."""
    online = any(r.has_signed and not r.signature.is_paper for r in rows)
    paper = any(r.has_signed and r.signature.is_paper for r in rows)
    ways = []
    if online:
        ways.append("đã đồng ý trực tuyến, vào đúng các thời điểm ghi trên đây")
    if paper:
        ways.append("hoặc đã ký bản giấy tại hội nghị theo bản quét có mã băm đã ghi")
    sentence = (
        f"Chữ ký số của hệ thống Thi đua trên tệp này xác nhận rằng những người có tên trong "
        f"bảng trên {' '.join(ways) or 'đã ký'}, với đúng nội dung giao ước đã thông qua (mã băm "
        f"SHA-256 ghi ở trên), và tệp không bị thay đổi kể từ khi được ký số"
    )
    if closure is not None:
        sentence += "; các đơn vị còn lại không ký, theo lý do kết thúc việc ký đã ghi"
    return sentence + "."


def final_document_context(agreement, seal):
    """The agreement's document context with every signature cell filled, plus the record."""
    rows = selectors.signing_rows(agreement)
    closure = getattr(agreement, "signing_closure", None)
    signed = {}
    for row in rows:
        if row.has_signed:
            s = row.signature
            if s.is_paper:
                note = f"{selectors.PAPER_NOTE} (bản quét SHA-256: {s.paper.scan_sha256[:16]}…)"
                signed[row.unit_id] = {"image": "", "note": note}
            else:
                image = "data:image/png;base64," + base64.b64encode(bytes(s.image)).decode()
                signed[row.unit_id] = {"image": image, "note": f"Đã ký lúc {_time(s.signed_at)}"}
        elif closure is not None:
            signed[row.unit_id] = {"image": "", "note": f"Không ký. {closure.reason}"}
    context = document.agreement_document_context(agreement, signed=signed)
    by_unit = {r.unit_id: r for r in rows}
    for cell in context["signature_cells"]:
        row = by_unit.get(cell["unit_id"])
        if row is not None and row.has_signed:
            # The name and block of the person who actually signed (a vice-chair signs "KT.").
            cell["name"] = row.signature.signer_name
            cell["lines"] = row.signature.signature_block
        elif row is not None and closure is not None:
            cell["name"] = ""  # nobody signed for this unit
    url = verification_url(seal)
    record = []
    for number, row in enumerate(rows, start=1):
        s = row.signature
        record.append(
            {
                "number": number,
                "unit": s.unit_name if s else row.name,
                "signer": f"{s.signer_name}, {s.signer_position}" if s else "",
                "time": _time(s.signed_at) if s else "",
                "method": METHOD_NAMES.get(s.method, "") if s else "Không ký",
                "scan_sha256": s.paper.scan_sha256 if s and s.is_paper else "",
                "paper_note": s.paper.record_note if s and s.is_paper else "",
                # The adopted content's hash is stated once, above the table; a signature's
                # own is printed only if it differed (the signing refuses that today).
                "content_hash": s.content_hash
                if s and s.content_hash != agreement.content_hash
                else "",
            }
        )
    attests = attests_sentence(agreement, rows, closure)
    context.update(
        {
            "record": record,
            "closure": closure,
            "closure_date": vn_date(closure.closed_at) if closure else "",
            "verification_code": seal.verification_code,
            "verification_url": url,
            "qr_code": qr_data_uri(url),
            "attests": attests,
            "record_follows": True,
            "adopted_at": _time(agreement.adopted_at) if agreement.adopted_at else "",
        }
    )
    return context


def render_final_document(agreement, seal):
    return render_pdf(TEMPLATE, final_document_context(agreement, seal))


# --- the pipeline --------------------------------------------------------------------------


def _claim(agreement_pk):
    """Take the pending seal for this run (None when there is nothing to do)."""
    with transaction.atomic():
        seal = (
            Seal.objects.select_for_update(of=("self",))
            .select_related("agreement__cluster_year__cluster__parent")
            .filter(agreement_id=agreement_pk)
            .first()
        )
        if seal is None or seal.status != Seal.Status.PENDING or seal.file:
            return None
        seal.attempts += 1
        seal.error = ""
        seal.save(update_fields=["attempts", "error"])
        return seal


def _fail(seal_pk, error):
    with transaction.atomic():
        seal = Seal.objects.select_for_update().get(pk=seal_pk)
        if seal.status != Seal.Status.PENDING:
            return
        seal.status = Seal.Status.FAILED
        seal.error = f"{type(error).__name__}: {error}"[:4000]
        seal.save(update_fields=["status", "error"])
        audit_record(actor=None, obj=seal, action="seal.fail", after={"error": seal.error[:500]})


def _store(seal_pk, sealed, attests, *, subject=None, record=None):
    """Store the sealed file once; a concurrent run that finished first wins.

    A digitally signed agreement's file comes with its signing record and who closed it.
    """
    with transaction.atomic():
        seal = Seal.objects.select_for_update().get(pk=seal_pk)
        agreement = Agreement.objects.select_for_update().get(pk=seal.agreement_id)
        if seal.status != Seal.Status.PENDING or seal.file:
            return seal
        if subject is None:
            subject = sealing.verify_sealed_pdf(sealed).signer
        seal.file.save("sealed.pdf", ContentFile(sealed), save=False)
        seal.sha256 = hashlib.sha256(sealed).hexdigest()
        seal.size = len(sealed)
        seal.certificate_subject = subject[:300]
        if record is not None:
            revisions.closing_store(agreement, sealed, record)
        seal.attests = attests
        seal.sealed_at = timezone.now()
        seal.status = Seal.Status.SEALED
        seal.save()
        before = agreement.status
        agreement.status = Agreement.Status.SEALED
        agreement.save(update_fields=["status"])
        audit_record(
            actor=None,
            obj=seal,
            action="seal.sealed",
            after={"sha256": seal.sha256, "size": seal.size, "attempts": seal.attempts},
        )
        audit_record(
            actor=None,
            obj=agreement,
            action="agreement.sealed",
            before={"status": before},
            after={"status": agreement.status, "sealed_sha256": seal.sha256},
        )
        return seal


def seal_now(agreement_pk):
    """Render, seal and store the agreement's final document; return the seal's status."""
    seal = _claim(agreement_pk)
    if seal is None:
        return "skipped"
    agreement = seal.agreement
    if agreement.signature_slots.exists():
        return _close_digital(seal, agreement)
    try:
        context = final_document_context(agreement, seal)
        pdf = render_pdf(TEMPLATE, context)
        sealed = sealing.seal_pdf(
            pdf,
            reason=f"Giao ước thi đua đã ký — mã xác thực {seal.verification_code}",
            location=agreement.place or "",
            field_name=SEAL_FIELD,
        )
    except Exception as error:  # any failure leaves a visible, retryable state
        logger.exception("Sealing agreement %s failed", agreement_pk)
        _fail(seal.pk, error)
        return Seal.Status.FAILED
    return _store(seal.pk, sealed, context["attests"]).status


DIGITAL_ATTESTS = (
    "Các chữ ký số trên tệp là của từng Chủ tịch và từng cơ quan, tổ chức ký giao ước; hệ thống "
    "Thi đua chỉ thêm chữ ký kết thúc sau chữ ký cuối cùng."
)


def _close_digital(seal, agreement):
    """Add the closing signature to the digitally signed file and issue its signing record."""
    try:
        final = closing.close_file(agreement)
        url = verification_url(seal)
        record = closing.render_record(
            agreement, seal, hashlib.sha256(final).hexdigest(), url, qr_data_uri(url)
        )
        closer = pdf.read_signatures(final, pdf.validation_context())[-1].signer_name
    except Exception as error:  # a failure leaves a visible, retryable state
        logger.exception("Closing agreement %s failed", agreement.pk)
        _fail(seal.pk, error)
        return Seal.Status.FAILED
    return _store(seal.pk, final, DIGITAL_ATTESTS, subject=closer, record=record).status


@task
def seal_agreement(agreement_pk):
    """Seal the signed agreement (enqueued once, after the commit that completed the signing)."""
    return seal_now(agreement_pk)
