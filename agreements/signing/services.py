"""Signing an adopted agreement: signatures, refusals, paper signing, reminders, closing, sealing.

Every service locks the agreement row (select_for_update) before it counts signatures, so that
when several members sign at the same moment each signature is stored once and sealing is
enqueued exactly once, by whichever transaction completes the set (the unique constraint on
live signatures backs the lock). Rendering and sealing run after the commit, in a task.
"""

import datetime
import hashlib
import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from agreements.models import Agreement
from agreements.signing import mail
from agreements.signing.access import can_confirm_paper, can_retry_seal
from agreements.signing.images import clean_signature_image, typed_signature_png
from agreements.signing.models import (
    Decline,
    PaperSigning,
    SavedSignature,
    Seal,
    Signature,
    SigningClosure,
)
from agreements.signing.selectors import (
    OPEN_FOR_SIGNING,
    POSITION_NAMES,
    reminder_recipients,
    required_units,
    signer_position,
    unit_signatory,
    unsigned_unit_ids,
)
from agreements.signing.tasks import seal_agreement
from clusters import access as cluster_access
from clusters.models import ClusterYear, Membership, signature_block
from core.audit import audit_record
from core.errors import DomainError
from core.uploads import PDF, UploadValidator

logger = logging.getLogger(__name__)


# --- the checks every signing action shares ------------------------------------------------


def _lock(agreement_or_pk):
    pk = getattr(agreement_or_pk, "pk", agreement_or_pk)
    return (
        Agreement.objects.select_for_update(of=("self",))
        .select_related("cluster_year__cluster__parent")
        .get(pk=pk)
    )


def signing_mode_held(agreement):
    """The cluster year's signing mode, its row locked until the transaction ends: a signature
    and a change of the mode (clusters.services.cluster_year_signing_mode_set) never cross."""
    return (
        ClusterYear.objects.select_for_update()
        .values_list("signing_mode", flat=True)
        .get(pk=agreement.cluster_year_id)
    )


def _require_authenticated(actor):
    if actor is None or not actor.is_authenticated:
        raise DomainError(_("Your session has expired. Log in again to continue."))


def require_open(agreement):
    """The agreement accepts signatures now, or a clear message why not."""
    if agreement.is_template:
        raise DomainError(_("A template cannot be signed."))
    status = agreement.status
    if status in OPEN_FOR_SIGNING:
        return
    if status in (Agreement.Status.DRAFT, Agreement.Status.CIRCULATED):
        raise DomainError(
            _("This agreement is still a draft: it can be signed only once it has been adopted.")
        )
    if status == Agreement.Status.SUPERSEDED:
        raise DomainError(
            _("This agreement has been superseded by an amendment; sign the amendment instead.")
        )
    raise DomainError(_("The signing of this agreement is finished."))


def _require_member(agreement, unit):
    required = {u["unit_id"] for u in required_units(agreement)}
    active = Membership.objects.filter(
        cluster_year_id=agreement.cluster_year_id, unit=unit, ended_on__isnull=True
    ).exists()
    if unit.pk not in required or not active:
        raise DomainError(
            _("%(unit)s is not a member of this cluster this year: it does not sign.")
            % {"unit": unit.short_name}
        )


def require_signatory(actor, unit):
    position = signer_position(actor, unit)
    if position is None:
        raise DomainError(
            _("Only the chair of %(unit)s, or a vice-chair authorised to sign, may sign for it.")
            % {"unit": unit.short_name}
        )
    return position


def _require_not_signed(agreement, unit):
    if Signature.objects.filter(agreement=agreement, unit=unit, void=False).exists():
        raise DomainError(
            _("%(unit)s has already signed this agreement.") % {"unit": unit.short_name}
        )


def _person_name(user):
    person = getattr(user, "person", None)
    return person.full_name if person else (user.get_full_name() or user.get_username())


def signature_fields(position):
    return {
        "signer_name": position.person.full_name,
        "signer_title": position.title,
        "signer_position": POSITION_NAMES.get(position.title, position.get_title_display()),
        "signature_block": signature_block(position.unit, position.title),
    }


def complete_if_done(agreement, *, actor):
    """After a signature: move ADOPTED → SIGNING, and to SIGNED when nobody is left.

    Runs under the agreement's row lock; returns the Seal when sealing was just requested.
    """
    before = agreement.status
    if agreement.status == Agreement.Status.ADOPTED:
        agreement.status = Agreement.Status.SIGNING
    if not unsigned_unit_ids(agreement):
        agreement.status = Agreement.Status.SIGNED
    if agreement.status != before:
        agreement.save(update_fields=["status"])
        audit_record(
            actor=actor,
            obj=agreement,
            action="agreement.signing_status",
            before={"status": before},
            after={"status": agreement.status},
        )
    if agreement.status == Agreement.Status.SIGNED:
        return _request_seal(agreement, actor=actor)
    return None


