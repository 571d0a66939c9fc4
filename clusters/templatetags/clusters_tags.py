"""Template questions about the user's roles, answered by `clusters.access`."""

from django import template

from clusters import access

register = template.Library()


@register.simple_tag
def is_parent_staff(user):
    """Whether `user` manages the clusters of some parent body (for menus and buttons)."""
    return user.is_authenticated and access.is_parent_staff(user)
