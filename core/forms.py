"""Form helpers shared by every app."""

import datetime
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import DecimalValidator
from django.utils import timezone
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, mark_safe
from django.utils.timezone import template_localtime
from django.utils.translation import get_language, gettext_noop
from django.utils.translation import gettext_lazy as _

from core.errors import DomainError
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


def _shown(value):
    """`{{ value }}` in a template: localized, as text, escaped unless already safe."""
    value = localize(template_localtime(value))
    return conditional_escape(value if isinstance(value, str) else str(value))


def _formatted(value):
    """`{{ value|stringformat:'s' }}` in a template."""
    text = str(value)
    return conditional_escape(mark_safe(text) if isinstance(value, SafeData) else text)


def _attributes(attrs):
    """Django's widgets/attrs.html: ` name="value"`, a bare name for True, nothing for False."""
    return "".join(
        f" {_shown(name)}" if value is True else f' {_shown(name)}="{_formatted(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


class Select(forms.Select):
    """Django's select, written here rather than by its templates (one per option): the same
    HTML as Django's select.html and select_option.html (tests/core/test_forms_select.py), a
    long list several times faster."""

    def _render(self, template_name, context, renderer=None):
        widget = context["widget"]
        parts = [f'<select name="{_shown(widget["name"])}"{_attributes(widget["attrs"])}>']
        for group_name, group_choices, _index in widget["optgroups"]:
            if group_name:
                parts.append(f'\n  <optgroup label="{_shown(group_name)}">')
            parts.extend(
                f'\n  <option value="{_formatted(option["value"])}"'
                f"{_attributes(option['attrs'])}>{_shown(option['label'])}</option>\n"
                for option in group_choices
            )
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return mark_safe("".join(parts))


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
