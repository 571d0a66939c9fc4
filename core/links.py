"""`link(name, *ids)`: Django's `reverse(name, args=ids)` for whole-number ids, without its cost.

A page with a row per cluster links each row's steps: the staff's year overview reversed a
hundred URLs, each about 15 µs of matching the URL patterns. The address of a view whose
arguments are ids is the same text for any ids, with the ids in their places: it is worked out
once per process (per URL configuration, script prefix and language) by reversing it with marks
in place of the ids, and checked against Django's own `reverse` with other ids; then each call
only puts the ids in. Anything else (a name whose address is not of that shape, a negative
number, a string) goes to `reverse` itself.
"""

import functools

from django.conf import settings
from django.core.signals import setting_changed
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language

# Numbers that no address of the site contains: they stand for the ids while a shape is found.
_MARKS = (7_919_000_001, 7_919_000_002, 7_919_000_003, 7_919_000_004)
_CHECK = (31, 4_207, 5, 1_000_000)  # other ids that the found shape must give as reverse does


@functools.lru_cache(maxsize=1024)  # one entry per URL name and number of ids the code uses
def _shape(name, count, urlconf, prefix, language):
    """The address's text split around its ids (a tuple of count + 1 parts), or None."""
    text = reverse(name, args=_MARKS[:count], urlconf=urlconf)
    parts = []
    for mark in _MARKS[:count]:
        before, found, text = text.partition(str(mark))
        if not found:
            return None
        parts.append(before)
    parts.append(text)
    shape = tuple(parts)
    if _fill(shape, _CHECK[:count]) != reverse(name, args=_CHECK[:count], urlconf=urlconf):
        return None
    return shape


def _fill(shape, ids):
    out = [shape[0]]
    for value, part in zip(ids, shape[1:], strict=True):
        out.append(str(value))
        out.append(part)
    return "".join(out)


def link(name, *ids):
    """The site address of view `name` with the whole numbers `ids` (as `reverse`)."""
    if len(ids) > len(_MARKS) or not all(type(i) is int and i >= 0 for i in ids):
        return reverse(name, args=ids)
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    shape = _shape(name, len(ids), urlconf, get_script_prefix(), get_language())
    if shape is None:
        return reverse(name, args=ids)
    return _fill(shape, ids)


@functools.partial(setting_changed.connect, weak=False)
def _forget(*, setting, **kwargs):
    if setting == "ROOT_URLCONF":
        _shape.cache_clear()
