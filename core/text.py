"""Text helpers: Vietnamese-aware folding for search that ignores diacritics and case."""

import unicodedata

from django.db.models import Case, IntegerField, Q, Value, When


def fold(text):
    """Return `text` lower-cased without diacritics ('Đống Đa' -> 'dong da')."""
    text = (text or "").replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.lower().split())


def folded_search(queryset, query, field="search_text"):
    """Filter on a stored folded column so that every word of `query` must appear."""
    for word in fold(query).split():
        queryset = queryset.filter(Q(**{f"{field}__contains": word}))
    return queryset


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
