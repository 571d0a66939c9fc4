"""The digital signing's state changes: registering certificates, seal images and organisation
keys (each confirmed by a second person of the parent body), opening the signing on a prepared
file, the signers' turns, accepting each signature as a new revision, and the organisation
signature applied with a key held by the server.

Rendering, signing and network calls happen outside transactions; a revision is accepted under
the agreement's row lock only if it was made on the latest revision.
"""

import base64
import datetime
import hashlib

from asn1crypto import x509 as asn1_x509
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, pkcs12
from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from agreements import document
from agreements.models import Agreement
from agreements.signing import selectors as signing_selectors
from agreements.signing import services as signing_services
from agreements.signing.digital import pdf, remote, revisions, selectors
from agreements.signing.digital.models import (
    Certificate,
    Confirmation,
    DocumentRevision,
    OrganisationKey,
    SealImage,
    SignatureSlot,
    Turn,
)
from agreements.signing.images import clean_seal_image
from agreements.signing.models import Signature
from clusters import access as cluster_access
from clusters.models import Position
from core.audit import audit_record
from core.confirmation import require_second_person
from core.documents import render_document
from core.errors import DomainError

CLOSING_FIELD = "KetThuc"
REASON = "Ký giao ước thi đua"


def _lock(agreement):
    return (
        Agreement.objects.select_for_update(of=("self",))
        .select_related("cluster_year__cluster__parent")
        .get(pk=agreement.pk)
    )


# --- certificates, seal images and organisation keys ----------------------------------------


def _load_certificate(der):
    try:
        certificate = asn1_x509.Certificate.load(der)
        certificate.native  # noqa: B018  (parses the whole structure: a broken file fails here)
    except (ValueError, TypeError):
        raise DomainError({"certificate": _("This file is not a certificate.")}) from None
    return certificate


def certificate_der(data):
    """A certificate file as uploaded (PEM or DER) → DER bytes."""
    text = bytes(data or b"")
    if b"-----BEGIN CERTIFICATE-----" in text:
        body = text.split(b"-----BEGIN CERTIFICATE-----", 1)[1].split(b"-----END", 1)[0]
        try:
            return base64.b64decode(b"".join(body.split()))
        except ValueError:
            raise DomainError({"certificate": _("This file is not a certificate.")}) from None
    return text


def _confirmer_check(actor, record, parent):
    if not cluster_access.is_parent_staff(actor, parent):
        raise DomainError(_("Only the parent body's staff may confirm this."))
    require_second_person(
        actor,
        pending=record.status == Confirmation.PENDING,
        requested_by_id=record.registered_by_id,
    )


def _parent_of_unit(unit):
    return unit.parent if unit.parent_id else unit


def _may_register(actor, *, person=None, unit=None):
    """The holder, the people of the holder's unit, or the parent body's staff."""
    units = [unit] if unit is not None else []
    if person is not None:
        if person.user_id == actor.pk:
            return
        units = [
            p.unit for p in Position.objects.current().filter(person=person).select_related("unit")
        ]
    for each in units:
        if each.pk in cluster_access.unit_ids(actor) or cluster_access.is_parent_staff(
            actor, _parent_of_unit(each)
        ):
            return
    raise DomainError(
        _("Only the holder, their unit's people or the parent body's staff may register it.")
    )


@transaction.atomic
def certificate_register(*, actor, kind, der, person=None, unit=None, remote_credential=""):
    """Register a signing certificate for a person or a unit; it counts once confirmed."""
    _may_register(actor, person=person, unit=unit)
    certificate = _load_certificate(der)
    now = timezone.now()
    record = Certificate(
        kind=kind,
        person=person if kind == Certificate.Kind.PERSONAL else None,
        unit=unit if kind == Certificate.Kind.ORGANISATION else None,
        der=certificate.dump(),
        sha256=pdf.fingerprint(certificate),
        subject_name=pdf.common_name(certificate.subject)[:300],
        issuer_name=pdf.common_name(certificate.issuer)[:300],
        serial=str(certificate.serial_number)[:100],
        valid_from=certificate["tbs_certificate"]["validity"]["not_before"].native,
        valid_until=certificate["tbs_certificate"]["validity"]["not_after"].native,
        remote_credential=(remote_credential or "").strip()[:200],
        registered_by=actor,
    )
    if record.valid_until < now:
        raise DomainError({"certificate": _("This certificate has expired.")})
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError:
        raise DomainError({"certificate": _("This certificate is already registered.")}) from None
    audit_record(
        actor=actor,
        obj=record,
        action="certificate.register",
        after={"sha256": record.sha256, "subject": record.subject_name, "kind": kind},
    )
    return record


