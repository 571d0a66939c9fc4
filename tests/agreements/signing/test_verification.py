"""Verification of a sealed agreement: the public page, its upload check, and `verify_pdf`."""

import io

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from agreements.signing import verification
from agreements.signing.models import Seal
from core import sealing


@pytest.fixture(autouse=True)
def _english(settings):
    """Messages are asserted in English (the msgids), whatever catalogue is compiled."""
    settings.LANGUAGE_CODE = "en"


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    cache.clear()
    yield
    cache.clear()


def changed_byte(data, position=None):
    position = len(data) // 3 if position is None else position
    changed = bytearray(data)
    changed[position] = (changed[position] + 1) % 256
    return bytes(changed)


def upload(data, name="giao-uoc.pdf"):
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def verify_url(seal=None):
    if seal is None:
        return reverse("agreements:verify")
    return reverse("agreements:verify_code", args=[seal.verification_code])


# --- the public page -----------------------------------------------------------------------


def test_the_verification_page_is_public_and_shows_the_agreement(sealed, client):
    response = client.get(verify_url(sealed))
    assert response.status_code == 200
    text = response.text
    agreement = sealed.agreement
    assert agreement.title in text
    assert agreement.cluster_year.cluster.name in text
    assert str(agreement.cluster_year.year) in text
    assert agreement.content_hash in text
    assert sealed.sha256 in text
    for name in ("Trần Văn B", "Đỗ Trọng Nam", "Lê Thị C", "Phạm Văn D", "Hoàng Thị E", "Vũ Văn G"):
        assert name in text
    signed_at = timezone.localtime(agreement.signatures.first().signed_at)
    assert f"{signed_at:%d/%m/%Y %H:%M}" in text
    assert sealed.attests in text
    assert 'type="file"' in text


def test_an_unknown_or_unsealed_code_is_404(sealed, client):
    assert client.get("/verify/" + "x" * 32 + "/").status_code == 404
    Seal.objects.filter(pk=sealed.pk).update(status=Seal.Status.FAILED)
    assert client.get(verify_url(sealed)).status_code == 404


def test_the_code_is_random_and_long(sealed):
    assert len(sealed.verification_code) >= 22  # 24 random bytes → 32 characters, 192 bits
    other = Seal(agreement=sealed.agreement, requested_at=timezone.now())
    assert other.verification_code != sealed.verification_code


def test_the_sealed_file_is_authentic(sealed, sealed_bytes, client):
    response = client.post(verify_url(sealed), {"file": upload(sealed_bytes)})
    assert response.status_code == 200
    result = response.context["result"]
    assert result.authentic
    assert result.seal == sealed
    assert "Authentic" in response.text

    plain = client.post(verify_url(), {"file": upload(sealed_bytes)})
    assert plain.context["result"].authentic
    assert sealed.agreement.title in plain.text


