"""Reads of the digital signing: the fields and who signed each, the file's latest revision,
the line of signers, the certificates in force."""

from dataclasses import dataclass

from django.db.models import OuterRef, Q, Subquery
from django.db.models.functions import JSONObject
from django.utils import timezone

from agreements.signing.digital.models import (
    Certificate,
    Confirmation,
    DocumentRevision,
    OrganisationKey,
    SealImage,
    SignatureSlot,
    Turn,
)
from agreements.signing.models import Signature
from core import json_rows
from core.compiled import compiled
from core.expressions import ListOf


def latest_revision(agreement):
    return DocumentRevision.objects.filter(agreement=agreement).order_by("-number").first()


def read_revision(revision):
    with revision.file.open("rb") as handle:
        return handle.read()


def personal_certificate(person, sha256=None):
    """The person's certificates in force (the one with `sha256`, or the newest)."""
    found = Certificate.objects.filter(
        person=person, kind=Certificate.Kind.PERSONAL, status=Confirmation.CONFIRMED
    )
    if sha256:
        found = found.filter(sha256=sha256)
    return found.order_by("-confirmed_at", "-pk").first()


def organisation_key(unit):
    return (
        OrganisationKey.objects.filter(unit=unit, status=Confirmation.CONFIRMED)
        .select_related("certificate")
        .order_by("-confirmed_at", "-pk")
        .first()
    )


def seal_image(unit):
    return (
        SealImage.objects.filter(unit=unit, status=Confirmation.CONFIRMED)
        .order_by("-confirmed_at", "-pk")
        .first()
    )


@dataclass
class SlotRow:
    slot: SignatureSlot
    revision: DocumentRevision | None
    turn: Turn | None


def slot_rows(agreement):
    """Every field of the agreement's file with the revision that filled it and its open turn
    (one query: the turn's id and state ride with the field, which is what the panel shows)."""
    return [
        SlotRow(
            slot,
            getattr(slot, "revision", None),
            _open_turn(slot, slot.open_turn_id, slot.open_turn_state),
        )
        for slot in _slots(agreement=agreement.pk)
    ]


def _open_turn(slot, pk, state):
    """The field's open turn as far as the panel needs it (its id and state), or None."""
    if pk is None:
        return None
    return Turn(pk=pk, state=state, agreement_id=slot.agreement_id, slot_id=slot.pk)


@compiled
def _slots(agreement):
    open_turn = Turn.objects.filter(
        slot_id=OuterRef("pk"), state__in=[Turn.State.WAITING, Turn.State.ACTIVE]
    ).order_by("state", "pk")  # "active" before "waiting"
    return (
        SignatureSlot.objects.filter(agreement_id=agreement)
        .select_related("unit", "revision__added_by", "revision__certificate")
        .annotate(
            open_turn_id=Subquery(open_turn.values("pk")[:1]),
            open_turn_state=Subquery(open_turn.values("state")[:1]),
        )
        .order_by("order")
    )


# What the signing page's panel shows of a field and of the revision that filled it.
_SLOT_FIELDS = [
    SignatureSlot._meta.get_field(name)
    for name in ("id", "agreement", "name", "kind", "unit", "order")
]
_REVISION_FIELDS = [
    DocumentRevision._meta.get_field(name)
    for name in ("id", "agreement", "slot", "signer_name", "signed_at", "added_at")
]
_SLOT_PLAN = json_rows.plan(_SLOT_FIELDS)
_REVISION_PLAN = json_rows.plan(_REVISION_FIELDS, "revision__")


def slots_json():
    """The agreement's fields (OuterRef("pk") is the agreement) as JSON objects, read with the
    signing page's one read of the agreement: each field, the revision that filled it and its
    open turn (`slot_rows_from_json` makes the rows). An agreement signed simply has none: the
    same queries whatever the way of signing."""
    open_turn = Turn.objects.filter(
        slot_id=OuterRef("pk"), state__in=[Turn.State.WAITING, Turn.State.ACTIVE]
    ).order_by("state", "pk")  # "active" before "waiting"
    return ListOf(
        SignatureSlot.objects.filter(agreement_id=OuterRef("pk"))
        .order_by("order")
        .values(
            row=JSONObject(
                **json_rows.keys(_SLOT_FIELDS),
                **json_rows.keys(_REVISION_FIELDS, "revision__"),
                open_turn_id=Subquery(open_turn.values("pk")[:1]),
                open_turn_state=Subquery(open_turn.values("state")[:1]),
            )
        )
    )


def slot_rows_from_json(agreement, rows):
    """`slot_rows(agreement)` from the JSON of `slots_json` (the fields' units are the cluster
    year's members, read with the agreement)."""
    db = agreement._state.db
    units = {m.unit_id: m.unit for m in agreement.cluster_year.memberships.all()}
    result = []
    for row in rows:
        slot = json_rows.instance(SignatureSlot, _SLOT_PLAN, row, db)
        if slot.unit_id in units:
            slot.unit = units[slot.unit_id]
        revision = None
        if row["revision__id"] is not None:
            revision = json_rows.instance(DocumentRevision, _REVISION_PLAN, row, db)
        turn = _open_turn(slot, row["open_turn_id"], row["open_turn_state"])
        result.append(SlotRow(slot, revision, turn))
    return result


def is_filled(slot):
    return DocumentRevision.objects.filter(slot=slot).exists()


def unit_slots(agreement, unit):
    return {
        s.kind: s
        for s in SignatureSlot.objects.filter(agreement=agreement, unit=unit).select_related("unit")
    }


def queue(agreement):
    """The open turns in order: the active one first, then those waiting."""
    turns = Turn.objects.filter(
        agreement=agreement, state__in=[Turn.State.WAITING, Turn.State.ACTIVE]
    ).select_related("user", "slot__unit")
    return sorted(turns, key=lambda t: (t.state != Turn.State.ACTIVE, t.requested_at, t.pk))


def place_in_line(turn):
    """1 for the turn being served, then 2, 3… (None when the turn is no longer open)."""
    if turn.state not in (Turn.State.WAITING, Turn.State.ACTIVE):
        return None
    for position, other in enumerate(queue(turn.agreement), start=1):
        if other.pk == turn.pk:
            return position
    return None


def expired_active(agreement):
    return Turn.objects.filter(
        agreement=agreement, state=Turn.State.ACTIVE, expires_at__lt=timezone.now()
    )


def digitally_signed_units(agreement):
    return set(
        Signature.objects.filter(
            agreement=agreement, void=False, method=Signature.Method.DIGITAL
        ).values_list("unit_id", flat=True)
    )


def pending_registrations(parent_ids):
    """Certificates, seal images and organisation keys waiting for a second person."""
    unit_filter = Q(unit__parent_id__in=parent_ids) | Q(unit_id__in=parent_ids)
    person_filter = Q(person__positions__unit__parent_id__in=parent_ids) | Q(
        person__positions__unit_id__in=parent_ids
    )
    return {
        "certificates": list(
            Certificate.objects.filter(status=Confirmation.PENDING)
            .filter(unit_filter | person_filter)
            .select_related("person", "unit", "registered_by")
            .distinct()
        ),
        "seal_images": list(
            SealImage.objects.filter(status=Confirmation.PENDING)
            .filter(unit_filter)
            .select_related("unit", "registered_by")
        ),
        "organisation_keys": list(
            OrganisationKey.objects.filter(status=Confirmation.PENDING)
            .filter(unit_filter)
            .select_related("unit", "certificate", "registered_by")
        ),
    }