def certificate_register_remote(*, actor, person, credential):
    """Register the personal certificate held at the remote signing provider for `credential`."""
    credential = (credential or "").strip()
    try:
        der, _chain = remote.provider().certificates(credential)
    except remote.RemoteError:
        raise DomainError(
            {"remote_credential": _("The remote signing service does not know this credential.")}
        ) from None
    return certificate_register(
        actor=actor,
        kind=Certificate.Kind.PERSONAL,
        der=der,
        person=person,
        remote_credential=credential,
    )


def _holder_parent(certificate):
    if certificate.unit_id:
        return _parent_of_unit(certificate.unit)
    position = (
        Position.objects.current().filter(person=certificate.person).select_related("unit").first()
    )
    return _parent_of_unit(position.unit) if position else None


@transaction.atomic
def certificate_confirm(*, actor, certificate):
    certificate = (
        Certificate.objects.select_for_update(of=("self",))
        .select_related("unit", "person")
        .get(pk=certificate.pk)
    )
    if certificate.person_id and certificate.person.user_id == actor.pk:
        raise DomainError(_("Nobody confirms their own certificate."))
    _confirmer_check(actor, certificate, _holder_parent(certificate))
    certificate.status = Confirmation.CONFIRMED
    certificate.confirmed_by = actor
    certificate.confirmed_at = timezone.now()
    certificate.save(update_fields=["status", "confirmed_by", "confirmed_at"])
    audit_record(actor=actor, obj=certificate, action="certificate.confirm")
    return certificate


@transaction.atomic
def certificate_refuse(*, actor, certificate, reason):
    certificate = (
        Certificate.objects.select_for_update(of=("self",))
        .select_related("unit", "person")
        .get(pk=certificate.pk)
    )
    _confirmer_check(actor, certificate, _holder_parent(certificate))
    reason = (reason or "").strip()
    if not reason:
        raise DomainError({"reason": _("Say why it is refused.")})
    certificate.status = Confirmation.REFUSED
    certificate.save(update_fields=["status"])
    audit_record(actor=actor, obj=certificate, action="certificate.refuse", reason=reason)
    return certificate


@transaction.atomic
def seal_image_register(*, actor, unit, image):
    _may_register(actor, unit=unit)
    png = clean_seal_image(image)
    record = SealImage.objects.create(
        unit=unit, image=png, sha256=hashlib.sha256(png).hexdigest(), registered_by=actor
    )
    audit_record(
        actor=actor, obj=record, action="seal_image.register", after={"sha256": record.sha256}
    )
    return record


@transaction.atomic
def seal_image_confirm(*, actor, seal_image):
    record = SealImage.objects.select_for_update().select_related("unit").get(pk=seal_image.pk)
    _confirmer_check(actor, record, _parent_of_unit(record.unit))
    SealImage.objects.filter(unit=record.unit, status=Confirmation.CONFIRMED).update(
        status=Confirmation.RETIRED
    )
    record.status = Confirmation.CONFIRMED
    record.confirmed_by = actor
    record.confirmed_at = timezone.now()
    record.save(update_fields=["status", "confirmed_by", "confirmed_at"])
    audit_record(actor=actor, obj=record, action="seal_image.confirm")
    return record


def _fernet():
    secret = settings.ORGANISATION_KEY_SECRET
    if not secret:
        raise DomainError(
            _("The server has no key to protect organisation keys (ORGANISATION_KEY_SECRET).")
        )
    return Fernet(base64.urlsafe_b64encode(hashlib.sha256(secret.encode()).digest()))


