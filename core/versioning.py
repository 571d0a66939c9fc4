"""The lost-update guard: a version number checked on every save of an editable record."""

from django import forms
from django.db import models
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from core.errors import ConflictError


class Versioned(models.Model):
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        abstract = True


def save_versioned(obj, *, expected_version, fields):
    """Write `fields` of `obj` only if nobody saved it since `expected_version` was read.

    Raises ConflictError carrying the other person's current values when they did.
    """
    model = type(obj)
    values = {name: getattr(obj, name) for name in fields}
    updated = model._default_manager.filter(pk=obj.pk, version=expected_version).update(
        version=F("version") + 1, **values
    )
    if not updated:
        current = model._default_manager.get(pk=obj.pk)
        raise ConflictError(
            _(
                "Somebody else saved this record after you opened it. Their version is shown "
                "below; your changes are still in the form. Review them and save again."
            ),
            current={
                str(model._meta.get_field(name).verbose_name): getattr(current, name)
                for name in fields
            },
            version=current.version,
        )
    obj.version = expected_version + 1
    return obj


class VersionField(forms.IntegerField):
    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        super().__init__(**kwargs)
