"""Signing and sealing: signatures, declines, paper signing, closing the signing, the seal.

Imported by agreements/models so that Django sees these models as the
agreements app's.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clusters.models import Unit
from core.uploads import PDF, GeneratedName, UploadValidator

# The largest signature image accepted, in bytes (a drawn PNG is usually 5–30 KB).
SIGNATURE_IMAGE_MAX_BYTES = 300 * 1024
SIGNATURE_IMAGE_MAX_SIDE = 2000
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def new_verification_code():
    """A random code of 192 bits, URL-safe (32 characters)."""
    return secrets.token_urlsafe(24)


class Signature(models.Model):
    """One member unit's signature on an adopted agreement, with everything as it was."""

    class Method(models.TextChoices):
        DRAWN = "drawn", _("Drawn on the pad")
        SAVED = "saved", _("Saved signature")
        TYPED = "typed", _("Typed name")
        PAPER = "paper", _("Signed on paper at the conference")
        DIGITAL = "digital", _("Digital signatures of the chair and the unit")

    agreement = models.ForeignKey(
        "agreements.Agreement",
        verbose_name=_("agreement"),
        on_delete=models.PROTECT,
        related_name="signatures",
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="signatures"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signed by (login)"),
        on_delete=models.PROTECT,
        related_name="signatures",
    )
    unit_name = models.CharField(_("unit as it was"), max_length=255)
    signer_name = models.CharField(_("signer's name"), max_length=200)
    signer_title = models.CharField(_("position"), max_length=20)
    signer_position = models.CharField(_("position as shown"), max_length=100)
    signature_block = models.JSONField(_("signature block"), default=list)
    image = models.BinaryField(_("signature image (PNG)"), blank=True, default=b"")
    method = models.CharField(_("method"), max_length=10, choices=Method)
    signed_at = models.DateTimeField(_("signed at"))
    content_hash = models.CharField(_("SHA-256 of the content signed"), max_length=64)
    paper = models.OneToOneField(
        "agreements.PaperSigning",
        verbose_name=_("paper signing"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="signature",
    )
    void = models.BooleanField(_("void"), default=False)
    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True)
    void_reason = models.CharField(_("why void"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        ordering = ["agreement", "signed_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "unit"],
                condition=Q(void=False),
                name="signature_one_live_per_unit",
                violation_error_message=_("This unit has already signed this agreement."),
            ),
            models.CheckConstraint(
                condition=Q(void=False) | Q(voided_at__isnull=False),
                name="signature_void_has_time",
            ),
            models.CheckConstraint(
                condition=Q(method="paper", paper__isnull=False)
                | (~Q(method="paper") & Q(paper__isnull=True)),
                name="signature_paper_has_record",
            ),
        ]

    def __str__(self):
        return f"{self.unit_name}: {self.signer_name} ({self.signed_at:%d/%m/%Y %H:%M})"

    @property
    def is_paper(self):
        return self.method == self.Method.PAPER

    @property
    def is_simple(self):
        """Drawn, saved or typed in the application: an electronic signature (chữ ký điện tử),
        which the law does not count as a digital signature (chữ ký số)."""
        return self.method in (self.Method.DRAWN, self.Method.SAVED, self.Method.TYPED)

    @property
    def kind_of_signature(self):
        """How the unit signed, as every page says it (mixed signings show each unit's)."""
        if self.is_paper:
            return _("On paper, at the conference")
        if self.method == self.Method.DIGITAL:
            return _("Digital signatures (chữ ký số) of the chair and the organisation")
        return SIMPLE_LABEL


SIMPLE_LABEL = _("Electronic signature, not a digital signature (chữ ký số)")


class SavedSignature(models.Model):
    """A user's saved signature image, reused on later agreements (the keyboard path)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="saved_signature",
    )
    image = models.BinaryField(_("signature image (PNG)"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("saved signature")
        verbose_name_plural = _("saved signatures")

    def __str__(self):
        return str(self.user)


class Decline(models.Model):
    """A signatory's refusal to sign, with the reason the cluster head sees."""

    agreement = models.ForeignKey(
        "agreements.Agreement",
        verbose_name=_("agreement"),
        on_delete=models.PROTECT,
        related_name="declines",
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="declines"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("declined by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    signer_name = models.CharField(_("name"), max_length=200)
    reason = models.TextField(_("reason"))
    at = models.DateTimeField(_("time"))

    class Meta:
        verbose_name = _("refusal to sign")
        verbose_name_plural = _("refusals to sign")
        ordering = ["agreement", "-at", "-pk"]

    def __str__(self):
        return f"{self.unit}: {self.reason[:60]}"


class PaperSigning(models.Model):
    """A unit that signed the paper copy at the conference; it counts once confirmed."""

    agreement = models.ForeignKey(
        "agreements.Agreement",
        verbose_name=_("agreement"),
        on_delete=models.PROTECT,
        related_name="paper_signings",
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="paper_signings"
    )
    unit_name = models.CharField(_("unit as it was"), max_length=255)
    signer_name = models.CharField(_("signer's name"), max_length=200)
    signer_title = models.CharField(_("position"), max_length=20)
    signature_block = models.JSONField(_("signature block"), default=list)
    scan = models.FileField(
        _("scan of the signed copy"),
        upload_to=GeneratedName("paper-signings"),
        validators=[UploadValidator(PDF)],
    )
    scan_sha256 = models.CharField(_("SHA-256 of the scan"), max_length=64)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"))
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    withdrawn = models.BooleanField(_("withdrawn"), default=False)
    # The unit's chair sees the record and may contest it until `contest_until`; parent staff
    # confirm it only after that, or once the chair accepted it (confirming it is accepting it).
    contest_until = models.DateTimeField(_("may be contested until"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accepted by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    contested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("contested by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    contested_at = models.DateTimeField(_("contested at"), null=True, blank=True)
    contest_reason = models.TextField(_("reason for contesting"), blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resolved by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolution_reason = models.TextField(_("reason for the resolution"), blank=True)

    class Meta:
        verbose_name = _("paper signing")
        verbose_name_plural = _("paper signings")
        ordering = ["agreement", "recorded_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "unit"],
                condition=Q(withdrawn=False),
                name="paper_signing_once_per_unit",
                violation_error_message=_(
                    "A paper signing is already recorded for this unit on this agreement."
                ),
            ),
            models.CheckConstraint(
                condition=Q(confirmed_at__isnull=True) | Q(confirmed_by__isnull=False),
                name="paper_signing_confirmed_by_someone",
            ),
        ]

    def __str__(self):
        return f"{self.unit_name} — {self.agreement}"

    @property
    def is_confirmed(self):
        return self.confirmed_at is not None

    @property
    def is_contested(self):
        """Contested by the unit's chair and not yet resolved by parent staff."""
        return self.contested_at is not None and self.resolved_at is None

    def in_contest_period(self, now=None):
        """Whether the unit's chair may still contest it (so parent staff wait)."""
        now = now or timezone.now()
        return (
            self.accepted_at is None and self.contest_until is not None and now < self.contest_until
        )

    @property
    def record_note(self):
        """Who recorded and who confirmed it, for the signing record (Vietnamese only)."""

        def name(user):
            return (user.get_full_name() or user.get_username()) if user else "—"

        note = f"ghi nhận: {name(self.recorded_by)}"
        if self.confirmed_by_id:
            note += f"; xác nhận: {name(self.confirmed_by)}"
        return note


class SigningClosure(models.Model):
    """Parent staff closing the signing although some members did not sign, and why."""

    agreement = models.OneToOneField(
        "agreements.Agreement",
        verbose_name=_("agreement"),
        on_delete=models.PROTECT,
        related_name="signing_closure",
    )
    reason = models.TextField(_("reason"))
    units_not_signed = models.JSONField(_("units that did not sign"), default=list)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("closed at"))

    class Meta:
        verbose_name = _("closing of the signing")
        verbose_name_plural = _("closings of the signing")

    def __str__(self):
        return f"{self.agreement}: {self.reason[:60]}"


class Seal(models.Model):
    """The sealed final document of an agreement: produced once, stored, never regenerated."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Being sealed")
        SEALED = "sealed", _("Sealed")
        FAILED = "failed", _("Sealing failed")

    agreement = models.OneToOneField(
        "agreements.Agreement",
        verbose_name=_("agreement"),
        on_delete=models.PROTECT,
        related_name="seal",
    )
    verification_code = models.CharField(
        _("verification code"),
        max_length=64,
        unique=True,
        default=new_verification_code,
        editable=False,
    )
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.PENDING)
    file = models.FileField(
        _("sealed document"), upload_to=GeneratedName("sealed"), blank=True, editable=False
    )
    sha256 = models.CharField(_("SHA-256 of the sealed file"), max_length=64, blank=True)
    size = models.PositiveIntegerField(_("size in bytes"), null=True, blank=True)
    certificate_subject = models.CharField(_("sealed with"), max_length=300, blank=True)
    attests = models.TextField(_("what the seal attests"), blank=True)
    requested_at = models.DateTimeField(_("requested at"))
    sealed_at = models.DateTimeField(_("sealed at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("seal")
        verbose_name_plural = _("seals")
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="sealed") | (Q(sealed_at__isnull=False) & ~Q(sha256="")),
                name="seal_sealed_has_file",
            ),
            models.CheckConstraint(
                condition=Q(verification_code__regex=r"^[A-Za-z0-9_-]{22,}$"),
                name="seal_code_long_enough",
            ),
        ]
        indexes = [
            # The failed sealings (the staff's and heads' dashboards): a few rows, or none.
            models.Index(fields=["agreement"], condition=Q(status="failed"), name="seal_failed"),
        ]

    def __str__(self):
        return f"{self.agreement} — {self.get_status_display()}"

    @property
    def is_sealed(self):
        return self.status == self.Status.SEALED
