"""Text helpers: folding for search that ignores diacritics and case; numbers read and written
the Vietnamese way; messages formatted in the language of whoever reads them."""

import functools
import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Case, IntegerField, Q, Value, When
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _


@functools.lru_cache(maxsize=8192)
def fold(text):
    """Return `text` lower-cased without diacritics ('Đống Đa' -> 'dong da').

    Kept for the few thousand names a worker sorts again and again (rankings, comparisons)."""
    text = (text or "").replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.lower().split())


def folded_search(queryset, query, field="search_text"):
    """Filter on a stored folded column so that every word of `query` must appear."""
    for word in fold(query).split():
        queryset = queryset.filter(Q(**{f"{field}__contains": word}))
    return queryset


def _interpolate(message, params):
    return str(message) % params


_lazy_interpolate = lazy(_interpolate, str)


def lazy_interpolate(message, params):
    """`message % params`, done each time the text is read, in the language active then.

    `message` is a gettext_lazy string; lazy values among `params` (choice labels) follow it.
    An eager `%` would fix the language of whoever sends a message into what every reader sees.
    """
    return _lazy_interpolate(message, params)


# --- numbers -------------------------------------------------------------------------------
#
# One way to read and one way to write every number the application shows or accepts.
# Written: Vietnamese, decimal comma, no trailing zeros, no thousands separator ('15', '17,5').
# Read: the decimal comma or the point, at most one of them. Nothing is guessed: a separator
# that could group thousands is refused with a message, never read as one or the other.
#   accepted: '17,5' '17.5' '-0,5' ',5' '1234' '1234,56' '0,125' (then too many decimals)
#   refused:  '1.234,5' '1,234.5' '1 234' (two separators or a space: thousands grouping)
#             '1,234' '12.500' (one separator before exactly three digits: 1234 or 1,234?)

# The HTML pattern of number inputs: digits and separators only. What it lets through that is
# still ambiguous ('1.234,5') reaches the server, which says on the field how to write it.
NUMBER_PATTERN = "[+\\-]?[0-9.,]+"
_NUMBER = re.compile(r"([+-]?)([0-9]*)(?:([.,])([0-9]*))?")
_GROUPED = re.compile(r"[+-]?[0-9]+(?:[.,\s\u00a0\u202f'][0-9]+)+(?:[.,][0-9]*)?")


class NumberFormatError(ValueError):
    """A text that is not a number, or not one number only; `message` says how to write it."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def parse_number(value):
    """Return `value` ('17,5', '17.5', 17.5, Decimal) as a Decimal, or None when blank.

    Raise NumberFormatError (with a message for the field) for text that is not a number or
    whose separators could group thousands; a value's magnitude is never guessed.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise NumberFormatError(_("Enter a number, for example 17,5."))
    if isinstance(value, Decimal | int | float):
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        if not number.is_finite():
            raise NumberFormatError(_("Enter a number, for example 17,5."))
        return number
    text = str(value).strip()
    if not text:
        return None
    match = _NUMBER.fullmatch(text)
    if match is None or not (match[2] or match[4]):
        if _GROUPED.fullmatch(text):
            raise NumberFormatError(
                _(
                    "Write the number without a thousands separator and with one decimal comma, "
                    "for example 1234,5."
                )
            )
        raise NumberFormatError(_("Enter a number, for example 17,5."))
    sign, whole, separator, decimals = match.groups()
    if separator and len(decimals) == 3 and whole.strip("0"):
        raise NumberFormatError(
            _(
                "“%(value)s” could be read as a thousands separator: write a whole number without "
                "a separator (%(whole)s) and decimals with a comma (for example 17,5)."
            )
            % {"value": text, "whole": f"{sign}{whole}{decimals}"}
        )
    return Decimal(f"{sign}{whole or '0'}.{decimals or '0'}")


def vn_number(value, places=2, *, language="vi"):
    """Return a number the Vietnamese way: '15', '17,5', '-0,5' ('' for None).

    Rounded half up to `places` decimals, without trailing zeros, with a decimal comma and no
    thousands separator (the form in which `parse_number` reads it back). Documents are always
    Vietnamese; pages pass their language, and an English page gets a decimal point ('17.5').
    The text depends on the number's value only, so a worker keeps the last few thousand (a
    ranking of a province writes about 160 a page).
    """
    if value is None or value == "":
        return ""
    if isinstance(value, (int, float, Decimal)):
        return _vn_number(value, places, language)
    return _vn_number_uncached(value, places, language)


def _vn_number_uncached(value, places, language):
    number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    number = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    text = f"{number:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if text in ("-0", ""):
        text = "0"
    return text if language and not language.startswith("vi") else text.replace(".", ",")


_vn_number = functools.lru_cache(maxsize=8192)(_vn_number_uncached)


# Vietnamese alphabetical order: a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y,
# then the tones (none, grave, hook, tilde, acute, dot below) only where the letters are equal.
_LETTER_MARKS = {"\u0306": 1, "\u0302": 2, "\u031b": 3}  # breve, circumflex, horn
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}


def vietnamese_key(text):
    """A sort key that puts Vietnamese text in dictionary order ('Đống Đa' after 'Dương',
    before 'Hà'), whatever the database's collation (SQLite and PostgreSQL's "C" sort Đ last)."""
    letters, tones = [], []
    spelled = (text or "").replace("Đ", "D\x00").replace("đ", "d\x00")
    for char in unicodedata.normalize("NFD", spelled):
        if char == "\x00" and letters:  # đ: the letter after d
            letters[-1] = (letters[-1][0], 4)
        elif char in _LETTER_MARKS and letters:
            letters[-1] = (letters[-1][0], _LETTER_MARKS[char])
        elif char in _TONES:
            if tones:
                tones[-1] = _TONES[char]
        elif not unicodedata.combining(char):
            letters.append((char.lower(), 0))
            tones.append(0)
    return letters, tones, text or ""


def in_vietnamese_order(queryset, field="name"):
    """The queryset ordered by `field` in Vietnamese dictionary order (sorted here)."""
    rows = sorted(queryset.values_list("pk", field), key=lambda row: vietnamese_key(row[1]))
    if not rows:
        return queryset
    position = Case(
        *[When(pk=pk, then=Value(index)) for index, (pk, _name) in enumerate(rows)],
        output_field=IntegerField(),
    )
    return queryset.order_by(position)
