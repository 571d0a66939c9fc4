"""The unit's page links to the unit's awards (whoever sees the unit may read them)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.unit_links import Link, register


@register
def unit_awards(user, unit):
    return [Link(_("Awards of the unit"), reverse("awards:unit_awards", args=[unit.pk]))]