def _open_pkcs12(data, password):
    try:
        key, cert, extra = pkcs12.load_key_and_certificates(data, password.encode() or None)
    except (ValueError, TypeError):
        raise DomainError(
            {"pkcs12": _("The file cannot be opened: not a PKCS#12 file, or a wrong password.")}
        ) from None
    if key is None or cert is None:
        raise DomainError({"pkcs12": _("The file holds no key and certificate.")})
    return key, cert, extra or []


@transaction.atomic
def organisation_key_install(*, actor, unit, pkcs12_data, password):
    """Entrust a unit's organisation certificate and key to the server (encrypted at rest)."""
    key, cert, extra = _open_pkcs12(pkcs12_data, password or "")
    certificate = certificate_register(
        actor=actor,
        kind=Certificate.Kind.ORGANISATION,
        der=cert.public_bytes(Encoding.DER),
        unit=unit,
    )
    bundle = pkcs12.serialize_key_and_certificates(
        b"organisation", key, cert, extra, NoEncryption()
    )
    record = OrganisationKey.objects.create(
        unit=unit,
        certificate=certificate,
        sealed_key=_fernet().encrypt(bundle),
        registered_by=actor,
    )
    audit_record(
        actor=actor,
        obj=record,
        action="organisation_key.install",
        after={"certificate": certificate.sha256},
    )
    return record


@transaction.atomic
def organisation_key_confirm(*, actor, organisation_key):
    record = (
        OrganisationKey.objects.select_for_update()
        .select_related("unit", "certificate")
        .get(pk=organisation_key.pk)
    )
    _confirmer_check(actor, record, _parent_of_unit(record.unit))
    now = timezone.now()
    OrganisationKey.objects.filter(unit=record.unit, status=Confirmation.CONFIRMED).update(
        status=Confirmation.RETIRED
    )
    for item in (record, record.certificate):
        item.status = Confirmation.CONFIRMED
        item.confirmed_by = actor
        item.confirmed_at = now
        item.save(update_fields=["status", "confirmed_by", "confirmed_at"])
    audit_record(actor=actor, obj=record, action="organisation_key.confirm")
    return record


def organisation_signer_of(record):
    """The signer of a unit's entrusted organisation key (decrypted in memory only)."""
    try:
        data = _fernet().decrypt(bytes(record.sealed_key))
    except InvalidToken:
        raise DomainError(_("The organisation key cannot be opened on this server.")) from None
    return pdf.signer_from_pkcs12(data)


# --- opening the digital signing --------------------------------------------------------------


def _slots_for(units):
    slots = []
    for order, unit in enumerate(units, start=1):
        slots.append((f"ChuTich_{order}", SignatureSlot.Kind.PERSONAL, unit["unit_id"]))
        slots.append((f"DonVi_{order}", SignatureSlot.Kind.ORGANISATION, unit["unit_id"]))
    slots.append((CLOSING_FIELD, SignatureSlot.Kind.CLOSING, None))
    return slots


def _seal_box(box):
    """The organisation's field: a seal-sized square over the left third of the chair's."""
    x1, y1, x2, y2 = box
    side = round(pdf.SEAL_SIZE_MM / 25.4 * 72)
    centre_y = (y1 + y2) / 2
    right = x1 + (x2 - x1) / 3
    return (
        round(right - side),
        round(centre_y - side / 2),
        round(right),
        round(centre_y + side / 2),
    )


def prepare_file(agreement):
    """The agreement rendered once with its empty signature fields: (bytes, field specs)."""
    units = signing_selectors.required_units(agreement)
    context = document.agreement_document_context(agreement, digital=True)
    rendered = render_document(document.TEMPLATE, context)
    ids = {document.slot_id(u["unit_id"]) for u in units}
    boxes = pdf.field_boxes(rendered, ids)
    specs = []
    for name, kind, unit_id in _slots_for(units):
        if kind == SignatureSlot.Kind.CLOSING:
            specs.append((pdf.FieldSpec(name), kind, unit_id))
            continue
        page, box = boxes[document.slot_id(unit_id)]
        if kind == SignatureSlot.Kind.ORGANISATION:
            box = _seal_box(box)
        specs.append((pdf.FieldSpec(name, page, box), kind, unit_id))
    data = pdf.add_fields(rendered.write_pdf(pdf_variant="pdf/a-3b"), [s for s, _k, _u in specs])
    return data, specs


