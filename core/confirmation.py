"""Four eyes: a record that takes effect only when a second person confirms it.

A model that grants a right (a signing position, a clerk's organisation signature) inherits
`Confirmable`; its service asks for confirmation with `confirmation_request` and the confirming
service calls `confirmation_decide`, which refuses the requester and any other person the
caller names (the one who would receive the right). Rights checks count only
`Model.in_force_q()`.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import DomainError


class Confirmation(models.TextChoices):
    PENDING = "pending", gettext_lazy("Waiting for confirmation")
    CONFIRMED = "confirmed", gettext_lazy("Confirmed")
    REFUSED = "refused", gettext_lazy("Refused")


class Confirmable(models.Model):
    """Who asked for the record, and who confirmed or refused it."""

    confirmation = models.CharField(
        gettext_lazy("confirmation"),
        max_length=10,
        choices=Confirmation,
        default=Confirmation.PENDING,
        editable=False,
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=gettext_lazy("requested by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="+",
    )
    requested_at = models.DateTimeField(
        gettext_lazy("requested at"), default=timezone.now, editable=False
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=gettext_lazy("confirmed by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(
        gettext_lazy("confirmed at"), null=True, blank=True, editable=False
    )
    refused_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=gettext_lazy("refused by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="+",
    )
    refused_at = models.DateTimeField(
        gettext_lazy("refused at"), null=True, blank=True, editable=False
    )
    refusal_reason = models.TextField(
        gettext_lazy("reason for refusal"), blank=True, editable=False
    )

    CONFIRMATION_FIELDS = [
        "confirmation",
        "requested_by",
        "requested_at",
        "confirmed_by",
        "confirmed_at",
        "refused_by",
        "refused_at",
        "refusal_reason",
    ]

    class Meta:
        abstract = True

    @classmethod
    def in_force_q(cls, prefix=""):
        """The rows that count: confirmed ones."""
        return Q(**{f"{prefix}confirmation": Confirmation.CONFIRMED})

    @property
    def is_in_force(self):
        return self.confirmation == Confirmation.CONFIRMED

    @property
    def is_pending(self):
        return self.confirmation == Confirmation.PENDING


def confirmation_request(record, *, actor):
    """Put `record` (unsaved changes allowed) back to waiting for a second person."""
    record.confirmation = Confirmation.PENDING
    record.requested_by = actor if actor is not None and actor.is_authenticated else None
    record.requested_at = timezone.now()
    record.confirmed_by = record.confirmed_at = None
    record.refused_by = record.refused_at = None
    record.refusal_reason = ""


def confirmation_waive(record, *, actor):
    """Mark `record` in force without a second person: it grants nothing that needs one."""
    confirmation_request(record, actor=actor)
    record.confirmation = Confirmation.CONFIRMED
    record.confirmed_at = record.requested_at


def confirmation_decide(record, *, actor, confirm, reason="", beneficiary_user_ids=()):
    """Confirm or refuse a pending record, locked by the caller, and save it.

    The requester never decides their own request, nor does anyone the right is for.
    """
    require_second_person(
        actor,
        pending=record.confirmation == Confirmation.PENDING,
        requested_by_id=record.requested_by_id,
        beneficiary_user_ids=beneficiary_user_ids,
    )
    now = timezone.now()
    if confirm:
        record.confirmation = Confirmation.CONFIRMED
        record.confirmed_by, record.confirmed_at = actor, now
    else:
        if not reason.strip():
            raise DomainError({"reason": _("Give the reason for refusing.")})
        record.confirmation = Confirmation.REFUSED
        record.refused_by, record.refused_at = actor, now
        record.refusal_reason = reason.strip()
    record.save(update_fields=Confirmable.CONFIRMATION_FIELDS)
    return record


def require_second_person(actor, *, pending, requested_by_id, beneficiary_user_ids=()):
    """Refuse a decision on a record that no longer waits, or by its requester, or by anyone
    the right is for (every four-eyes confirmation checks this, whatever its model)."""
    if not pending:
        raise DomainError(_("This is no longer waiting for confirmation."))
    if actor.pk == requested_by_id:
        raise DomainError(_("A second person must confirm it: not the one who asked for it."))
    if actor.pk in set(beneficiary_user_ids):
        raise DomainError(_("Nobody confirms a right given to themselves."))
