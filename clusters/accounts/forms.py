"""Forms of the log-in, password and account pages (the <form> tag is in each template)."""

from crispy_forms.helper import FormHelper
from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from core import throttling

User = get_user_model()


def _helper():
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    return helper


class _HelperMixin:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()


# --- log in and passwords ------------------------------------------------------------------


class LoginForm(_HelperMixin, auth_forms.AuthenticationForm):
    error_messages = {
        **auth_forms.AuthenticationForm.error_messages,
        "invalid_login": _(
            "The username or the password is wrong. Both are case-sensitive; check Caps Lock."
        ),
        "inactive": _("This account has been deactivated. Ask the parent body's staff."),
    }


class PasswordChangeForm(_HelperMixin, auth_forms.PasswordChangeForm):
    """Wrong old passwords count as failed log-ins of the account from the client's address.

    `request` is required: the check (core.throttling.check_password) records each failure,
    says how many tries are left, and raises PasswordLocked once the pair is locked.
    """

    error_messages = {
        **auth_forms.PasswordChangeForm.error_messages,
        "password_incorrect": _("Your old password is wrong. Type it again."),
    }

    def __init__(self, user, *args, request, **kwargs):
        super().__init__(user, *args, **kwargs)
        self.request = request

    def clean_old_password(self):
        old_password = self.cleaned_data["old_password"]
        if throttling.check_password(self.request, self.user, old_password):
            return old_password
        message = throttling.wrong_password_message(
            self.request, self.user, self.error_messages["password_incorrect"]
        )
        raise forms.ValidationError(message, code="password_incorrect")


class PasswordResetForm(_HelperMixin, auth_forms.PasswordResetForm):
    pass


class SetPasswordForm(_HelperMixin, auth_forms.SetPasswordForm):
    pass


# --- account management by parent staff ----------------------------------------------------


class AccountCreateForm(_HelperMixin, forms.Form):
    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        validators=[User.username_validator],
        help_text=_("Letters, digits and . _ - only, e.g. canbo.dongda."),
    )
    email = forms.EmailField(label=_("E-mail"), required=False)
    invite = forms.BooleanField(
        label=_("Send an invitation e-mail with a link to set the password"),
        required=False,
        initial=True,
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("invite") and not cleaned.get("email"):
            self.add_error("email", _("An invitation needs an e-mail address."))
        return cleaned


class AccountEmailForm(_HelperMixin, forms.Form):
    email = forms.EmailField(label=_("E-mail"), required=False)


class AccountStatusForm(_HelperMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Kept in the account's history."),
    )


class PeopleSearchForm(forms.Form):
    q = forms.CharField(label=_("Search by name"), required=False, max_length=100)
