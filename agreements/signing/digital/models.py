"""The digital signing's records: registered certificates, seal images, organisation keys held by
the server, the signature fields, the file's revisions and the signers' turns.

Imported by agreements/models so that they belong to the `agreements` app.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from clusters.models import Person, Unit
from core.uploads import GeneratedName


class Confirmation(models.TextChoices):
    PENDING = "pending", _("Waiting for a second person's confirmation")
    CONFIRMED = "confirmed", _("Confirmed")
    REFUSED = "refused", _("Refused")
    RETIRED = "retired", _("No longer used")


class Confirmed(models.Model):
    """A record that takes effect only when a second person of the parent body confirms it."""

    status = models.CharField(
        _("status"), max_length=10, choices=Confirmation, default=Confirmation.PENDING
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    registered_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def is_in_force(self):
        return self.status == Confirmation.CONFIRMED


class Certificate(Confirmed):
    """A signing certificate registered for a person (their personal signature) or a unit (its
    organisation signature), matched by the SHA-256 of the certificate."""

    class Kind(models.TextChoices):
        PERSONAL = "personal", _("Personal (the chair's)")
        ORGANISATION = "organisation", _("Organisation (the unit's)")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind)
    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="certificates",
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="certificates",
    )
    der = models.BinaryField(_("certificate (DER)"), editable=False)
    sha256 = models.CharField(_("SHA-256 fingerprint"), max_length=64)
    subject_name = models.CharField(_("holder (from the certificate)"), max_length=300)
    issuer_name = models.CharField(_("issuer"), max_length=300)
    serial = models.CharField(_("serial number"), max_length=100)
    valid_from = models.DateTimeField(_("valid from"))
    valid_until = models.DateTimeField(_("valid until"))
    remote_credential = models.CharField(
        _("remote signing credential"),
        max_length=200,
        blank=True,
        help_text=_("The credential's identifier at the remote signing provider, if any."),
    )

    class Meta:
        verbose_name = _("signing certificate")
        verbose_name_plural = _("signing certificates")
        ordering = ["-registered_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="personal", person__isnull=False, unit__isnull=True)
                | Q(kind="organisation", unit__isnull=False, person__isnull=True),
                name="certificate_has_one_holder",
            ),
            models.UniqueConstraint(
                fields=["sha256", "person"],
                condition=Q(person__isnull=False),
                name="certificate_once_per_person",
                violation_error_message=_("This certificate is already registered."),
            ),
            models.UniqueConstraint(
                fields=["sha256", "unit"],
                condition=Q(unit__isnull=False),
                name="certificate_once_per_unit",
                violation_error_message=_("This certificate is already registered."),
            ),
        ]

    def __str__(self):
        return f"{self.subject_name} ({self.sha256[:12]}…)"


class SealImage(Confirmed):
    """A unit's seal image (red, transparent PNG), drawn only as its organisation signature."""

    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="seal_images"
    )
    image = models.BinaryField(_("seal image (PNG)"), editable=False)
    sha256 = models.CharField(_("SHA-256"), max_length=64)

    class Meta:
        verbose_name = _("seal image")
        verbose_name_plural = _("seal images")
        ordering = ["-registered_at", "-pk"]

    def __str__(self):
        return f"{self.unit} — {self.sha256[:12]}…"


class OrganisationKey(Confirmed):
    """A unit's organisation certificate and key entrusted to the server (PKCS#12), kept
    encrypted under a key from the environment; never shown, exported or backed up."""

    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="organisation_keys"
    )
    certificate = models.ForeignKey(
        Certificate, verbose_name=_("certificate"), on_delete=models.PROTECT, related_name="+"
    )
    sealed_key = models.BinaryField(_("encrypted key"), editable=False)

    class Meta:
        verbose_name = _("organisation key held by the server")
        verbose_name_plural = _("organisation keys held by the server")
        ordering = ["-registered_at", "-pk"]

    def __str__(self):
        return f"{self.unit} — {self.certificate.subject_name}"


class SignatureSlot(models.Model):
    """One empty signature field of the agreement's file: whose signature goes where."""

    class Kind(models.TextChoices):
        PERSONAL = "personal", _("The chair's signature")
        ORGANISATION = "organisation", _("The unit's organisation signature")
        CLOSING = "closing", _("The closing signature")

    agreement = models.ForeignKey(
        "agreements.Agreement",
        verbose_name=_("agreement"),
        on_delete=models.PROTECT,
        related_name="signature_slots",
    )
    name = models.CharField(_("field name"), max_length=40)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind)
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    order = models.PositiveSmallIntegerField(_("order"))
    page = models.PositiveSmallIntegerField(_("page (from 0)"), default=0)
    box = models.JSONField(_("box on the page (points)"), null=True, blank=True)

    class Meta:
        verbose_name = _("signature field")
        verbose_name_plural = _("signature fields")
        ordering = ["agreement", "order"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "name"], name="slot_name_once"),
            models.UniqueConstraint(
                fields=["agreement", "unit", "kind"],
                condition=Q(unit__isnull=False),
                name="slot_once_per_unit_and_kind",
            ),
        ]

    def __str__(self):
        return self.name


