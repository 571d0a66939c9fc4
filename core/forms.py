"""Form helpers shared by every app."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from core.errors import DomainError

# Django's own messages that its Vietnamese catalogue does not have yet: listed here so that
# `make messages` puts them in ours, which Django reads first (LOCALE_PATHS).
DJANGO_MESSAGES = [
    gettext_noop("- Select an option -"),  # the blank choice of every select (Django 6.1)
]


def apply_errors(form, error):
    """Put a service's ValidationError on the form's fields (or on the form as a whole).

    A form whose fields are not named after what the service checks (a sheet of criteria)
    maps the error itself in `apply_service_error(error)`, returning True when it did.
    """
    custom = getattr(form, "apply_service_error", None)
    if custom is not None and custom(error):
        return form
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)
    return form


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


def deadline_field(label, **kwargs):
    """A step's deadline: a date and time, typed in a phone's or browser's own picker."""
    return forms.DateTimeField(
        label=label,
        widget=DateTimeLocalInput(),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"],
        **kwargs,
    )


def default_deadline(days):
    """The end of the working day `days` days from now (17:00, local time)."""
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(17, 0)))


def require_future(deadline, field="deadline"):
    """The services' check of a deadline that is being set: it must lie ahead."""
    if deadline is not None and deadline <= timezone.now():
        raise DomainError({field: _("The deadline must be in the future.")})
    return deadline