def _request_seal(agreement, *, actor):
    """Create the pending seal (once: one-to-one) and enqueue the sealing after the commit."""
    if Seal.objects.filter(agreement=agreement).exists():
        return None
    seal = Seal.objects.create(agreement=agreement, requested_at=timezone.now())
    audit_record(actor=actor, obj=seal, action="seal.request", after={"agreement": agreement.pk})
    _enqueue_seal(agreement.pk)
    return seal


def _enqueue_seal(agreement_pk):
    transaction.on_commit(lambda: seal_agreement.enqueue(agreement_pk))


# --- signing -------------------------------------------------------------------------------


@transaction.atomic
def signature_sign(
    *,
    actor,
    agreement,
    unit,
    method,
    content_hash,
    image=b"",
    save_for_later=False,
):
    """Sign the adopted agreement for `unit` (its chair or authorised vice-chair only).

    The signer proved it is them by typing the password again on the signing page
    (SignForm.clean_password), where wrong ones count with the failed log-ins.
    """
    _require_authenticated(actor)
    agreement = _lock(agreement)
    require_open(agreement)
    _require_member(agreement, unit)
    position = require_signatory(actor, unit)
    if signing_mode_held(agreement) == Agreement.SigningMode.DIGITAL:
        raise DomainError(
            _("This agreement is signed with digital signatures: sign with your certificate.")
        )
    if agreement.document_revisions.filter(slot__unit=unit).exists():
        raise DomainError(
            _("%(unit)s has begun signing digitally: finish with the digital signatures.")
            % {"unit": unit.short_name}
        )
    if content_hash != agreement.content_hash:
        raise DomainError(
            _("The content shown is not the adopted content. Reload the page and sign again.")
        )
    _require_not_signed(agreement, unit)

    if method == Signature.Method.DRAWN:
        png = clean_signature_image(image)
    elif method == Signature.Method.SAVED:
        saved = SavedSignature.objects.filter(user=actor).first()
        if saved is None:
            raise DomainError({"method": _("You have no saved signature yet: draw one.")})
        png = bytes(saved.image)
    elif method == Signature.Method.TYPED:
        png = typed_signature_png(position.person.full_name)
    else:
        raise DomainError({"method": _("Choose how to sign.")})

    try:
        with transaction.atomic():
            signature = Signature.objects.create(
                agreement=agreement,
                unit=unit,
                user=actor,
                unit_name=unit.name,
                image=png,
                method=method,
                signed_at=timezone.now(),
                content_hash=agreement.content_hash,
                **signature_fields(position),
            )
    except IntegrityError:  # the constraint holds even if the lock were bypassed
        raise DomainError(
            _("%(unit)s has already signed this agreement.") % {"unit": unit.short_name}
        ) from None
    if save_for_later and method == Signature.Method.DRAWN:
        SavedSignature.objects.update_or_create(user=actor, defaults={"image": png})
    audit_record(
        actor=actor,
        obj=signature,
        action="signature.sign",
        after={
            "agreement": agreement.pk,
            "unit": unit.pk,
            "signer": signature.signer_name,
            "method": method,
            "content_hash": signature.content_hash,
            "image_sha256": hashlib.sha256(png).hexdigest(),
        },
    )
    complete_if_done(agreement, actor=actor)
    return signature


@transaction.atomic
def signature_decline(*, actor, agreement, unit, reason):
    """Refuse to sign, with a reason the cluster head sees (and may answer with an amendment)."""
    _require_authenticated(actor)
    agreement = _lock(agreement)
    require_open(agreement)
    _require_member(agreement, unit)
    position = require_signatory(actor, unit)
    _require_not_signed(agreement, unit)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError({"reason": _("Say why you decline to sign.")})
    decline = Decline.objects.create(
        agreement=agreement,
        unit=unit,
        user=actor,
        signer_name=position.person.full_name,
        reason=reason,
        at=timezone.now(),
    )
    audit_record(
        actor=actor,
        obj=decline,
        action="signature.decline",
        after={"agreement": agreement.pk, "unit": unit.pk},
        reason=reason,
    )
    transaction.on_commit(lambda: mail.notify_decline(decline.pk))
    return decline