class DocumentRevision(models.Model):
    """One state of the agreement's file: the prepared document, then one per signature added."""

    class Kind(models.TextChoices):
        PREPARED = "prepared", _("Prepared with empty signature fields")
        SIGNATURE = "signature", _("Signature added")
        CLOSING = "closing", _("Closed")

    class Channel(models.TextChoices):
        REMOTE = "remote", _("Remote signing")
        SERVER_KEY = "server_key", _("Organisation certificate held by the server")
        UPLOAD = "upload", _("Signed file sent back")
        APPLICATION = "application", _("The application")

    agreement = models.ForeignKey(
        "agreements.Agreement",
        verbose_name=_("agreement"),
        on_delete=models.PROTECT,
        related_name="document_revisions",
    )
    number = models.PositiveSmallIntegerField(_("number"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind)
    slot = models.OneToOneField(
        SignatureSlot,
        verbose_name=_("signature field"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="revision",
    )
    file = models.FileField(_("file"), upload_to=GeneratedName("signed-agreements"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveIntegerField(_("size (bytes)"))
    channel = models.CharField(_("channel"), max_length=12, choices=Channel)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("added by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    added_at = models.DateTimeField(_("added at"))
    certificate = models.ForeignKey(
        Certificate,
        verbose_name=_("certificate"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    signer_name = models.CharField(_("signer (from the certificate)"), max_length=300, blank=True)
    signed_at = models.DateTimeField(_("signing time"), null=True, blank=True)
    checks = models.JSONField(_("checks on acceptance"), default=dict, blank=True)

    class Meta:
        verbose_name = _("revision of the signed file")
        verbose_name_plural = _("revisions of the signed file")
        ordering = ["agreement", "number"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "number"], name="revision_number_once"),
        ]

    def __str__(self):
        return f"{self.agreement} — #{self.number} ({self.get_kind_display()})"


class Turn(models.Model):
    """A signer's turn on the agreement's file: one at a time, for a few minutes, so that
    nobody signs a revision that is about to be superseded."""

    class State(models.TextChoices):
        WAITING = "waiting", _("Waiting in line")
        ACTIVE = "active", _("Signing now")
        DONE = "done", _("Signed")
        EXPIRED = "expired", _("Expired")
        CANCELLED = "cancelled", _("Cancelled")
        FAILED = "failed", _("Refused")

    agreement = models.ForeignKey(
        "agreements.Agreement",
        verbose_name=_("agreement"),
        on_delete=models.PROTECT,
        related_name="signing_turns",
    )
    slot = models.ForeignKey(
        SignatureSlot,
        verbose_name=_("signature field"),
        on_delete=models.PROTECT,
        related_name="turns",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signer"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    channel = models.CharField(_("channel"), max_length=12, choices=DocumentRevision.Channel)
    state = models.CharField(_("state"), max_length=10, choices=State, default=State.WAITING)
    requested_at = models.DateTimeField(_("asked at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("ends at"), null=True, blank=True)
    base_revision = models.ForeignKey(
        DocumentRevision,
        verbose_name=_("revision signed"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    prepared = models.JSONField(_("prepared signature"), default=dict, blank=True)
    message = models.CharField(_("what happened"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("signing turn")
        verbose_name_plural = _("signing turns")
        ordering = ["agreement", "requested_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement"], condition=Q(state="active"), name="turn_one_active"
            ),
            models.UniqueConstraint(
                fields=["agreement", "slot"],
                condition=Q(state__in=["waiting", "active"]),
                name="turn_one_open_per_field",
            ),
        ]

    def __str__(self):
        return f"{self.slot} — {self.get_state_display()}"


class SigningRecord(models.Model):
    """The signing record of a digitally signed agreement: its own document, sealed by the
    application (the agreement's file is never rewritten to add it)."""

    agreement = models.OneToOneField(
        "agreements.Agreement",
        verbose_name=_("agreement"),
        on_delete=models.PROTECT,
        related_name="signing_record",
    )
    file = models.FileField(_("file"), upload_to=GeneratedName("signing-records"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveIntegerField(_("size (bytes)"))
    created_at = models.DateTimeField(_("made at"), auto_now_add=True)

    class Meta:
        verbose_name = _("signing record")
        verbose_name_plural = _("signing records")

    def __str__(self):
        return f"{self.agreement} — {self.sha256[:12]}…"
