"""core.sealing: one PAdES seal over finished PDF bytes, checked by pyHanko and by poppler."""

import datetime
import hashlib
import io
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from asn1crypto import keys as asn1_keys
from asn1crypto import tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.conf import settings
from django.core.management import call_command
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.writer import copy_into_new_writer
from pyhanko.sign import fields, signers
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

from core import sealing


@pytest.fixture(scope="module")
def dev_keys():
    """The development CA and sealing certificate (`make setup` creates them once)."""
    call_command("make_dev_keys")
    return settings.DEV_KEYS_DIR


@pytest.fixture(scope="module")
def plain_pdf():
    from weasyprint import HTML

    html = "<h1>GIAO ƯỚC THI ĐUA NĂM 2020</h1><p>Nội dung — DỮ LIỆU MINH HỌA</p>"
    return HTML(string=html).write_pdf(pdf_variant="pdf/a-3b")


@pytest.fixture(scope="module")
def sealed_pdf(dev_keys, plain_pdf):
    return sealing.seal_pdf(
        plain_pdf, reason="Giao ước thi đua — mã ABC", location="Hà Nội", field_name="Seal"
    )


def _changed_byte(data, position):
    changed = bytearray(data)
    changed[position] = (changed[position] + 1) % 256
    return bytes(changed)


def _self_signed(common_name, *, ca=False, eku=None):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = datetime.datetime.now(datetime.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if eku:
        builder = builder.add_extension(x509.ExtendedKeyUsage(eku), critical=True)
    return key, builder.sign(key, hashes.SHA256())


def _pem(cert):
    return cert.public_bytes(serialization.Encoding.PEM)


# --- sealing and validation ----------------------------------------------------------------


def test_sealed_pdf_is_intact_valid_and_trusted_against_the_dev_ca(sealed_pdf, plain_pdf):
    assert sealed_pdf.startswith(plain_pdf)  # incremental: the rendered bytes are kept
    check = sealing.verify_sealed_pdf(sealed_pdf)

    assert check.authentic
    assert (check.intact, check.valid, check.trusted, check.covers_whole_file) == (
        True,
        True,
        True,
        True,
    )
    assert check.signature_count == 1
    assert check.codes == ()
    assert check.reasons == []
    assert "DEMO" in check.signer
    assert check.field_name == "Seal"
    assert check.signature_reason == "Giao ước thi đua — mã ABC"
    assert check.sha256 == hashlib.sha256(sealed_pdf).hexdigest()
    assert abs(check.signed_at - datetime.datetime.now(datetime.UTC)) < datetime.timedelta(
        minutes=10
    )
    assert not check.timestamped


def test_the_seal_is_invisible_and_pades(sealed_pdf):
    reader = PdfFileReader(io.BytesIO(sealed_pdf), strict=False)
    (signature,) = reader.embedded_signatures
    assert signature.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"
    widget = signature.sig_field
    rect = [float(v) for v in widget.get("/Rect", [0, 0, 0, 0])]
    assert rect[2] - rect[0] == 0 and rect[3] - rect[1] == 0


def test_poppler_pdfsig_says_the_signature_is_valid_and_trusted(sealed_pdf, dev_keys, tmp_path):
    path = tmp_path / "sealed.pdf"
    path.write_bytes(sealed_pdf)
    plain = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, check=False)
    assert "Signature is Valid." in plain.stdout
    assert "Total document signed" in plain.stdout

    nss = tmp_path / "nss"
    nss.mkdir()
    subprocess.run(
        ["certutil", "-N", "-d", f"sql:{nss}", "--empty-password"], check=True, capture_output=True
    )
    subprocess.run(
        ["certutil", "-A", "-d", f"sql:{nss}", "-n", "thidua-demo-ca", "-t", "CT,C,C", "-i"]
        + [str(dev_keys / "pki" / "roots" / "demo-cong-vu-root.pem")],
        check=True,
        capture_output=True,
    )
    trusted = subprocess.run(
        ["pdfsig", "-nssdir", f"sql:{nss}", str(path)], capture_output=True, text=True, check=False
    )
    assert "Signature is Valid." in trusted.stdout
    assert "Certificate is Trusted." in trusted.stdout


