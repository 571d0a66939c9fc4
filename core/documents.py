"""Official documents (Nghị định 30/2020/NĐ-CP layout): one renderer for every PDF."""

import datetime
import logging
import re
import unicodedata
from pathlib import Path
from urllib.parse import unquote, urlparse

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone

from core.word import html_to_docx

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


def sentence_case(title):
    """A title written in capitals ("GIAO ƯỚC THI ĐUA NĂM 2020"), as it reads inside a sentence
    ("Giao ước thi đua năm 2020"); a title not in capitals is kept as it is."""
    title = nfc(title).strip()
    if title != title.upper():
        return title
    return title[:1] + title[1:].lower()


def nfc(text):
    return unicodedata.normalize("NFC", text or "")


# --- names kept whole on one line ------------------------------------------------------------

NBSP = "\u00a0"
_UPPER = "".join(chr(c) for c in range(0x41, 0x1F00) if unicodedata.category(chr(c)) == "Lu")
_LOWER_OR_DIGIT = r"[^\W_]"
_WORD = rf"[{_UPPER}]{_LOWER_OR_DIGIT}*"  # a capitalised word: "Hà", "NỘI", "MTTQ"
_SPACE = r"[ \u00a0]+"
# Fixed phrases of the documents, kept whole whatever their case.
_FIXED = re.compile(
    "|".join(
        rf"\b{_SPACE.join(words.split())}\b"
        for words in (
            "Mặt trận Tổ quốc Việt Nam",
            "MTTQ Việt Nam",
            "Ủy ban",
            "Ban Thường trực",
            r"Cụm thi đua số \d+",
            r"Cụm thi đua số",
        )
    ),
    re.IGNORECASE,
)
# An administrative level followed by its capitalised name: "quận Hai Bà Trưng", "QUẬN BA ĐÌNH".
_PLACE = re.compile(
    rf"\b(?i:thành{_SPACE}phố|tỉnh|quận|huyện|thị{_SPACE}xã|thị{_SPACE}trấn|phường|xã(?!{_SPACE}hội))"
    rf"(?:{_SPACE}{_WORD}){{1,4}}\b"
)
# A date's parts: "ngày 05", "tháng 02", "năm 2020" never end a line on their word alone.
_DATE_PART = re.compile(rf"\b(?i:ngày|tháng|năm){_SPACE}\d+\b")
# A run of capitalised words ("Hai Bà Trưng", "Hà Nội", "Nguyễn Văn An"): kept whole when short.
_RUN = re.compile(rf"\b{_WORD}(?:{_SPACE}{_WORD})+\b")
_RUN_MAX_WORDS = 4
_RUN_MAX_CHARS = 30


def _glue(match):
    return re.sub(_SPACE, NBSP, match.group(0))


def _glue_short_run(match):
    text = match.group(0)
    words = re.split(_SPACE, text)
    if len(words) > _RUN_MAX_WORDS or len(text) > _RUN_MAX_CHARS:
        return text
    return NBSP.join(words)


def keep_whole(text):
    """`text` with the spaces inside proper names and fixed phrases made non-breaking (U+00A0):
    a line never breaks inside "Hai Bà Trưng", "quận Ba Đình", "Cụm thi đua số 1" or
    "MTTQ Việt Nam", in a header, a table cell or a paragraph. Long runs of capitalised words
    (a header line in capitals) may still break between the names they hold."""
    if not text:
        return text or ""
    text = _FIXED.sub(_glue, text)
    text = _PLACE.sub(_glue, text)
    text = _DATE_PART.sub(_glue, text)
    return _RUN.sub(_glue_short_run, text)


_TAG_OR_RAW = re.compile(
    r"(<style\b.*?</style>|<script\b.*?</script>|<title\b.*?</title>|<[^>]*>)", re.S | re.I
)


def keep_whole_html(html):
    """`keep_whole` applied to the text of an HTML document (never to its tags, its styles or its
    <title>, which becomes the PDF's Title metadata)."""
    parts = _TAG_OR_RAW.split(html)
    return "".join(part if index % 2 else keep_whole(part) for index, part in enumerate(parts))


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

    html = render_html(template, context)
    base_url = Path(settings.BASE_DIR).resolve().as_uri() + "/"
    return HTML(string=html, base_url=base_url, url_fetcher=_make_fetcher()).render()


def render_html(template, context):
    """The document's HTML as both writers read it: NFC, names kept whole."""
    return keep_whole_html(nfc(render_to_string(template, context)))


def render_docx(template, context):
    """Write `template` with `context` as a Word file (.docx): the same description as the PDF,
    written by core.word."""
    return html_to_docx(render_html(template, context))


def render_pdf(template, context, *, pdf_variant="pdf/a-3b"):
    """Render `template` with `context` to PDF bytes (fonts embedded, PDF/A-3b by default)."""
    return render_document(template, context).write_pdf(pdf_variant=pdf_variant)
