"""Reads of the signing: who must sign, where each unit stands, who may sign for a unit."""

from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext as _

from agreements.models import Agreement
from agreements.signing.digital.models import DocumentRevision
from agreements.signing.models import Decline, PaperSigning, Signature
from clusters.models import Position
from core.compiled import compiled
from core.expressions import ListOf


@dataclass
class UnitSigning:
    """One member unit's place in the signing of an agreement (for pages and documents)."""

    unit_id: int
    name: str
    short_name: str
    role: str
    order: int
    signature: Signature | None = None
    paper: PaperSigning | None = None
    declines: list = field(default_factory=list)

    @property
    def has_signed(self):
        return self.signature is not None

    @property
    def awaiting_confirmation(self):
        return self.signature is None and self.paper is not None and not self.paper.is_confirmed

    @property
    def latest_decline(self):
        return self.declines[0] if self.declines else None


def required_units(agreement):
    """The member units that must sign, in the signature grid's order (as at adoption)."""
    members = agreement.members_snapshot or []
    if members:
        return [
            {
                "unit_id": m["unit_id"],
                "name": m.get("name", ""),
                "short_name": m.get("short_name", m.get("name", "")),
                "role": m.get("role", ""),
                "order": m.get("order", 0),
            }
            for m in members
        ]
    memberships = agreement.cluster_year.memberships.filter(ended_on__isnull=True).select_related(
        "unit"
    )
    return [
        {
            "unit_id": m.unit_id,
            "name": m.unit.name,
            "short_name": m.unit.short_name,
            "role": m.role,
            "order": m.order,
        }
        for m in memberships.order_by("order", "unit__name")
    ]


def _signatures(agreement):
    return (
        Signature.objects.filter(agreement_id=agreement)
        .select_related("paper__recorded_by", "paper__confirmed_by")
        .order_by("void", "-signed_at")
    )


@compiled
def _every_signature(agreement):
    return _signatures(agreement)


@compiled
def _live_signatures(agreement):
    return _signatures(agreement).filter(void=False)


@compiled
def _paper_signings(agreement):
    return PaperSigning.objects.filter(agreement_id=agreement, withdrawn=False).select_related(
        "recorded_by", "confirmed_by", "contested_by"
    )


@compiled
def _declines(agreement):
    return Decline.objects.filter(agreement_id=agreement).order_by("-at", "-pk")


def signing_rows(agreement):
    """Every member unit with its live signature, pending paper signing and refusals.

    A fixed number of queries whatever the number of members.
    """
    rows = {u["unit_id"]: UnitSigning(**u) for u in required_units(agreement)}
    # A superseded agreement shows the signatures it had, marked void.
    if agreement.status == Agreement.Status.SUPERSEDED:
        signatures = _every_signature(agreement=agreement.pk)
    else:
        signatures = _live_signatures(agreement=agreement.pk)
    for signature in signatures:
        if signature.unit_id in rows and rows[signature.unit_id].signature is None:
            rows[signature.unit_id].signature = signature
    for paper in _paper_signings(agreement=agreement.pk):
        if paper.unit_id in rows:
            rows[paper.unit_id].paper = paper
    for decline in _declines(agreement=agreement.pk):
        if decline.unit_id in rows:
            rows[decline.unit_id].declines.append(decline)
    return list(rows.values())


# Read with the agreement on its pages (agreements.access.get_agreement(annotations=...)): the
# units whose field of the digitally signed file holds a signature (they began signing
# digitally, even before their organisation's signature completes them).
DIGITALLY_BEGUN = {
    "digitally_begun_unit_ids": ListOf(
        DocumentRevision.objects.filter(agreement=OuterRef("pk"), slot__isnull=False)
        .order_by()
        .values("slot__unit_id")
    )
}