def digital_signing_open(*, actor, agreement):
    """The head's people open the signing with digital signatures, as the cluster year says
    (digital, or mixed): the file is rendered once with a field per expected signature; from
    then on it only grows."""
    agreement.cluster_year.refresh_from_db(fields=["signing_mode"])
    if agreement.signing_mode not in (Agreement.SigningMode.DIGITAL, Agreement.SigningMode.MIXED):
        raise DomainError(_("This year's agreement is signed the simple way, not digitally."))
    signing_services.require_open(agreement)
    data, specs = prepare_file(agreement)  # outside the transaction: rendering takes a while
    with transaction.atomic():
        agreement = _lock(agreement)
        signing_services.require_open(agreement)
        if not cluster_access.is_head_officer(actor, agreement.cluster_year):
            raise DomainError(_("Only the cluster head's people open the signing."))
        mode = signing_services.signing_mode_held(agreement)
        if mode not in (Agreement.SigningMode.DIGITAL, Agreement.SigningMode.MIXED):
            raise DomainError(_("This year's agreement is signed the simple way, not digitally."))
        if agreement.signatures.filter(void=False).exists() or agreement.signature_slots.exists():
            raise DomainError(_("The signing has already started: its way cannot change now."))
        units = {u["unit_id"]: u for u in signing_selectors.required_units(agreement)}
        for order, (spec, kind, unit_id) in enumerate(specs, start=1):
            SignatureSlot.objects.create(
                agreement=agreement,
                name=spec.name,
                kind=kind,
                unit_id=unit_id if unit_id in units else None,
                order=order,
                page=spec.page,
                box=list(spec.box) if spec.box else None,
            )
        revision = revisions.store(
            agreement,
            data,
            kind=DocumentRevision.Kind.PREPARED,
            channel=DocumentRevision.Channel.APPLICATION,
            actor=actor,
        )
        audit_record(
            actor=actor,
            obj=agreement,
            action="signing.digital_open",
            after={"mode": mode, "fields": len(specs), "sha256": revision.sha256},
        )
    return revision


# --- turns -------------------------------------------------------------------------------------


def _expire(agreement):
    for turn in selectors.expired_active(agreement).select_for_update():
        turn.state = Turn.State.EXPIRED
        turn.message = _("Your turn ended before the signature arrived. Ask for a new turn.")
        turn.save(update_fields=["state", "message"])


def _advance(agreement):
    """Under the agreement's lock: end an expired turn, then give the turn to the next in line."""
    _expire(agreement)
    if Turn.objects.filter(agreement=agreement, state=Turn.State.ACTIVE).exists():
        return None
    following = (
        Turn.objects.select_for_update()
        .filter(agreement=agreement, state=Turn.State.WAITING)
        .order_by("requested_at", "pk")
        .first()
    )
    if following is None:
        return None
    now = timezone.now()
    following.state = Turn.State.ACTIVE
    following.started_at = now
    following.expires_at = now + datetime.timedelta(seconds=settings.SIGNING_TURN_SECONDS)
    following.base_revision = selectors.latest_revision(agreement)
    following.save(update_fields=["state", "started_at", "expires_at", "base_revision"])
    return following


