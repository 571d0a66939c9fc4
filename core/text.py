"""Text helpers: Vietnamese-aware folding for search that ignores diacritics and case."""

import unicodedata

from django.db.models import Q


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