def digitally_begun_unit_ids(agreement, unit_ids):
    """Which of `unit_ids` began signing the agreement's file digitally."""
    begun = getattr(agreement, "digitally_begun_unit_ids", None)
    if begun is not None:
        return set(begun) & set(unit_ids)
    return set(
        DocumentRevision.objects.filter(
            agreement=agreement, slot__unit_id__in=unit_ids
        ).values_list("slot__unit_id", flat=True)
    )


def unsigned_unit_ids(agreement):
    required = {u["unit_id"] for u in required_units(agreement)}
    signed = set(
        Signature.objects.filter(agreement=agreement, void=False).values_list("unit_id", flat=True)
    )
    return required - signed


def signer_position(user, unit):
    """The user's current position allowing them to sign for `unit` (chair first), or None."""
    positions = list(
        Position.objects.current()
        .filter(person__user=user, unit=unit, can_sign=True, title__in=SIGNER_TITLES)
        .select_related("person", "unit")
    )
    positions.sort(key=lambda p: (p.title != Position.Title.CHAIR, p.start, p.pk))
    return positions[0] if positions else None


def unit_signatory(unit):
    """The unit's current signatory position (the chair before a vice-chair), or None."""
    positions = list(
        Position.objects.current()
        .filter(unit=unit, can_sign=True, title__in=SIGNER_TITLES)
        .select_related("person__user", "unit")
    )
    positions.sort(key=lambda p: (p.title != Position.Title.CHAIR, p.start, p.pk))
    return positions[0] if positions else None


def reminder_recipients(agreement):
    """E-mail addresses of the signatories of the units that have not signed yet."""
    units = unsigned_unit_ids(agreement)
    positions = (
        Position.objects.current()
        .filter(unit_id__in=units, can_sign=True, title__in=SIGNER_TITLES)
        .select_related("person__user")
    )
    addresses = set()
    for p in positions:
        user = p.person.user
        if user is not None and not user.is_active:
            continue
        address = (user.email if user is not None else "") or p.person.email
        if address:
            addresses.add(address)
    return sorted(addresses)


# Statuses in which members may still sign (or decline, or have paper signings confirmed).
OPEN_FOR_SIGNING = (Agreement.Status.ADOPTED, Agreement.Status.SIGNING)


SIGNER_TITLES = (Position.Title.CHAIR, Position.Title.VICE_CHAIR)


# Official (Vietnamese) names of the positions, as they appear on documents.
POSITION_NAMES = {
    Position.Title.CHAIR: "Chủ tịch",
    Position.Title.VICE_CHAIR: "Phó Chủ tịch",
}


PAPER_NOTE = "Ký bản giấy tại hội nghị"


SIGNING_BEGUN = (Agreement.Status.SIGNING, Agreement.Status.SIGNED, Agreement.Status.SEALED)


def _begun_agreements():
    """Agreements whose signing has begun (see `signing_begun_reason`)."""
    return Agreement.objects.filter(
        Q(status__in=SIGNING_BEGUN)
        | Exists(Signature.objects.filter(agreement=OuterRef("pk")))
        | Exists(PaperSigning.objects.filter(agreement=OuterRef("pk")))
        | Q(signature_slots__isnull=False)
    )


def signing_begun_reason(cluster_year):
    """Why the cluster year's signing mode can no longer change: an agreement of the year has
    begun its signing (the digital file prepared, a signature or a paper signing recorded, or
    the signing closed), even one superseded since. "" while it may change."""
    if _begun_agreements().filter(cluster_year_id=cluster_year.pk).exists():
        return signing_begun_message()
    return ""


def signing_begun_message():
    return _(
        "The signing of this year's agreement has begun: how it is signed can no longer change."
    )


def signing_begun_expression(cluster_year_pk):
    """`signing_begun_reason` as a boolean expression, for the cluster year whose pk is the
    outer query's field `cluster_year_pk` (read with the year instead of on its own)."""
    return Exists(_begun_agreements().filter(cluster_year_id=OuterRef(cluster_year_pk)))
