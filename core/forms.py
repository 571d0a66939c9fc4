"""Form helpers shared by every app."""

from django.utils.translation import gettext_noop

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
