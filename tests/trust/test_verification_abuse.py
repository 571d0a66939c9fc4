"""The public verification page under abuse: oversized, malformed and many uploads."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.trust.support import savepoint

pytestmark = pytest.mark.django_db


def upload(client, data, name="giao-uoc.pdf", address="203.0.113.20", url=None):
    url = url or reverse("agreements:verify")
    with savepoint():
        return client.post(
            url,
            {"file": SimpleUploadedFile(name, data, "application/pdf")},
            REMOTE_ADDR=address,
        )


@pytest.fixture
def sealed(trust_world):
    seal = trust_world.seal
    with seal.file.open("rb") as handle:
        return handle.read()


def messages_of(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


def test_the_genuine_sealed_file_is_authentic(trust_world, sealed):
    response = upload(Client(), sealed)
    assert response.status_code == 200
    assert response.context["result"].authentic


def test_an_oversized_upload_is_refused_politely(trust_world, settings):
    big = b"%PDF-1.7\n" + b"0" * (settings.VERIFY_MAX_BYTES + 1024 * 1024)
    response = upload(Client(), big)
    assert response.status_code == 413
    assert any("20 MB" in m for m in messages_of(response))
    assert response.context["result"] is None


def malformed_files(sealed):
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as out:
        out.writestr("a.txt", "x" * 1000)
    return {
        "empty": b"",
        "a header only": b"%PDF-1.7\n",
        "truncated": sealed[: len(sealed) // 2],
        "garbage appended": sealed + b"\n%garbage\n" * 10,
        "one byte changed": sealed[:2000] + bytes([sealed[2000] ^ 1]) + sealed[2001:],
        "a zip": archive.getvalue(),
        "html": b"<html><script>alert(1)</script></html>",
        "deeply nested": b"%PDF-1.7\n1 0 obj\n" + b"[" * 100_000 + b"\nendobj\n%%EOF",
        "a huge xref": b"%PDF-1.7\nxref\n0 999999999\n%%EOF",
    }


def test_malformed_files_are_answered_never_with_a_server_error(trust_world, sealed):
    for label, data in malformed_files(sealed).items():
        response = upload(Client(), data, address=f"198.51.100.{len(label)}")
        assert response.status_code in (200, 400), label
        result = response.context["result"]
        assert result is None or not result.authentic, label


@settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.binary(max_size=4096), prefix=st.sampled_from([b"", b"%PDF-1.4\n", b"%PDF-2.0"]))
def test_random_bytes_are_never_authentic_nor_a_server_error(trust_world, data, prefix):
    response = upload(Client(), prefix + data, address="192.0.2.77")
    assert response.status_code in (200, 400, 429)
    result = response.context["result"]
    assert result is None or not result.authentic


def test_many_uploads_from_one_address_are_rate_limited_with_a_clear_message(trust_world, settings):
    settings.LANGUAGE_CODE = "en"
    client = Client()
    for attempt in range(settings.VERIFY_RATE_LIMIT):  # each attempt counts, even an empty file
        response = upload(client, b"", address="203.0.113.99")
        assert response.status_code == 400, attempt
    response = upload(client, b"%PDF-1.4\nnot really", address="203.0.113.99")
    assert response.status_code == 429
    assert any("Too many checks from your address" in m for m in messages_of(response))
    assert response.context["result"] is None
    # Somebody else is not held up by it.
    assert upload(client, b"%PDF-1.4\nx", address="203.0.113.100").status_code == 200


def test_the_agreement_page_of_the_code_holds_too(trust_world, sealed):
    url = reverse("agreements:verify_code", args=[trust_world.seal.verification_code])
    assert upload(Client(), sealed, url=url).context["result"].authentic
    assert upload(Client(), b"%PDF-1.4\nx", url=url, address="198.51.100.9").status_code == 200
    assert Client().get(reverse("agreements:verify_code", args=["x" * 5000])).status_code == 404
