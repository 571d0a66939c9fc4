"""Form helpers shared by every app."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import DecimalValidator
from django.utils.translation import get_language, gettext_noop
from django.utils.translation import gettext_lazy as _

from core.text import NUMBER_PATTERN, NumberFormatError, parse_number, vn_number

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


class NumberField(forms.DecimalField):
    """Every number a form asks for: a text input that takes '17,5' as well as '17.5'.

    Not <input type="number">: Chromium drops the decimal comma there ('17,5' reaches the
    server as 175). The text is read by `core.text.parse_number`, which refuses what could be
    a thousands separator; `whole=True` asks for a whole number (and cleans to an int).
    """

    widget = forms.TextInput

    def __init__(self, *, whole=False, **kwargs):
        self.whole = whole
        if whole:
            kwargs.pop("max_digits", None)
            kwargs.pop("decimal_places", None)
        super().__init__(**kwargs)
        if whole:
            self.validators = [v for v in self.validators if not isinstance(v, DecimalValidator)]

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.update(
            {
                "inputmode": "numeric" if self.whole else "decimal",
                "pattern": NUMBER_PATTERN,
                "title": _("A number, for example 17,5"),
                "autocomplete": "off",
            }
        )
        return attrs

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            number = parse_number(value)
        except NumberFormatError as error:
            raise ValidationError(error.message, code="invalid") from None
        if number is None:
            return None
        if self.whole:
            if number != number.to_integral_value():
                raise ValidationError(_("Enter a whole number, without decimals."), code="whole")
            return int(number)
        return number

    def validate(self, value):
        forms.Field.validate(self, value)

    def prepare_value(self, value):
        if isinstance(value, Decimal | int | float) and not isinstance(value, bool):
            return vn_number(value, language=get_language())
        return value
