"""Uploads: size-capped, typed by content, stored under generated names, served as attachments."""

import uuid
import zipfile
from pathlib import PurePath

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

# Allowed kinds: extension -> MIME type detected from the content.
PDF = {"pdf": "application/pdf"}
IMAGES = {"png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg"}
OFFICE = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
}
SPREADSHEETS = {"xlsx": OFFICE["xlsx"], "csv": "text/csv"}
EVIDENCE = {**PDF, **IMAGES, **OFFICE}

_OOXML_MARKERS = {
    "docx": "word/document.xml",
    "xlsx": "xl/workbook.xml",
    "pptx": "ppt/presentation.xml",
}


def _extension(name):
    return PurePath(name or "").suffix.lower().lstrip(".")


def detect_kind(upload, ext):
    """Return the MIME type the content really has, for the extension claimed, or None."""
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    if ext == "csv":
        try:
            head.decode("utf-8")
        except UnicodeDecodeError:
            # A cut in the middle of a multi-byte character is fine; binary is not.
            try:
                head[:-3].decode("utf-8")
            except UnicodeDecodeError:
                return None
        return "text/csv" if b"\x00" not in head and b"<" not in head[:1] else None
    if ext in _OOXML_MARKERS or ext in ("odt", "ods"):
        if not head.startswith(b"PK\x03\x04"):
            return None
        try:
            with zipfile.ZipFile(upload) as archive:
                names = set(archive.namelist())
                if ext in _OOXML_MARKERS:
                    ok = _OOXML_MARKERS[ext] in names and "[Content_Types].xml" in names
                    return OFFICE[ext] if ok else None
                mimetype = archive.read("mimetype").decode("ascii", "replace").strip()
                return mimetype if mimetype == OFFICE[ext] else None
        except (zipfile.BadZipFile, KeyError, ValueError):
            return None
        finally:
            upload.seek(0)
    guess = filetype.guess(head)
    return guess.mime if guess else None


@deconstructible
class UploadValidator:
    """Validate an uploaded file's size and its type by content (not by name)."""

    def __init__(self, kinds, max_bytes=None):
        self.kinds = dict(kinds)
        self.max_bytes = max_bytes

    def __call__(self, upload):
        if getattr(upload, "_committed", False):
            # Already stored (a model re-validated after another change): it was checked when
            # it was uploaded, and reading it again would open the stored file and leave it open.
            return
        limit = self.max_bytes or settings.UPLOAD_MAX_BYTES
        if upload.size is not None and upload.size > limit:
            raise ValidationError(
                _("The file is too large (%(size)s MB); the limit is %(limit)s MB."),
                code="too_large",
                params={
                    "size": round(upload.size / 1048576, 1),
                    "limit": round(limit / 1048576, 1),
                },
            )
        if upload.size == 0:
            raise ValidationError(_("The file is empty."), code="empty")
        ext = _extension(upload.name)
        allowed = ", ".join(sorted(self.kinds))
        if ext not in self.kinds:
            raise ValidationError(
                _("This type of file is not accepted. Allowed: %(allowed)s."),
                code="bad_extension",
                params={"allowed": allowed},
            )
        if detect_kind(upload, ext) != self.kinds[ext]:
            raise ValidationError(
                _("The content of the file does not match its type (.%(ext)s)."),
                code="bad_content",
                params={"ext": ext},
            )

    def __eq__(self, other):
        return (
            isinstance(other, UploadValidator)
            and self.kinds == other.kinds
            and self.max_bytes == other.max_bytes
        )


@deconstructible
class GeneratedName:
    """upload_to that stores files as <prefix>/<year>/<random>.<ext>, never the user's name."""

    def __init__(self, prefix):
        self.prefix = prefix

    def __call__(self, instance, filename):
        ext = _extension(filename)
        suffix = f".{ext}" if ext.isascii() and ext.isalnum() and len(ext) <= 5 else ""
        return f"{self.prefix}/{timezone.now():%Y}/{uuid.uuid4().hex}{suffix}"

    def __eq__(self, other):
        return isinstance(other, GeneratedName) and self.prefix == other.prefix


def attachment_response(fieldfile, download_name):
    """Serve a stored file as a download (never inline): call only after a permission check."""
    ext = _extension(fieldfile.name)
    content_type = {**EVIDENCE, **SPREADSHEETS}.get(ext, "application/octet-stream")
    fieldfile.open("rb")
    response = FileResponse(
        fieldfile, as_attachment=True, filename=download_name, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
