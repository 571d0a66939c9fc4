"""The one way a view calls a service and shows what happened.

A service raises a ValidationError (a DomainError, or a ConflictError from the lost-update
guard) when the rules refuse a change. `call_service` turns that into what the user sees: the
errors on the form's fields when the view has a form, otherwise messages on the next page.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError

from core.errors import ConflictError
from core.forms import apply_errors


@dataclass
class Outcome:
    """What a service call gave: its result, or the refusal it raised."""

    result: object = None
    error: ValidationError | None = None

    @property
    def ok(self):
        return self.error is None

    def __bool__(self):
        return self.ok

    @property
    def conflict(self):
        """The lost-update refusal, which pages show with the other person's values."""
        return self.error if isinstance(self.error, ConflictError) else None


def call_service(
    request, service, form=None, /, *, shows_conflict=False, report=True, success=None, **kwargs
):
    """Call `service(actor=request.user, **kwargs)`; return its Outcome (true if it went through).

    The form comes by position, so that a service may take a keyword named `form` (an award's).

    Refused with a form: the errors go on its fields. A lost update (ConflictError) on a page
    that `shows_conflict` (the other person's values, from `outcome.conflict`) keeps the user's
    input and takes the record's current version, so that saving again after that review goes
    through; on other pages its message goes on the form and the version stays, so that a
    second try is refused too until the page is reloaded. Refused without a form: each message
    goes to the messages framework, unless `report` is false (the caller shows `outcome.error`
    itself, e.g. in an htmx event). `success` is added as a message when the call went through.
    """
    try:
        result = service(actor=request.user, **kwargs)
    except ValidationError as error:
        if form is not None and shows_conflict and isinstance(error, ConflictError):
            keep_input_at_version(form, error.version)
        elif form is not None:
            apply_errors(form, error)
        elif report:
            for message in error.messages:
                messages.error(request, message)
        return Outcome(error=error)
    if success:
        messages.success(request, success)
    return Outcome(result=result)


def keep_input_at_version(form, version):
    """Keep the form's input, with the record's current version in its hidden field."""
    if version is None or "version" not in form.fields:
        return
    data = form.data.copy()
    data[form.add_prefix("version")] = version
    form.data = data


def report_form_errors(request, form):
    """Show a form's errors as messages (for buttons whose form is not shown again)."""
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else error)
