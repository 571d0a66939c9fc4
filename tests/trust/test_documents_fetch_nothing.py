"""WeasyPrint fetches nothing outside the project's static and media files."""

import socket

import pytest
from django.template import engines

from core import documents

HOSTILE = """<!doctype html><html><head><meta charset="utf-8">
<link rel="stylesheet" href="http://example.com/style.css">
<style>@import url("file:///etc/hostname"); body { background: url("http://example.com/bg.png"); }
@font-face { font-family: X; src: url("file:///etc/passwd"); }</style></head>
<body><p>Văn bản thử</p>
<img src="file:///etc/passwd" alt="passwd">
<img src="http://example.com/tracker.png" alt="tracker">
<img src="../../../../../../etc/passwd" alt="relative">
<iframe src="file:///etc/shadow"></iframe>
<object data="http://example.com/x.svg"></object>
<a href="file:///etc/passwd">link</a>
</body></html>"""


@pytest.fixture
def hostile_template(monkeypatch):
    template = engines["django"].from_string(HOSTILE)
    monkeypatch.setattr(documents, "render_to_string", lambda name, context: template.render({}))


@pytest.fixture
def no_network(monkeypatch):
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise OSError("network access attempted")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    return attempts


def test_a_document_referencing_outside_files_and_addresses_renders_without_them(
    hostile_template, no_network, caplog
):
    fetched = []
    real_fetch = documents._make_fetcher

    def recording_fetcher():
        fetcher = real_fetch()
        original = fetcher.fetch

        def fetch(url, headers=None):
            fetched.append(url)
            return original(url, headers)

        fetcher.fetch = fetch
        return fetcher

    documents._make_fetcher = recording_fetcher
    try:
        pdf = documents.render_pdf("hostile.html", {})
    finally:
        documents._make_fetcher = real_fetch
    assert pdf.startswith(b"%PDF")
    assert no_network == []
    refused = [r.getMessage() for r in caplog.records if "refused to fetch" in r.getMessage()]
    assert any("file:///etc/passwd" in m for m in refused)
    assert any("http://example.com" in m for m in refused)
    assert any(m.endswith("/etc/passwd") for m in refused)
    with open("/etc/passwd", "rb") as passwd:
        first_line = passwd.readline().strip()
    assert first_line not in pdf
    assert fetched, "the fetcher was not used"


def test_the_fetcher_serves_project_static_files_and_refuses_the_rest(settings, tmp_path):
    fetcher = documents._make_fetcher()
    response = fetcher.fetch(documents.static_file_url("css/app.css"))
    try:
        assert b".otp-qr" in response.read()
    finally:
        response.close()
    for url in (
        "file:///etc/passwd",
        "http://example.com/",
        "https://127.0.0.1/",
        f"file://{settings.BASE_DIR}/config/settings.py",
        "ftp://example.com/x",
    ):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