@pytest.mark.parametrize(
    ("mangle", "reason_code"),
    [
        (changed_byte, "tampered"),
        (lambda data: data + b"\n% appended after sealing\n", "not_whole_file"),
        (lambda data: data[: len(data) // 2], None),
        (lambda data: b"PK\x03\x04" + data[4:], "not_pdf"),
    ],
    ids=["one-changed-byte", "appended", "truncated", "not-a-pdf"],
)
def test_altered_copies_are_not_authentic_and_say_why(
    sealed, sealed_bytes, client, mangle, reason_code
):
    response = client.post(verify_url(sealed), {"file": upload(mangle(sealed_bytes))})
    assert response.status_code == 200
    result = response.context["result"]
    assert not result.authentic
    assert result.reasons
    if reason_code:
        assert reason_code in result.check.codes
    assert "Not authentic" in response.text
    assert str(result.reasons[0]) in response.text


def test_a_pdf_from_elsewhere_and_garbage_are_not_authentic(client, world):
    from weasyprint import HTML

    unsigned = HTML(string="<p>Một văn bản khác</p>").write_pdf()
    for data in (unsigned, b"\x00\xff" * 100, b"%PDF-1.7\n%%EOF"):
        response = client.post(verify_url(), {"file": upload(data)})
        assert response.status_code == 200
        assert not response.context["result"].authentic
        assert response.context["result"].reasons


def test_an_empty_upload_is_refused_on_the_form(client, world):
    response = client.post(verify_url(), {"file": upload(b"", name="empty.pdf")})
    assert response.status_code == 400
    assert response.context["form"].errors["file"]


def test_an_oversized_upload_is_refused_without_reading_it(client, world):
    response = client.post(
        verify_url(),
        {"file": upload(b"%PDF-1.7\n")},
        CONTENT_LENGTH=str(25 * 1024 * 1024),
    )
    assert response.status_code == 413
    assert response.context["result"] is None
    assert "too large" in response.text


def test_a_file_over_20_mb_is_refused_by_the_form(client, world, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = None
    big = upload(b"%PDF-1.7\n" + b"0" * (20 * 1024 * 1024))
    response = client.post(verify_url(), {"file": big})
    assert response.status_code == 400
    assert "too large" in str(response.context["form"].errors["file"])


def test_uploads_are_rate_limited_per_address(client, world, settings):
    for _ in range(settings.VERIFY_RATE_LIMIT):
        response = client.post(verify_url(), {"file": upload(b"hello")}, REMOTE_ADDR="192.0.2.9")
        assert response.status_code == 200
    refused = client.post(verify_url(), {"file": upload(b"hello")}, REMOTE_ADDR="192.0.2.9")
    assert refused.status_code == 429
    assert refused.context["result"] is None
    assert "Too many checks" in refused.text
    other = client.post(verify_url(), {"file": upload(b"hello")}, REMOTE_ADDR="192.0.2.10")
    assert other.status_code == 200


def test_a_document_of_another_agreement_is_named_as_such(sealed, sealed_bytes, world):
    from agreements import services

    amendment = services.agreement_amend(
        actor=world.user("dongda"), agreement=sealed.agreement, reason="Sửa đổi"
    )
    other = Seal.objects.create(agreement=amendment, requested_at=timezone.now())
    result = verification.verify_bytes(sealed_bytes, expected=other)
    assert not result.authentic
    assert verification.OTHER_AGREEMENT in result.reasons


def test_a_genuine_signature_on_a_file_not_on_record_is_not_authentic(sealed, sealed_bytes):
    # The organisation's certificate sealing some other PDF: genuine, but not one of ours.
    from weasyprint import HTML

    stray = sealing.seal_pdf(HTML(string="<p>Khác</p>").write_pdf(), reason="x")
    result = verification.verify_bytes(stray)
    assert result.check.authentic
    assert not result.authentic
    assert verification.NOT_ON_RECORD in result.reasons


# --- the command ---------------------------------------------------------------------------


def run_verify_pdf(path):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("verify_pdf", str(path), stdout=out, stderr=err)
        code = 0
    except SystemExit as exit_:
        code = exit_.code
    return code, out.getvalue(), err.getvalue()


def test_verify_pdf_accepts_the_sealed_file(sealed, sealed_bytes, tmp_path):
    path = tmp_path / "sealed.pdf"
    path.write_bytes(sealed_bytes)
    code, out, _err = run_verify_pdf(path)
    assert code == 0
    assert "AUTHENTIC" in out
    assert f"#{sealed.agreement_id} {sealed.agreement.title}" in out
    assert "Intact:     yes" in out
    assert "Valid:      yes" in out
    assert f"/verify/{sealed.verification_code}/" in out


@pytest.mark.parametrize(
    "mangle",
    [changed_byte, lambda data: data + b"% appended", lambda data: b"not a pdf"],
    ids=["one-changed-byte", "appended", "garbage"],
)
def test_verify_pdf_rejects_altered_files(sealed, sealed_bytes, tmp_path, mangle):
    path = tmp_path / "copy.pdf"
    path.write_bytes(mangle(sealed_bytes))
    code, out, err = run_verify_pdf(path)
    assert code == 1
    assert "NOT AUTHENTIC" in err
    assert "  - " in out  # the reasons


def test_verify_pdf_on_a_missing_file(tmp_path, db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No such file"):
        call_command("verify_pdf", str(tmp_path / "nope.pdf"))
