"""Who may do what in the digital signing: outsiders get 404, members without the right 403."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from agreements.signing.digital.models import (
    Certificate,
    OrganisationKey,
    SealImage,
    SignatureSlot,
    Turn,
)
from clusters import access as cluster_access
from clusters.models import Position


def get_own_turn(user, pk):
    turn = (
        Turn.objects.select_related("agreement__cluster_year__cluster", "slot__unit")
        .filter(pk=pk, user_id=user.pk)
        .first()
    )
    if turn is None:
        raise Http404
    return turn


def clerk_unit_ids(user):
    if not user.is_authenticated:
        return set()
    return set(
        Position.objects.current()
        .filter(person__user=user, title=Position.Title.CLERK)
        .values_list("unit_id", flat=True)
    )


def _visible(user, record_unit_id=None, record_person_id=None):
    if (
        record_person_id is not None
        and Position.objects.filter(person_id=record_person_id, person__user=user).exists()
    ):
        return True
    unit_ids = cluster_access.unit_ids(user)
    staff = cluster_access.staff_parent_ids(user)
    if record_unit_id is not None:
        return (
            record_unit_id in unit_ids
            or Position.objects.filter(unit_id=record_unit_id)
            .filter(Q(unit__parent_id__in=staff) | Q(unit_id__in=staff))
            .exists()
            or user.is_superuser
        )
    return (
        bool(
            Position.objects.current()
            .filter(person_id=record_person_id)
            .filter(Q(unit__parent_id__in=staff) | Q(unit_id__in=staff) | Q(unit_id__in=unit_ids))
            .exists()
        )
        or user.is_superuser
    )


def get_certificate(user, pk):
    certificate = Certificate.objects.select_related("person", "unit").filter(pk=pk).first()
    if certificate is None or not _visible(user, certificate.unit_id, certificate.person_id):
        raise Http404
    return certificate


def _to_confirm(user, record, unit):
    parent = unit.parent if unit.parent_id else unit
    if not cluster_access.is_parent_staff(user, parent):
        raise PermissionDenied
    return record


def get_certificate_to_confirm(user, pk):
    certificate = get_certificate(user, pk)
    unit = certificate.unit
    if unit is None:
        position = Position.objects.current().filter(person=certificate.person).first()
        if position is None:
            raise PermissionDenied
        unit = position.unit
    return _to_confirm(user, certificate, unit)


def get_seal_image_to_confirm(user, pk):
    record = SealImage.objects.select_related("unit__parent").filter(pk=pk).first()
    if record is None or not _visible(user, record.unit_id):
        raise Http404
    return _to_confirm(user, record, record.unit)


def get_organisation_key_to_confirm(user, pk):
    record = (
        OrganisationKey.objects.select_related("unit__parent", "certificate").filter(pk=pk).first()
    )
    if record is None or not _visible(user, record.unit_id):
        raise Http404
    return _to_confirm(user, record, record.unit)


def can_manage_unit_keys(user, unit):
    """The unit's own people (officers, clerks, chair) and its parent's staff."""
    parent = unit.parent if unit.parent_id else unit
    return unit.pk in cluster_access.unit_ids(user) or cluster_access.is_parent_staff(user, parent)


def get_slot_to_sign(user, agreement, pk):
    """A field of the agreement's file the user may sign: its unit's chair (or vice-chair who may
    sign) for the personal one, its clerk for the organisation's; others of the agreement 403."""
    slot = SignatureSlot.objects.select_related("unit").filter(agreement=agreement, pk=pk).first()
    if slot is None:
        raise Http404
    if slot.kind == SignatureSlot.Kind.PERSONAL and slot.unit_id in cluster_access.signer_unit_ids(
        user
    ):
        return slot
    if slot.kind == SignatureSlot.Kind.ORGANISATION and slot.unit_id in clerk_unit_ids(user):
        return slot
    raise PermissionDenied
