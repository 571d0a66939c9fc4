"""The sealing task: the final document rendered once, sealed once, stored, never regenerated."""

import hashlib
import io
import subprocess
import time

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader

from agreements.models import Agreement
from agreements.signing import services as signing
from agreements.signing import tasks
from agreements.signing.models import Seal
from core import sealing
from core.models import AuditEntry
from tests.agreements.signing.support import MEMBERS, adopt_agreement, scan_pdf, sign


@pytest.fixture
def agreement(world):
    return adopt_agreement(world)


def _pdf_text(data, tmp_path):
    path = tmp_path / "doc.pdf"
    path.write_bytes(data)
    return subprocess.run(
        ["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def _sealed_bytes(seal):
    with seal.file.open("rb") as handle:
        return handle.read()


def _flat(text):
    return "".join(text.split())


def _sign_all(world, agreement, callbacks, usernames=MEMBERS):
    for username in usernames:
        with callbacks(execute=True):
            last = sign(world, username, agreement)
    return last


def test_the_last_signature_seals_the_agreement(
    world, agreement, django_capture_on_commit_callbacks, tmp_path, settings
):
    started = None
    for username in MEMBERS:
        started = time.monotonic()
        with django_capture_on_commit_callbacks(execute=True):
            sign(world, username, agreement)
    elapsed = time.monotonic() - started

    agreement.refresh_from_db()
    seal = Seal.objects.get(agreement=agreement)
    assert seal.status == Seal.Status.SEALED, seal.error
    assert agreement.status == Agreement.Status.SEALED
    data = _sealed_bytes(seal)
    assert hashlib.sha256(data).hexdigest() == seal.sha256
    assert seal.size == len(data)
    assert seal.attempts == 1
    assert seal.sealed_at is not None
    assert "mã băm SHA-256 ghi ở trên" in seal.attests  # the hash itself is stated once, above
    print(f"\nlast signature → sealed file: {elapsed:.2f} s, {len(data)} bytes")

    check = sealing.verify_sealed_pdf(data)
    assert check.authentic and check.intact and check.valid and check.trusted
    reader = PdfFileReader(io.BytesIO(data), strict=False)
    assert len(reader.embedded_signatures) == 1

    text = _pdf_text(data, tmp_path)
    assert "THÔNG TIN KÝ VÀ XÁC THỰC VĂN BẢN" in text
    assert seal.verification_code in text
    assert f"{settings.SITE_URL}/verify/{seal.verification_code}/" in _flat(text)
    for name in ("Trần Văn B", "Đỗ Trọng Nam", "Lê Thị C", "Phạm Văn D", "Hoàng Thị E", "Vũ Văn G"):
        assert name in text
    assert "Đã ký lúc" in text
    assert "DỮ LIỆU MINH HỌA" in text or not agreement.is_demo
    # The six signature images are embedded in the grid (plus the QR code).
    assert data.count(b"/Subtype /Image") + data.count(b"/Subtype/Image") >= 7


def test_the_sealed_file_passes_poppler(
    world, agreement, django_capture_on_commit_callbacks, tmp_path
):
    _sign_all(world, agreement, django_capture_on_commit_callbacks)
    seal = Seal.objects.get(agreement=agreement)
    path = tmp_path / "sealed.pdf"
    path.write_bytes(_sealed_bytes(seal))
    result = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, check=False)
    assert "Signature is Valid." in result.stdout
    assert "Total document signed" in result.stdout


def test_sealing_happens_once_and_is_never_regenerated(
    world, agreement, django_capture_on_commit_callbacks
):
    _sign_all(world, agreement, django_capture_on_commit_callbacks)
    seal = Seal.objects.get(agreement=agreement)
    first_sha, first_name = seal.sha256, seal.file.name
    assert tasks.seal_now(agreement.pk) == "skipped"
    tasks.seal_agreement.enqueue(agreement.pk)
    seal.refresh_from_db()
    assert (seal.sha256, seal.file.name, seal.attempts) == (first_sha, first_name, 1)
    assert AuditEntry.objects.filter(action="seal.sealed").count() == 1


def test_a_failure_leaves_the_agreement_signed_and_a_retry_seals_it(
    world, agreement, django_capture_on_commit_callbacks, settings, tmp_path
):
    good = settings.SEAL_PKCS12_PATH
    settings.SEAL_PKCS12_PATH = tmp_path / "missing.p12"
    _sign_all(world, agreement, django_capture_on_commit_callbacks)
    agreement.refresh_from_db()
    seal = Seal.objects.get(agreement=agreement)
    assert seal.status == Seal.Status.FAILED
    assert "does not exist" in seal.error
    assert not seal.file
    assert agreement.status == Agreement.Status.SIGNED

    settings.SEAL_PKCS12_PATH = good
    with django_capture_on_commit_callbacks(execute=True):
        signing.seal_retry(actor=world.user("bantt"), agreement=agreement)
    seal.refresh_from_db()
    agreement.refresh_from_db()
    assert seal.status == Seal.Status.SEALED
    assert seal.attempts == 2
    assert seal.error == ""
    assert agreement.status == Agreement.Status.SEALED


def test_paper_units_and_a_closed_signing_are_stated_in_the_document(
    world, agreement, django_capture_on_commit_callbacks, tmp_path
):
    for username in MEMBERS[:3]:
        sign(world, username, agreement)
    (paper,) = signing.paper_signing_record(
        actor=world.user("dongda"),
        agreement=agreement,
        units=[world.unit("hoankiem")],
        scan=scan_pdf(),
    )
    signing.paper_signing_confirm(actor=world.user("hoankiem"), paper=paper)
    with django_capture_on_commit_callbacks(execute=True):
        signing.signing_close(
            actor=world.user("bantt"),
            agreement=agreement,
            reason="Hai quận đang thực hiện sắp xếp đơn vị hành chính.",
        )
    seal = Seal.objects.get(agreement=agreement)
    assert seal.status == Seal.Status.SEALED, seal.error
    text = _pdf_text(_sealed_bytes(seal), tmp_path)
    assert "Ký bản giấy tại hội nghị" in text
    assert paper.scan_sha256 in _flat(text)
    assert "Hai quận đang thực hiện sắp xếp đơn vị hành chính." in " ".join(text.split())
    assert "Không ký" in text
    # The record names who recorded the paper signing and who confirmed it.
    assert "ghi nhận: Đỗ Trọng Nam; xác nhận: Phạm Văn D" in " ".join(text.split())
    assert sealing.verify_sealed_pdf(_sealed_bytes(seal)).authentic


def _xmp_producer(reader):
    import re

    xmp = reader.root["/Metadata"].get_object().data.decode()
    found = re.search(r'pdf:Producer(?:="([^"]*)"|>([^<]*)<)', xmp)
    return found.group(1) or found.group(2)


def test_the_signing_record_states_the_hash_once_names_the_verifier_for_a_reader_and_stays_pdf_a(
    world, agreement, django_capture_on_commit_callbacks, tmp_path, settings
):
    from tests.documents_support import pdf_lines, split_names, world_names

    _sign_all(world, agreement, django_capture_on_commit_callbacks)
    seal = Seal.objects.get(agreement=agreement)
    data = _sealed_bytes(seal)
    text = pdf_lines(data, tmp_path)
    flat = _flat(text)
    assert flat.count(agreement.content_hash) == 1
    assert "manage.py" not in flat
    # (pdftotext joins a line that ends with a hyphen, and the code may hold one there)
    url = _flat(f"{settings.SITE_URL}/verify/{seal.verification_code}/")
    assert url.replace("-", "") in flat.replace("-", "")
    assert _flat("quét mã QR hoặc mở địa chỉ trên") in flat
    assert split_names(text, world_names(world)) == []
    # The seal's revision keeps the PDF/A-3b claim true: one Producer in Info and XMP.
    reader = PdfFileReader(io.BytesIO(data), strict=False)
    assert str(reader.trailer["/Info"]["/Producer"]) == _xmp_producer(reader)
    meta = reader.root["/Metadata"].get_object().data.decode()
    assert 'pdfaid:part="3"' in meta and 'pdfaid:conformance="B"' in meta
