"""Uploads: size-capped, typed by content, stored under generated names, served as attachments."""

import io
import re
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import given
from hypothesis import strategies as st

from core.uploads import (
    EVIDENCE,
    PDF,
    SPREADSHEETS,
    GeneratedName,
    UploadValidator,
    attachment_response,
)

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64
HTML_BYTES = b"<!doctype html><html><script>alert(1)</script></html>"
SVG_BYTES = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def upload(name, content):
    return SimpleUploadedFile(name, content)


def zip_bytes(files):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def refusal(validator, file):
    with pytest.raises(ValidationError) as excinfo:
        validator(file)
    return excinfo.value.code


def test_a_pdf_is_accepted():
    UploadValidator(PDF)(upload("Kế hoạch 37.pdf", PDF_BYTES))


def test_a_png_renamed_pdf_is_refused():
    assert refusal(UploadValidator(PDF), upload("anh.pdf", PNG_BYTES)) == "bad_content"


def test_a_png_is_accepted_as_evidence():
    UploadValidator(EVIDENCE)(upload("anh.png", PNG_BYTES))


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("trang.html", HTML_BYTES, "bad_extension"),
        ("hinh.svg", SVG_BYTES, "bad_extension"),
        ("trang.pdf", HTML_BYTES, "bad_content"),
        ("hinh.png", SVG_BYTES, "bad_content"),
        ("khong-duoi", PDF_BYTES, "bad_extension"),
    ],
)
def test_html_and_svg_are_refused_whatever_their_name(name, content, code):
    assert refusal(UploadValidator(EVIDENCE), upload(name, content)) == code


def test_an_oversized_file_is_refused():
    validator = UploadValidator(PDF, max_bytes=1024)
    assert refusal(validator, upload("lon.pdf", PDF_BYTES + b"0" * 1024)) == "too_large"


def test_the_global_limit_applies_without_a_field_limit(settings):
    settings.UPLOAD_MAX_BYTES = 100
    assert refusal(UploadValidator(PDF), upload("lon.pdf", PDF_BYTES + b"0" * 100)) == "too_large"


def test_an_empty_file_is_refused():
    assert refusal(UploadValidator(PDF), upload("rong.pdf", b"")) == "empty"


def test_an_xlsx_that_is_a_zip_of_junk_is_refused():
    junk = zip_bytes({"readme.txt": "không phải bảng tính"})
    assert refusal(UploadValidator(SPREADSHEETS), upload("bang.xlsx", junk)) == "bad_content"


def test_an_xlsx_that_is_not_a_zip_is_refused():
    assert refusal(UploadValidator(SPREADSHEETS), upload("bang.xlsx", PDF_BYTES)) == "bad_content"


def test_a_real_xlsx_is_accepted():
    from openpyxl import Workbook

    buffer = io.BytesIO()
    Workbook().save(buffer)
    UploadValidator(SPREADSHEETS)(upload("bang.xlsx", buffer.getvalue()))


def test_a_csv_in_utf8_is_accepted_and_binary_is_refused():
    validator = UploadValidator(SPREADSHEETS)
    validator(upload("don-vi.csv", "Tên,Cấp\nĐống Đa,Quận\n".encode()))
    assert refusal(validator, upload("don-vi.csv", PNG_BYTES)) == "bad_content"


def test_the_validator_leaves_the_file_readable_from_the_start():
    file = upload("a.pdf", PDF_BYTES)
    UploadValidator(PDF)(file)
    assert file.read() == PDF_BYTES


def test_generated_names_never_contain_the_users_file_name():
    name = GeneratedName("plans")(None, "Bao cao mat cua Dong Da.PDF")
    assert re.fullmatch(r"plans/\d{4}/[0-9a-f]{32}\.pdf", name)
    assert "Dong" not in name


def test_generated_names_are_unique():
    make = GeneratedName("evidence")
    assert make(None, "a.pdf") != make(None, "a.pdf")


@given(st.text(max_size=80))
def test_any_user_file_name_gives_a_safe_storage_name(filename):
    name = GeneratedName("evidence")(None, filename)
    assert re.fullmatch(r"evidence/\d{4}/[0-9a-f]{32}(\.[a-z0-9]{1,5})?", name), name


def test_path_tricks_in_the_name_are_dropped():
    name = GeneratedName("plans")(None, "../../etc/passwd")
    assert ".." not in name
    assert re.fullmatch(r"plans/\d{4}/[0-9a-f]{32}", name)


@pytest.mark.django_db
def test_attachment_response_is_a_download_with_nosniff(world):
    plan = world.plan
    plan.file.save("Kế hoạch 37.pdf", ContentFile(PDF_BYTES), save=False)
    response = attachment_response(plan.file, "Kế hoạch 37-KH-MTTQ-BTT.pdf")
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''" in response["Content-Disposition"]
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content) == PDF_BYTES
    response.close()


@pytest.mark.django_db
def test_an_unknown_stored_type_is_served_as_octet_stream(world):
    plan = world.plan
    plan.file.save("x.svg", ContentFile(SVG_BYTES), save=False)
    response = attachment_response(plan.file, "x.svg")
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")
    response.close()
