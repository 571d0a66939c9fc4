"""Template questions about the user's roles, answered by `clusters.access`."""

from django import template

from clusters import access

register = template.Library()


@register.simple_tag
def is_parent_staff(user):
    """Whether `user` manages the clusters of some parent body (for menus and buttons)."""
    return user.is_authenticated and access.is_parent_staff(user)


@register.simple_tag
def is_signatory(user):
    """Whether `user` may sign for some unit now (the saved signature is theirs to keep)."""
    return user.is_authenticated and access.is_signatory(user)


@register.simple_tag
def holds_position(user):
    """Whether `user` holds a current position in some unit (personal certificates, the unit's
    organisation key and seal image, or the parent body's confirmations are theirs to manage)."""
    return user.is_authenticated and bool(access.unit_ids(user))