def _require_signer(actor, agreement, slot):
    """The chair (or a vice-chair allowed to sign) for a personal field, the unit's clerk for
    its organisation field — and the organisation only after its chair."""
    unit = slot.unit
    if slot.kind == SignatureSlot.Kind.PERSONAL:
        position = signing_services.require_signatory(actor, unit)
        certificate = selectors.personal_certificate(position.person)
        if certificate is None:
            raise DomainError(
                _("You have no confirmed signing certificate yet: register one first.")
            )
        return certificate
    if slot.kind == SignatureSlot.Kind.ORGANISATION:
        if (
            not Position.objects.current()
            .filter(person__user=actor, unit=unit, title=Position.Title.CLERK)
            .exists()
        ):
            raise DomainError(
                _("Only the clerk of %(unit)s applies its organisation signature.")
                % {"unit": unit.short_name}
            )
        personal = SignatureSlot.objects.get(
            agreement=agreement, unit=unit, kind=SignatureSlot.Kind.PERSONAL
        )
        if not selectors.is_filled(personal):
            raise DomainError(
                _("The organisation signs after its chair: %(unit)s's chair has not signed yet.")
                % {"unit": unit.short_name}
            )
        return None
    raise DomainError(_("This field is the application's."))


def advance_now(agreement):
    """Pass the turn on if the active one expired (a read of the line runs it)."""
    with transaction.atomic():
        _advance(_lock(agreement))


def turn_request(*, actor, agreement, slot, channel):
    """Join the line for `slot` (or keep one's place): the turn, active or waiting."""
    with transaction.atomic():
        agreement = _lock(agreement)
        signing_services.require_open(agreement)
        slot = SignatureSlot.objects.select_related("unit").get(pk=slot.pk, agreement=agreement)
        if selectors.is_filled(slot):
            raise DomainError(_("This field is already signed."))
        _require_signer(actor, agreement, slot)
        turn = (
            Turn.objects.select_for_update()
            .filter(
                agreement=agreement, slot=slot, state__in=[Turn.State.WAITING, Turn.State.ACTIVE]
            )
            .first()
        )
        if turn is not None and turn.user_id != actor.pk:
            raise DomainError(_("Somebody else of your unit is signing this field now."))
        if turn is None:
            turn = Turn.objects.create(agreement=agreement, slot=slot, user=actor, channel=channel)
            audit_record(
                actor=actor,
                obj=agreement,
                action="signing.turn_request",
                after={"field": slot.name},
            )
        _advance(agreement)
        turn.refresh_from_db()
        return turn


def turn_cancel(*, actor, turn):
    with transaction.atomic():
        agreement = _lock(turn.agreement)
        turn = Turn.objects.select_for_update().get(pk=turn.pk)
        if turn.user_id != actor.pk or turn.state not in (Turn.State.WAITING, Turn.State.ACTIVE):
            raise DomainError(_("This turn is not yours to cancel."))
        turn.state = Turn.State.CANCELLED
        turn.save(update_fields=["state"])
        audit_record(
            actor=actor,
            obj=agreement,
            action="signing.turn_cancel",
            after={"field": turn.slot.name},
        )
        _advance(agreement)
        return turn


def _fail_turn(turn, message):
    with transaction.atomic():
        agreement = _lock(turn.agreement)
        turn = Turn.objects.select_for_update().get(pk=turn.pk)
        if turn.state == Turn.State.ACTIVE:
            turn.state = Turn.State.FAILED
            turn.message = str(message)[:500]
            turn.save(update_fields=["state", "message"])
            audit_record(
                actor=turn.user,
                obj=agreement,
                action="signing.refused",
                after={"field": turn.slot.name},
                reason=turn.message,
            )
            _advance(agreement)
    return turn


# --- accepting a signature ------------------------------------------------------------------


def _complete_unit(agreement, slot, actor):
    """After a unit's organisation signature: the unit has signed (one Signature, 'digital')."""
    personal = SignatureSlot.objects.select_related("revision__added_by").get(
        agreement=agreement, unit=slot.unit, kind=SignatureSlot.Kind.PERSONAL
    )
    chair = personal.revision.added_by
    position = signing_selectors.signer_position(chair, slot.unit)
    fields = signing_services.signature_fields(position) if position else {}
    Signature.objects.create(
        agreement=agreement,
        unit=slot.unit,
        user=chair,
        unit_name=slot.unit.name,
        method=Signature.Method.DIGITAL,
        signed_at=timezone.now(),
        content_hash=agreement.content_hash,
        **(
            fields
            or {
                "signer_name": personal.revision.signer_name[:200],
                "signer_title": "",
                "signer_position": "",
            }
        ),
    )
    signing_services.complete_if_done(agreement, actor=actor)