@transaction.atomic
def saved_signature_save(*, actor, image):
    """Save (or replace) the user's signature for later use."""
    _require_authenticated(actor)
    png = clean_signature_image(image)
    saved, created = SavedSignature.objects.update_or_create(user=actor, defaults={"image": png})
    audit_record(
        actor=actor,
        obj=saved,
        action="saved_signature.save",
        after={"image_sha256": hashlib.sha256(png).hexdigest(), "created": created},
    )
    return saved


@transaction.atomic
def saved_signature_delete(*, actor):
    _require_authenticated(actor)
    saved = SavedSignature.objects.filter(user=actor).first()
    if saved is None:
        return
    audit_record(actor=actor, obj=saved, action="saved_signature.delete")
    saved.delete()


# --- paper signing at the conference -------------------------------------------------------


def _require_head(actor, agreement):
    if not cluster_access.is_head_officer(actor, agreement.cluster_year):
        raise DomainError(_("Only the cluster head's people may do this."))


@transaction.atomic
def paper_signing_record(*, actor, agreement, units, scan):
    """Record units that signed the paper copy at the conference, with the scanned copy."""
    _require_authenticated(actor)
    agreement = _lock(agreement)
    require_open(agreement)
    _require_head(actor, agreement)
    units = list(units)
    if not units:
        raise DomainError({"units": _("Choose the units that signed on paper.")})
    if scan is None:
        raise DomainError({"scan": _("Upload the scan of the signed paper copy.")})
    try:
        UploadValidator(PDF)(scan)
    except ValidationError as error:
        raise DomainError({"scan": error.messages}) from None
    errors = []
    for unit in units:
        try:
            _require_member(agreement, unit)
            _require_not_signed(agreement, unit)
        except DomainError as error:
            errors.extend(error.messages)
            continue
        if PaperSigning.objects.filter(agreement=agreement, unit=unit, withdrawn=False).exists():
            errors.append(
                _("A paper signing is already recorded for %(unit)s.") % {"unit": unit.short_name}
            )
    if errors:
        raise DomainError({"units": errors})

    scan.seek(0)
    data = scan.read()
    digest = hashlib.sha256(data).hexdigest()
    now = timezone.now()
    records, stored_name = [], None
    for unit in units:
        position = unit_signatory(unit)
        record = PaperSigning(
            agreement=agreement,
            unit=unit,
            unit_name=unit.name,
            signer_name=position.person.full_name if position else "",
            signer_title=position.title if position else "",
            signature_block=signature_block(unit, position.title) if position else [],
            scan_sha256=digest,
            recorded_by=actor,
            recorded_at=now,
            contest_until=now + datetime.timedelta(days=settings.PAPER_SIGNING_CONTEST_DAYS),
        )
        if signer_position(actor, unit) is not None:  # the head's chair, for their own unit
            record.accepted_by, record.accepted_at = actor, now
        if stored_name is None:
            record.scan.save("scan.pdf", ContentFile(data), save=False)
            stored_name = record.scan.name
        else:
            record.scan.name = stored_name  # one stored file for every unit on the same scan
        record.save()
        records.append(record)
        audit_record(
            actor=actor,
            obj=record,
            action="paper_signing.record",
            after={"agreement": agreement.pk, "unit": unit.pk, "scan_sha256": digest},
        )
    transaction.on_commit(lambda: mail.notify_paper_recorded([r.pk for r in records]))
    return records


def _paper_locked(paper):
    agreement = _lock(paper.agreement_id)
    paper = PaperSigning.objects.select_for_update().select_related("unit").get(pk=paper.pk)
    paper.agreement = agreement
    if paper.withdrawn:
        raise DomainError(_("This paper signing was withdrawn."))
    if paper.is_confirmed:
        raise DomainError(_("This paper signing has already been confirmed."))
    require_open(agreement)
    return agreement, paper


