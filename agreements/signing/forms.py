"""Forms of the signing pages and of the public verification page."""

import base64
import binascii

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from agreements.signing.models import SIGNATURE_IMAGE_MAX_BYTES, Signature
from clusters.models import Unit
from core import throttling

DATA_URL_PREFIX = "data:image/png;base64,"
ONLINE_METHODS = [
    (Signature.Method.DRAWN, _("Draw on the pad")),
    (Signature.Method.SAVED, _("Use my saved signature")),
    (Signature.Method.TYPED, _("Type: my name in a signature font")),
]


def decode_png_data_url(value):
    """Return the bytes of a 'data:image/png;base64,…' URL (empty → b''), or raise."""
    value = (value or "").strip()
    if not value:
        return b""
    if not value.startswith(DATA_URL_PREFIX):
        raise forms.ValidationError(_("The signature must be a PNG image."))
    encoded = value[len(DATA_URL_PREFIX) :]
    if len(encoded) > SIGNATURE_IMAGE_MAX_BYTES * 4 // 3 + 8:
        raise forms.ValidationError(_("The signature image is too large."))
    try:
        return base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise forms.ValidationError(_("The signature image cannot be read.")) from None


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class SignForm(forms.Form):
    unit = UnitChoiceField(label=_("Signing for"), queryset=Unit.objects.none(), empty_label=None)
    method = forms.ChoiceField(
        label=_("Signature"),
        choices=ONLINE_METHODS,
        # Bootstrap's class puts each control on the line of its label (the template draws them).
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
        initial="drawn",
    )
    image = forms.CharField(required=False, widget=forms.HiddenInput)
    save_for_later = forms.BooleanField(
        label=_("Save this signature in my profile for next time"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
    content_hash = forms.CharField(widget=forms.HiddenInput)
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("Enter your password again to confirm that it is you who signs."),
    )
    confirm = forms.BooleanField(
        label=_("I have read the adopted content shown above and sign it for my unit."),
    )

    def __init__(self, *args, request, units, has_saved, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request
        self.fields["unit"].queryset = Unit.objects.filter(pk__in=[u.pk for u in units])
        if len(units) == 1:
            self.fields["unit"].initial = units[0].pk
            self.fields["unit"].widget = forms.HiddenInput()
        if not has_saved:
            self.fields["method"].choices = [
                c for c in ONLINE_METHODS if c[0] != Signature.Method.SAVED
            ]

    def clean_password(self):
        """Wrong passwords count as failed log-ins (core.throttling): a locked pair raises
        PasswordLocked, which the view answers with the lockout page."""
        password = self.cleaned_data["password"]
        user = self.request.user
        if throttling.check_password(self.request, user, password):
            return password
        raise forms.ValidationError(
            throttling.wrong_password_message(
                self.request, user, _("The password is not correct.")
            ),
            code="password_incorrect",
        )

    def clean_image(self):
        return decode_png_data_url(self.cleaned_data.get("image"))


class DeclineForm(forms.Form):
    unit = UnitChoiceField(label=_("For"), queryset=Unit.objects.none(), empty_label=None)
    reason = forms.CharField(
        label=_("Why do you decline to sign?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
    )

    def __init__(self, *args, units, **kwargs):
        # Shown on the signing page next to SignForm, which has a "unit" field too: own ids.
        kwargs.setdefault("auto_id", "id_decline_%s")
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(pk__in=[u.pk for u in units])
        if len(units) == 1:
            self.fields["unit"].initial = units[0].pk
            self.fields["unit"].widget = forms.HiddenInput()
        self.helper = FormHelper()
        self.helper.form_tag = False


class SavedSignatureForm(forms.Form):
    image = forms.CharField(widget=forms.HiddenInput)

    def clean_image(self):
        return decode_png_data_url(self.cleaned_data.get("image"))


class PaperSigningForm(forms.Form):
    units = forms.ModelMultipleChoiceField(
        label=_("Units that signed the paper copy"),
        queryset=Unit.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    scan = forms.FileField(
        label=_("Scan of the signed paper copy (PDF)"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = Unit.objects.filter(pk__in=[u.pk for u in units])
        self.fields["units"].label_from_instance = lambda obj: obj.name
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Record the paper signing")))


class CloseSigningForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is the signing closed without these members?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        help_text=_(
            "For example: the unit was dissolved or merged. The sealed document states it."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Close the signing"), css_class="btn-danger"))


class VerifyForm(forms.Form):
    file = forms.FileField(
        label=_("PDF file to check"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
        help_text=_("At most 20 MB."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Check the file")))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.VERIFY_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                _("The file is too large (%(size)s MB); the limit is %(limit)s MB."),
                params={"size": round(upload.size / 1048576, 1), "limit": limit // 1048576},
            )
        return upload