def revision_accept(*, actor, turn, data, channel):
    """Accept `data` as the agreement's next revision for the turn's field, after every check;
    a refusal leaves the file exactly as it was and ends the turn with its reason."""
    turn = Turn.objects.select_related("slot__unit", "agreement", "base_revision").get(pk=turn.pk)
    if turn.state != Turn.State.ACTIVE or turn.user_id != actor.pk:
        raise DomainError(_("Your turn is over: ask for a new one."))
    previous = selectors.read_revision(turn.base_revision)
    certificate = None
    if turn.slot.kind == SignatureSlot.Kind.PERSONAL:
        certificate = _require_signer(actor, turn.agreement, turn.slot)
    else:
        key = selectors.organisation_key(turn.slot.unit)
        certificate = key.certificate if key else _unit_certificate(turn.slot.unit)
        if certificate is None:
            return _refuse(
                turn,
                _("%(unit)s has no confirmed organisation certificate.")
                % {"unit": turn.slot.unit.short_name},
            )
    verdict = pdf.check_new_revision(
        previous,
        data,
        field_name=turn.slot.name,
        fingerprint_expected=certificate.sha256,
        vc=pdf.validation_context(),
    )
    if not verdict.accepted:
        return _refuse(turn, verdict.message)
    with transaction.atomic():
        agreement = _lock(turn.agreement)
        current = Turn.objects.select_for_update().get(pk=turn.pk)
        latest = selectors.latest_revision(agreement)
        if current.state != Turn.State.ACTIVE or latest.pk != turn.base_revision_id:
            raise DomainError(_("Your turn is over: ask for a new one."))
        revision = revisions.store(
            agreement,
            data,
            kind=DocumentRevision.Kind.SIGNATURE,
            channel=channel,
            actor=actor,
            slot=turn.slot,
            verdict=verdict,
            certificate=certificate,
        )
        current.state = Turn.State.DONE
        current.save(update_fields=["state"])
        audit_record(
            actor=actor,
            obj=agreement,
            action="signature.digital",
            after={
                "field": turn.slot.name,
                "unit": turn.slot.unit_id,
                "certificate": certificate.sha256,
                "signer": verdict.signer_name,
                "revision": revision.number,
                "sha256": revision.sha256,
            },
        )
        if turn.slot.kind == SignatureSlot.Kind.ORGANISATION:
            _complete_unit(agreement, turn.slot, actor)
        _advance(agreement)
    return revision


def _unit_certificate(unit):
    return (
        Certificate.objects.filter(
            unit=unit, kind=Certificate.Kind.ORGANISATION, status=Confirmation.CONFIRMED
        )
        .order_by("-confirmed_at")
        .first()
    )


def _refuse(turn, message):
    _fail_turn(turn, message)
    raise DomainError(message)


# --- the channels -------------------------------------------------------------------------


def _local_time(value):
    return timezone.localtime(value).strftime("%H:%M %d/%m/%Y")


def personal_appearance(position, image=None, *, at=None):
    """The chair's appearance: authority line, the signature image, name and time."""
    block = position.signature_block or []
    lines = [*block, position.person.full_name, f"Ký số: {_local_time(at or timezone.now())}"]
    return pdf.stamp_style(image, lines)


def organisation_appearance(unit, *, at=None):
    seal = selectors.seal_image(unit)
    return pdf.stamp_style(
        bytes(seal.image) if seal else None,
        [unit.name, f"{_local_time(at or timezone.now())}"],
        size=5,
    )


