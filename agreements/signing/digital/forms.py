"""Forms of the digital signing: certificates, seal images, organisation keys."""

from django import forms
from django.utils.translation import gettext_lazy as _

MAX_FILE = 64 * 1024


class _FileField(forms.FileField):
    def __init__(self, *args, limit=MAX_FILE, **kwargs):
        self.limit = limit
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload is not None and upload.size > self.limit:
            raise forms.ValidationError(_("The file is too large."))
        return upload


class CertificateForm(forms.Form):
    """A certificate file, or the credential at the remote signing provider (which gives it)."""

    certificate = _FileField(
        label=_("Certificate file (.cer, .crt or .pem)"),
        required=False,
        help_text=_("Only the certificate: never the private key."),
    )
    remote_credential = forms.CharField(
        label=_("Remote signing credential"),
        max_length=200,
        required=False,
        help_text=_(
            "The credential's identifier at your remote signing provider, if you sign remotely."
        ),
    )

    def clean(self):
        data = super().clean()
        if not data.get("certificate") and not data.get("remote_credential", "").strip():
            raise forms.ValidationError(
                _("Give the certificate file, or your remote signing credential.")
            )
        return data


class SealImageForm(forms.Form):
    image = _FileField(label=_("The seal's image (PNG, transparent background)"), limit=1024 * 1024)


class OrganisationKeyForm(forms.Form):
    pkcs12 = _FileField(label=_("The organisation's certificate and key (.p12 or .pfx)"))
    password = forms.CharField(
        label=_("Its password"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
    )


class RefuseForm(forms.Form):
    reason = forms.CharField(label=_("Why it is refused"), max_length=300)
