"""`{{ value|vn_number }}`: a number the Vietnamese way ('15', '17,5'), in every template.

A built-in of the template engine (settings.TEMPLATES), so no template needs `{% load %}`.
Pages in English get a decimal point ('17.5'); documents get their numbers already written.
"""

from django import template
from django.utils.translation import get_language

from core.text import vn_number as _vn_number

register = template.Library()


@register.filter
def vn_number(value, places=2):
    """'' for None and for text that is not a number (the template shows what it had)."""
    if value is None or value == "":
        return ""
    try:
        return _vn_number(value, int(places), language=get_language())
    except (ArithmeticError, ValueError, TypeError):
        return value