@transaction.atomic
def paper_signing_confirm(*, actor, paper):
    """Confirm a paper signing: it becomes that unit's signature ("Ký bản giấy tại hội nghị").

    Never by whoever recorded it. The unit's own signatory confirming it accepts it; parent
    staff confirm it only once the unit's chair accepted it or the period for contesting
    (PAPER_SIGNING_CONTEST_DAYS) is over, and never while it is contested.
    """
    _require_authenticated(actor)
    agreement, paper = _paper_locked(paper)
    if not can_confirm_paper(actor, paper):
        raise DomainError(
            _("Only the signatory of %(unit)s or the parent body's staff may confirm this.")
            % {"unit": paper.unit.short_name}
        )
    if actor.pk == paper.recorded_by_id:
        raise DomainError(
            _("Whoever recorded a paper signing cannot confirm it: a second person does.")
        )
    if paper.is_contested:
        raise DomainError(
            _("The unit's chair contested this paper signing: the parent body's staff resolve it.")
        )
    now = timezone.now()
    if signer_position(actor, paper.unit) is not None:
        if paper.accepted_at is None:
            paper.accepted_by, paper.accepted_at = actor, now
    elif paper.in_contest_period(now):
        raise DomainError(
            _(
                "The chair of %(unit)s may contest it until %(date)s: confirm it after that, "
                "or once the chair accepts it."
            )
            % {
                "unit": paper.unit.short_name,
                "date": f"{timezone.localtime(paper.contest_until):%d/%m/%Y %H:%M}",
            }
        )
    return _paper_signature(actor, agreement, paper, now, action="paper_signing.confirm")


def _paper_signature(actor, agreement, paper, now, *, action, reason=""):
    """The confirmed paper signing becomes the unit's signature; sealing follows if it was the
    last one."""
    _require_member(agreement, paper.unit)
    _require_not_signed(agreement, paper.unit)
    paper.confirmed_by = actor
    paper.confirmed_at = now
    paper.save()
    position = signer_position(actor, paper.unit)
    fields = (
        signature_fields(position)
        if position is not None
        else {
            "signer_name": paper.signer_name,
            "signer_title": paper.signer_title,
            "signer_position": POSITION_NAMES.get(paper.signer_title, ""),
            "signature_block": paper.signature_block,
        }
    )
    signature = Signature.objects.create(
        agreement=agreement,
        unit=paper.unit,
        user=actor,
        unit_name=paper.unit_name,
        method=Signature.Method.PAPER,
        paper=paper,
        signed_at=paper.recorded_at,
        content_hash=agreement.content_hash,
        **fields,
    )
    audit_record(
        actor=actor,
        obj=paper,
        action=action,
        after={"signature": signature.pk, "scan_sha256": paper.scan_sha256},
        reason=reason,
    )
    complete_if_done(agreement, actor=actor)
    return signature


@transaction.atomic
def paper_signing_contest(*, actor, paper, reason):
    """The unit's signatory says the unit did not sign this paper copy: it does not count
    until the parent body's staff resolve it."""
    _require_authenticated(actor)
    agreement, paper = _paper_locked(paper)
    if signer_position(actor, paper.unit) is None:
        raise DomainError(
            _("Only the signatory of %(unit)s may contest it.") % {"unit": paper.unit.short_name}
        )
    if paper.contested_at is not None:
        raise DomainError(_("This paper signing is already contested."))
    if not paper.in_contest_period():
        raise DomainError(_("The period for contesting this paper signing is over."))
    reason = (reason or "").strip()
    if not reason:
        raise DomainError({"reason": _("Say why the unit contests it.")})
    paper.contested_by, paper.contested_at = actor, timezone.now()
    paper.contest_reason = reason[:1000]
    paper.save(update_fields=["contested_by", "contested_at", "contest_reason"])
    audit_record(actor=actor, obj=paper, action="paper_signing.contest", reason=reason)
    return paper


@transaction.atomic
def paper_signing_resolve(*, actor, paper, uphold, reason):
    """Parent staff resolve a contested paper signing: it stands (the unit's signature) or it
    is annulled (the unit signs again)."""
    _require_authenticated(actor)
    agreement, paper = _paper_locked(paper)
    if not cluster_access.is_parent_staff(actor, agreement.cluster_year.cluster.parent):
        raise DomainError(_("Only the parent body's staff may resolve a contested paper signing."))
    if not paper.is_contested:
        raise DomainError(_("This paper signing is not contested."))
    if actor.pk in (paper.recorded_by_id, paper.contested_by_id):
        raise DomainError(_("Neither whoever recorded it nor whoever contested it may resolve it."))
    reason = (reason or "").strip()
    if not reason:
        raise DomainError({"reason": _("Give the reason for the decision.")})
    now = timezone.now()
    paper.resolved_by, paper.resolved_at, paper.resolution_reason = actor, now, reason[:1000]
    if uphold:
        return _paper_signature(
            actor, agreement, paper, now, action="paper_signing.uphold", reason=reason
        )
    paper.withdrawn = True
    paper.save()
    audit_record(actor=actor, obj=paper, action="paper_signing.annul", reason=reason)
    return paper