def test_poppler_pdfsig_rejects_a_changed_byte(sealed_pdf, plain_pdf, tmp_path):
    path = tmp_path / "tampered.pdf"
    path.write_bytes(_changed_byte(sealed_pdf, len(plain_pdf) // 2))
    result = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, check=False)
    assert "Signature is Valid." not in result.stdout


# --- what is not authentic, and why --------------------------------------------------------


def test_one_changed_byte_in_the_content_is_detected(sealed_pdf, plain_pdf):
    check = sealing.verify_sealed_pdf(_changed_byte(sealed_pdf, len(plain_pdf) // 2))
    assert not check.authentic
    assert not check.intact
    assert "tampered" in check.codes
    assert check.reasons


def test_one_changed_byte_in_the_signature_is_detected(sealed_pdf):
    reader = PdfFileReader(io.BytesIO(sealed_pdf), strict=False)
    (signature,) = reader.embedded_signatures
    # Inside the hex of /Contents, in the middle of the signature value itself.
    value = signature.signer_info["signature"].native.hex().encode()
    position = sealed_pdf.lower().find(value) + len(value) // 2
    assert position > signature.byte_range[1]
    data = bytearray(sealed_pdf)
    data[position] = ord("0") if data[position] != ord("0") else ord("1")
    check = sealing.verify_sealed_pdf(bytes(data))
    assert not check.authentic
    assert check.codes


def test_appended_bytes_mean_the_signature_does_not_cover_the_file(sealed_pdf):
    check = sealing.verify_sealed_pdf(sealed_pdf + b"\n%% appended after sealing\n")
    assert not check.authentic
    assert check.intact  # the signed part itself is untouched…
    assert "not_whole_file" in check.codes  # …but the file is more than what was signed


def test_a_resaved_copy_is_not_authentic(sealed_pdf):
    writer = copy_into_new_writer(PdfFileReader(io.BytesIO(sealed_pdf), strict=False))
    out = io.BytesIO()
    writer.write(out)
    resaved = out.getvalue()
    assert resaved != sealed_pdf

    check = sealing.verify_sealed_pdf(resaved)
    assert not check.authentic
    assert check.codes


def test_an_incremental_update_after_sealing_is_not_authentic(sealed_pdf):
    writer = IncrementalPdfFileWriter(io.BytesIO(sealed_pdf), strict=False)
    writer.root["/Lang"] = generic.TextStringObject("en")
    writer.update_root()
    out = io.BytesIO()
    writer.write(out)
    assert len(out.getvalue()) > len(sealed_pdf)
    check = sealing.verify_sealed_pdf(out.getvalue())
    assert not check.authentic
    assert "not_whole_file" in check.codes


def test_a_pdf_signed_elsewhere_is_not_trusted(plain_pdf, tmp_path):
    key, cert = _self_signed("Somebody else's certificate")
    (tmp_path / "key.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    (tmp_path / "cert.pem").write_bytes(_pem(cert))
    signer = signers.SimpleSigner.load(str(tmp_path / "key.pem"), str(tmp_path / "cert.pem"))
    writer = IncrementalPdfFileWriter(io.BytesIO(plain_pdf), strict=False)
    pdf_signer = signers.PdfSigner(
        signers.PdfSignatureMetadata(
            field_name="Seal", md_algorithm="sha256", subfilter=fields.SigSeedSubFilter.PADES
        ),
        signer=signer,
    )
    # Like core.sealing, out of any event loop this thread runs (browser tests leave one).
    foreign = sealing.outside_event_loop(pdf_signer.sign_pdf, writer).getvalue()

    check = sealing.verify_sealed_pdf(foreign)
    assert check.intact and check.valid and check.covers_whole_file
    assert not check.trusted
    assert not check.authentic
    assert "untrusted" in check.codes


def test_a_second_signature_makes_it_not_authentic(sealed_pdf):
    twice = sealing.seal_pdf(sealed_pdf, reason="again", field_name="Seal2")
    check = sealing.verify_sealed_pdf(twice)
    assert check.signature_count == 2
    assert not check.authentic
    assert "several_signatures" in check.codes


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "empty"),
        (b"PK\x03\x04 this is a zip, not a PDF", "not_pdf"),
        (b"Hello, I am text", "not_pdf"),
        (b"%PDF-1.7\n garbage garbage", "malformed"),
    ],
)
def test_garbage_never_raises_and_says_why(data, code):
    check = sealing.verify_sealed_pdf(data)
    assert not check.authentic
    assert check.codes == (code,)
    assert [str(reason) for reason in check.reasons]


def test_a_truncated_file_is_not_authentic(sealed_pdf):
    for cut in (50, len(sealed_pdf) // 3, len(sealed_pdf) - 30):
        check = sealing.verify_sealed_pdf(sealed_pdf[:cut])
        assert not check.authentic
        assert check.codes


def test_an_unsigned_pdf_has_no_signature(plain_pdf):
    assert sealing.verify_sealed_pdf(plain_pdf).codes == ("no_signature",)


def test_an_oversized_file_is_refused_before_parsing(sealed_pdf):
    check = sealing.verify_sealed_pdf(sealed_pdf, max_bytes=1000)
    assert check.codes == ("too_large",)


# --- the separate, time-limited verification process --------------------------------------


def test_the_worker_process_gives_the_same_answer(sealed_pdf, plain_pdf):
    assert sealing.verify_sealed_pdf(sealed_pdf, timeout=30).authentic
    worker = sealing.verify_sealed_pdf(_changed_byte(sealed_pdf, len(plain_pdf) // 2), timeout=30)
    assert not worker.authentic
    assert "tampered" in worker.codes
    assert sealing.verify_sealed_pdf(b"not a pdf", timeout=30).codes == ("not_pdf",)


def test_the_worker_process_is_killed_when_it_takes_too_long(sealed_pdf):
    check = sealing.verify_sealed_pdf(sealed_pdf, timeout=0.01)
    assert not check.authentic
    assert check.codes == ("timeout",)


# --- failures and the timestamped variant --------------------------------------------------


def test_sealing_without_a_certificate_fails_clearly(plain_pdf, settings, tmp_path):
    settings.SEAL_PKCS12_PATH = tmp_path / "missing.p12"
    with pytest.raises(sealing.SealingError, match="does not exist"):
        sealing.seal_pdf(plain_pdf, reason="x")


def test_sealing_with_a_wrong_password_fails_clearly(plain_pdf, dev_keys, settings):
    settings.SEAL_PKCS12_PASSWORD = "wrong"
    with pytest.raises(sealing.SealingError, match="cannot be loaded"):
        sealing.seal_pdf(plain_pdf, reason="x")


def test_the_certificate_is_loaded_once_and_again_when_its_file_changes(
    dev_keys, settings, tmp_path
):
    import os
    import shutil

    copy = tmp_path / "seal.p12"
    shutil.copyfile(settings.SEAL_PKCS12_PATH, copy)
    password = settings.SEAL_PKCS12_PASSWORD
    first = sealing._load_signer(copy, password)
    assert sealing._load_signer(copy, password) is first
    stat = copy.stat()
    os.utime(copy, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert sealing._load_signer(copy, password) is not first
    copy.write_bytes(b"a replaced, broken certificate")
    with pytest.raises(sealing.SealingError, match="cannot be loaded"):
        sealing._load_signer(copy, password)


def test_sealing_garbage_fails_clearly(dev_keys):
    with pytest.raises(sealing.SealingError):
        sealing.seal_pdf(b"not a pdf at all", reason="x")


@pytest.fixture
def timestamp_server(tmp_path):
    """A local RFC 3161 timestamp authority (pyHanko's test TSA behind a real HTTP socket)."""
    ca_key, ca_cert = _self_signed("Test TSA root", ca=True)
    tsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = datetime.datetime.now(datetime.UTC)
    tsa_cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test TSA")]))
        .issuer_name(ca_cert.subject)
        .public_key(tsa_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    stamper = DummyTimeStamper(
        tsa_cert=asn1_x509.Certificate.load(tsa_cert.public_bytes(serialization.Encoding.DER)),
        tsa_key=asn1_keys.PrivateKeyInfo.load(
            tsa_key.private_bytes(
                serialization.Encoding.DER,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        ),
    )
    requests = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            requests.append(self.headers["Content-Type"])
            answer = stamper.request_tsa_response(tsp.TimeStampReq.load(body)).dump()
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    ca_path = tmp_path / "tsa-ca.pem"
    ca_path.write_bytes(_pem(ca_cert))
    yield f"http://127.0.0.1:{server.server_address[1]}/", ca_path, requests
    server.shutdown()
    server.server_close()


def test_with_a_timestamp_server_the_seal_is_pades_b_t(
    plain_pdf, dev_keys, settings, timestamp_server
):
    url, tsa_ca, requests = timestamp_server
    settings.SEAL_TIMESTAMP_URL = url
    sealed = sealing.seal_pdf(plain_pdf, reason="B-T")
    assert requests and set(requests) == {"application/timestamp-query"}

    roots = [*settings.SEAL_TRUST_ROOTS, tsa_ca]
    check = sealing.verify_sealed_pdf(sealed, trust_roots=roots)
    assert check.authentic
    assert check.timestamped
    # Without the timestamp authority's root the timestamp cannot be trusted.
    untrusted_ts = sealing.verify_sealed_pdf(sealed)
    assert not untrusted_ts.authentic
    assert "timestamp_invalid" in untrusted_ts.codes
