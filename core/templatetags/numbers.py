"""`{{ value|vn_number }}`: a number the Vietnamese way ('15', '17,5'), in every template.

A built-in of the template engine (settings.TEMPLATES), so no template needs `{% load %}`.
"""

from django import template

from core.text import vn_number as _vn_number

register = template.Library()


@register.filter
def vn_number(value, places=2):
    """'' for None and for text that is not a number (the template shows what it had)."""
    if value is None or value == "":
        return ""
    try:
        return _vn_number(value, int(places))
    except (ArithmeticError, ValueError, TypeError):
        return value
