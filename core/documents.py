"""Official documents (Nghị định 30/2020/NĐ-CP layout): one renderer for every PDF."""

import datetime
import logging
import unicodedata
from pathlib import Path
from urllib.parse import unquote, urlparse

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone

logger = logging.getLogger(__name__)


def vn_date(value):
    """Return 'ngày 05 tháng 02 năm 2020' (day under 10 and months 1–2 zero-padded)."""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    month = f"{value.month:02d}" if value.month <= 2 else str(value.month)
    return f"ngày {value.day:02d} tháng {month} năm {value.year}"


def place_date_line(place, value):
    """Return the italic line under the motto, e.g. 'Hà Nội, ngày 05 tháng 02 năm 2020'."""
    return f"{place}, {vn_date(value)}" if place else vn_date(value)[0].upper() + vn_date(value)[1:]


def document_number(number, symbol):
    """Return 'Số: 05/TTr-MTTQ' (numbers under 10 padded)."""
    return f"Số: {number:02d}/{symbol}"


def nfc(text):
    return unicodedata.normalize("NFC", text or "")


def _allowed_roots():
    roots = [Path(settings.MEDIA_ROOT).resolve()]
    roots += [Path(p).resolve() for p in settings.STATICFILES_DIRS]
    if settings.STATIC_ROOT:
        roots.append(Path(settings.STATIC_ROOT).resolve())
    return roots


def _make_fetcher():
    from weasyprint.urls import URLFetcher

    class LocalOnlyFetcher(URLFetcher):
        """Fetch only data: URIs and files under the project's static and media roots."""

        def fetch(self, url, headers=None):
            parsed = urlparse(url)
            if parsed.scheme == "data":
                return super().fetch(url, headers)
            if parsed.scheme == "file":
                path = Path(unquote(parsed.path)).resolve()
                if any(path.is_relative_to(root) for root in _allowed_roots()):
                    return super().fetch(url, headers)
            logger.warning("Document renderer refused to fetch %s", url[:200])
            raise ValueError("Refused: documents may only use the project's own files.")

    return LocalOnlyFetcher(allowed_protocols=("data", "file"), allow_redirects=False)


def static_file_url(path):
    """Return a file: URL for a static asset, for use inside document templates."""
    found = finders.find(path)
    if not found:
        raise FileNotFoundError(path)
    return Path(found).resolve().as_uri()


def render_document(template, context):
    """Lay `template` out with `context`: the WeasyPrint document, whose boxes can be read
    before it is written (where the signature fields go)."""
    from weasyprint import HTML

    html = render_to_string(template, context)
    base_url = Path(settings.BASE_DIR).resolve().as_uri() + "/"
    return HTML(string=nfc(html), base_url=base_url, url_fetcher=_make_fetcher()).render()


def render_pdf(template, context, *, pdf_variant="pdf/a-3b"):
    """Render `template` with `context` to PDF bytes (fonts embedded, PDF/A-3b by default)."""
    return render_document(template, context).write_pdf(pdf_variant=pdf_variant)