def organisation_sign(*, actor, turn):
    """The clerk applies the unit's organisation signature with the key held by the server."""
    turn = Turn.objects.select_related("slot__unit", "base_revision").get(pk=turn.pk)
    if turn.slot.kind != SignatureSlot.Kind.ORGANISATION or turn.state != Turn.State.ACTIVE:
        raise DomainError(_("Your turn is over: ask for a new one."))
    _require_signer(actor, turn.agreement, turn.slot)
    key = selectors.organisation_key(turn.slot.unit)
    if key is None:
        raise DomainError(
            _("%(unit)s has entrusted no organisation certificate to the server.")
            % {"unit": turn.slot.unit.short_name}
        )
    signer = organisation_signer_of(key)
    previous = selectors.read_revision(turn.base_revision)
    data = pdf.sign(
        previous,
        turn.slot.name,
        signer,
        organisation_appearance(turn.slot.unit),
        reason=REASON,
        location=turn.agreement.place or "",
    )
    audit_record(
        actor=actor, obj=key, action="organisation_key.use", after={"field": turn.slot.name}
    )
    return revision_accept(
        actor=actor, turn=turn, data=data, channel=DocumentRevision.Channel.SERVER_KEY
    )


def remote_begin(*, actor, turn, return_url):
    """Prepare the chair's signature on the turn's revision; where to approve it."""
    turn = Turn.objects.select_related("slot__unit", "base_revision", "agreement").get(pk=turn.pk)
    if turn.state != Turn.State.ACTIVE or turn.user_id != actor.pk:
        raise DomainError(_("It is not your turn yet."))
    certificate = _require_signer(actor, turn.agreement, turn.slot)
    if not certificate.remote_credential:
        raise DomainError(_("Your certificate is not set up for remote signing."))
    provider = remote.provider()
    try:
        cert_der, chain = provider.certificates(certificate.remote_credential)
    except remote.RemoteError:
        raise DomainError(
            _("The remote signing service does not answer. Try again in a moment.")
        ) from None
    if hashlib.sha256(cert_der).hexdigest() != certificate.sha256:
        raise DomainError(
            _("The remote signing service holds another certificate than the one registered.")
        )
    position = signing_selectors.signer_position(actor, turn.slot.unit)
    prepared = pdf.prepare_external(
        selectors.read_revision(turn.base_revision),
        turn.slot.name,
        cert_der,
        chain,
        personal_appearance(position),
        reason=REASON,
        location=turn.agreement.place or "",
    )
    with transaction.atomic():
        current = Turn.objects.select_for_update().get(pk=turn.pk)
        if current.state != Turn.State.ACTIVE:
            raise DomainError(_("Your turn is over: ask for a new one."))
        current.prepared = prepared.as_dict()
        current.save(update_fields=["prepared"])
        audit_record(
            actor=actor,
            obj=turn.agreement,
            action="signing.remote_begin",
            after={"field": turn.slot.name, "certificate": certificate.sha256},
        )
    return provider.start(
        certificate.remote_credential, prepared.to_sign, state=str(turn.pk), return_url=return_url
    )


def remote_finish(*, actor, turn, params, return_url):
    """The user is back from the provider: get the signature, finish the file, accept it."""
    turn = Turn.objects.select_related("slot__unit", "base_revision", "agreement").get(pk=turn.pk)
    if turn.state != Turn.State.ACTIVE or turn.user_id != actor.pk or not turn.prepared:
        raise DomainError(_("Your turn is over: ask for a new one."))
    certificate = _require_signer(actor, turn.agreement, turn.slot)
    prepared = pdf.Prepared(**turn.prepared)
    try:
        value = remote.provider().finish(
            certificate.remote_credential, prepared.to_sign, params, return_url=return_url
        )
    except remote.RemoteError as error:
        message = (
            _("You refused the signature at the signing service.")
            if "refused" in str(error)
            else _("The remote signing service did not sign. Ask for a new turn to try again.")
        )
        return _refuse(turn, message)
    try:
        data = pdf.finish_external(selectors.read_revision(turn.base_revision), prepared, value)
    except ValueError:
        return _refuse(turn, _("The document changed since your turn began: ask for a new turn."))
    return revision_accept(
        actor=actor, turn=turn, data=data, channel=DocumentRevision.Channel.REMOTE
    )


def turn_url(turn):
    return reverse("agreements:digital_turn", args=[turn.pk])
