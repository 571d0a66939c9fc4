"""`{% link "name" id … %}`: `{% url %}` for whole-number ids, in the loops of long pages
(core.links)."""

from django import template

from core.links import link as _link

register = template.Library()


@register.simple_tag
def link(name, *ids):
    return _link(name, *ids)