@transaction.atomic
def paper_signing_withdraw(*, actor, paper):
    """The cluster head withdraws a paper signing recorded by mistake (before confirmation)."""
    _require_authenticated(actor)
    agreement = _lock(paper.agreement_id)
    paper = PaperSigning.objects.select_for_update().get(pk=paper.pk)
    _require_head(actor, agreement)
    if paper.is_confirmed:
        raise DomainError(_("A confirmed paper signing cannot be withdrawn."))
    if paper.withdrawn:
        return paper
    paper.withdrawn = True
    paper.save(update_fields=["withdrawn"])
    audit_record(actor=actor, obj=paper, action="paper_signing.withdraw")
    return paper


# --- reminders, closing --------------------------------------------------------------------


@transaction.atomic
def signing_remind(*, actor, agreement):
    """The cluster head reminds the unsigned units' signatories by e-mail; returns how many."""
    _require_authenticated(actor)
    agreement = _lock(agreement)
    require_open(agreement)
    _require_head(actor, agreement)
    recipients = reminder_recipients(agreement)
    if not recipients:
        raise DomainError(_("Nobody left to remind has an e-mail address."))
    audit_record(
        actor=actor,
        obj=agreement,
        action="signing.remind",
        after={"recipients": len(recipients)},
    )
    agreement_pk = agreement.pk
    transaction.on_commit(lambda: mail.send_reminders(agreement_pk, recipients))
    return len(recipients)


@transaction.atomic
def signing_close(*, actor, agreement, reason):
    """Parent staff close the signing although some members did not sign, saying why."""
    _require_authenticated(actor)
    agreement = _lock(agreement)
    require_open(agreement)
    if not cluster_access.is_parent_staff(actor, agreement.cluster_year.cluster.parent):
        raise DomainError(_("Only the parent body's staff may close the signing."))
    reason = (reason or "").strip()
    if not reason:
        raise DomainError({"reason": _("Give the reason for closing the signing.")})
    missing = unsigned_unit_ids(agreement)
    if not missing:
        raise DomainError(_("Every member has signed; there is nothing to close."))
    if not Signature.objects.filter(agreement=agreement, void=False).exists():
        raise DomainError(_("Nobody has signed yet: the signing cannot be closed."))
    names = {u["unit_id"]: u["name"] for u in required_units(agreement)}
    closure = SigningClosure.objects.create(
        agreement=agreement,
        reason=reason,
        units_not_signed=[
            {"unit_id": pk, "name": names.get(pk, "")} for pk in sorted(missing, key=names.get)
        ],
        closed_by=actor,
        closed_at=timezone.now(),
    )
    before = agreement.status
    agreement.status = Agreement.Status.SIGNED
    agreement.save(update_fields=["status"])
    audit_record(
        actor=actor,
        obj=agreement,
        action="signing.close",
        before={"status": before},
        after={"status": agreement.status, "units_not_signed": sorted(missing)},
        reason=reason,
    )
    _request_seal(agreement, actor=actor)
    return closure


def signatures_void(*, actor, agreement, reason=""):
    """Mark the live signatures of a superseded agreement void (they stay, for the record).

    Called by agreement adoption when an amendment supersedes `agreement`, inside its
    transaction and under its lock.
    """
    now = timezone.now()
    live = list(Signature.objects.select_for_update().filter(agreement=agreement, void=False))
    for signature in live:
        signature.void = True
        signature.voided_at = now
        signature.void_reason = (reason or _("Superseded by an amendment"))[:300]
        signature.save(update_fields=["void", "voided_at", "void_reason"])
        audit_record(actor=actor, obj=signature, action="signature.void", reason=reason)
    PaperSigning.objects.filter(
        agreement=agreement, withdrawn=False, confirmed_at__isnull=True
    ).update(withdrawn=True)
    return len(live)


@transaction.atomic
def seal_retry(*, actor, agreement):
    """Try the sealing again after it failed (the cluster head's people or parent staff)."""
    _require_authenticated(actor)
    agreement = _lock(agreement)
    if not can_retry_seal(actor, agreement):
        raise DomainError(_("Only the cluster head's people or the parent body's staff may retry."))
    seal = Seal.objects.select_for_update().filter(agreement=agreement).first()
    if seal is None or seal.status != Seal.Status.FAILED:
        raise DomainError(_("The sealing has not failed: there is nothing to retry."))
    seal.status = Seal.Status.PENDING
    seal.save(update_fields=["status"])
    audit_record(actor=actor, obj=seal, action="seal.retry", before={"error": seal.error[:500]})
    _enqueue_seal(agreement.pk)
    return seal


# --- e-mails (after the commit, never inside the transaction) ------------------------------
