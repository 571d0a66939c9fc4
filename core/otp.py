"""A second factor (TOTP, django-otp): services, the form, and the guard views apply.

Enrolling is optional for everybody. A user who enrolled confirms a code once per session
before a guarded view. With OTP_REQUIRED_FOR_SIGNATORIES on, the users a guard names (the
signing views name the signatories) who have not enrolled are sent to enrol first.
"""

import base64
import functools
import io
from urllib.parse import urlencode

from crispy_forms.helper import FormHelper
from django import forms
from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.audit import audit_record
from core.errors import DomainError

DEVICE_NAME = "TOTP"


class TokenForm(forms.Form):
    token = forms.CharField(
        label=gettext_lazy("Six-digit code"),
        max_length=8,
        help_text=gettext_lazy("The code your authenticator app shows now."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def clean_token(self):
        token = "".join(self.cleaned_data["token"].split())
        if not token.isdigit() or len(token) not in (6, 8):
            raise forms.ValidationError(_("Enter the six digits your app shows."))
        return token


def confirmed_device(user):
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).first()


def pending_device(user):
    """The user's unconfirmed device (made on first visit), whose key the enrol page shows."""
    device = TOTPDevice.objects.devices_for_user(user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def qr_png_data_uri(text):
    import qrcode

    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=5, border=2)
    code.add_data(text)
    code.make(fit=True)
    out = io.BytesIO()
    code.make_image().save(out, format="PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode("ascii")


def secret_b32(device):
    return base64.b32encode(device.bin_key).decode("ascii")


# --- services ------------------------------------------------------------------------------


def totp_device_confirm(*, actor, device, token):
    """Confirm the actor's new authenticator with a code it shows; drop any older one."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=actor)
        if device.confirmed:
            raise DomainError(_("This authenticator is already confirmed."))
        if not device.verify_token(token):
            raise DomainError(_("The code is wrong or has expired. Enter the code shown now."))
        TOTPDevice.objects.filter(user=actor).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        audit_record(actor=actor, obj=device.user, action="otp.enrol", after={"device": device.pk})
        return device


def totp_device_remove(*, actor, token):
    """Remove the actor's authenticator, proven by a current code from it."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(user=actor, confirmed=True).first()
        if device is None:
            raise DomainError(_("You have no authenticator to remove."))
        if not device.verify_token(token):
            raise DomainError(_("The code is wrong or has expired. Enter the code shown now."))
        TOTPDevice.objects.filter(user=actor).delete()
        audit_record(
            actor=actor, obj=device.user, action="otp.remove", before={"device": device.pk}
        )


# --- the guard -----------------------------------------------------------------------------


def _with_next(url_name, request):
    return f"{reverse(url_name)}?{urlencode({'next': request.get_full_path()})}"


def second_factor_required(must_enrol, *, verify_message, enrol_message):
    """Guard a view (GET and POST alike) with the user's second factor.

    A user with an authenticator confirms a code once per session; a user without one for
    whom `must_enrol(user)` holds is sent to enrol when OTP_REQUIRED_FOR_SIGNATORIES is on.
    The messages say why the user was sent there.
    """

    def decorator(view):
        @functools.wraps(view)
        def guarded(request, *args, **kwargs):
            user = request.user
            if user.is_authenticated:
                if user_has_device(user, confirmed=True):
                    if not user.is_verified():
                        messages.info(request, verify_message)
                        return redirect(_with_next("otp_verify", request))
                elif settings.OTP_REQUIRED_FOR_SIGNATORIES and must_enrol(user):
                    messages.warning(request, enrol_message)
                    return redirect(_with_next("otp_setup", request))
            return view(request, *args, **kwargs)

        return guarded

    return decorator
