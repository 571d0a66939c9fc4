"""Reads for the agreement pages: content with its criteria, totals, comments, revisions.

Each function reads what its page shows in a fixed number of queries, so the query count does
not grow with rows; the pages' reads are compiled once per process (core.compiled).
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Window

from agreements.models import Agreement, Comment, Criterion, Revision, Section
from clusters.models import Position
from core.compiled import compiled

ZERO = Decimal("0")


@compiled
def agreement_sections(agreement):
    """The sections of the agreement `agreement` (its pk) in order, without their criteria."""
    return Section.objects.filter(agreement_id=agreement).order_by("order", "pk")


@compiled
def agreement_criteria(agreement):
    """The criteria of the agreement `agreement` (its pk), in their order within a section."""
    return Criterion.objects.filter(section__agreement_id=agreement).order_by("order", "pk")


def with_criteria(sections, criteria):
    """`sections`, each with those of `criteria` that are its own, in their order, as if
    prefetched (`section.criteria.all()`, each criterion's `section` set)."""
    by_section = {section.pk: [] for section in sections}
    for criterion in criteria:
        items = by_section.get(criterion.section_id)
        if items is not None:
            items.append(criterion)
    for section in sections:
        items = by_section[section.pk]
        for criterion in items:
            criterion.section = section
        queryset = section.criteria.all()
        queryset._result_cache = items
        queryset._prefetch_done = True
        section._prefetched_objects_cache = {"criteria": queryset}
    return sections


def sections_with_criteria(agreement):
    """The agreement's sections in order, each with its criteria prefetched in order (two
    compiled queries)."""
    return with_criteria(
        agreement_sections(agreement=agreement.pk), agreement_criteria(agreement=agreement.pk)
    )


@dataclass
class Totals:
    """Points of a section (or of the whole agreement), computed from its criteria."""

    normal: Decimal = ZERO
    bonus: Decimal = ZERO
    penalty: Decimal = ZERO
    count: int = 0

    def add(self, criterion):
        self.count += 1
        if criterion.kind == Criterion.Kind.BONUS:
            self.bonus += criterion.effective_cap
        elif criterion.kind == Criterion.Kind.PENALTY:
            self.penalty += criterion.effective_cap
        else:
            self.normal += criterion.max_points

    def __iadd__(self, other):
        self.normal += other.normal
        self.bonus += other.bonus
        self.penalty += other.penalty
        self.count += other.count
        return self


@dataclass
class SectionTotals:
    section: Section
    totals: Totals


@dataclass
class AgreementTotals:
    sections: list = field(default_factory=list)  # [SectionTotals]
    overall: Totals = field(default_factory=Totals)


def totals(sections):
    """Per-section and overall totals: normal maximum points, bonus caps, penalty caps.

    `sections` should come from `sections_with_criteria` (criteria prefetched).
    """
    result = AgreementTotals()
    for section in sections:
        section_totals = Totals()
        for criterion in section.criteria.all():
            section_totals.add(criterion)
        result.sections.append(SectionTotals(section, section_totals))
        result.overall += section_totals
    return result


def agreement_totals(agreement):
    return totals(sections_with_criteria(agreement))


@compiled
def _comments(agreement):
    return (
        Comment.objects.filter(agreement_id=agreement)
        .select_related("unit", "section", "author", "answered_by")
        .order_by("created_at", "pk")
    )


def comments(agreement):
    return _comments(agreement=agreement.pk)


def revisions(agreement):
    """Revisions newest first, without their (large) content."""
    return list(
        Revision.objects.filter(agreement_id=agreement.pk)
        .defer("content")
        .select_related("author")
        .order_by("-number")
    )


_latest_reads = {}


def _latest_read(limit):
    """The compiled read of the `limit` newest revisions (a LIMIT is written into the SQL, not
    passed as a value: one function for each limit, a handful per process)."""
    read = _latest_reads.get(limit)
    if read is None:

        @compiled
        def read(agreement):
            return (
                Revision.objects.filter(agreement_id=agreement)
                .defer("content")
                .select_related("author")
                .annotate(total=Window(Count("pk")))
                .order_by("-number")[:limit]
            )

        _latest_reads[limit] = read
    return read


def latest_revisions(agreement, limit):
    """The `limit` newest revisions (without their content) and how many there are, in one
    query."""
    rows = _latest_read(int(limit))(agreement=agreement.pk)
    return rows, (rows[0].total if rows else 0)


def cluster_year_agreements(cluster_year):
    """All agreements of a cluster year, newest first (amendments and superseded ones too)."""
    return list(
        Agreement.objects.filter(cluster_year_id=cluster_year.pk)
        .select_related("supersedes", "adopted_by")
        .prefetch_related("superseded_by")
        .order_by("-created_at", "-pk")
    )


def templates_of(parents):
    return list(
        Agreement.objects.filter(kind=Agreement.Kind.TEMPLATE, template_parent__in=parents)
        .select_related("template_parent")
        .order_by("-template_year", "template_parent__name")
    )


def signatory_of(unit, on=None):
    """The unit's current signatory position (the chair before a vice-chair), or None."""
    positions = [
        p
        for p in unit.positions.all()
        if p.can_sign
        and p.is_current(on)
        and p.title in (Position.Title.CHAIR, Position.Title.VICE_CHAIR)
    ]
    positions.sort(key=lambda p: (p.title != Position.Title.CHAIR, p.start, p.pk))
    return positions[0] if positions else None


def members_snapshot(cluster_year, on=None):
    """The members as they are: names, roles, order and signatory (for the signature grid)."""
    memberships = (
        cluster_year.memberships.filter(ended_on__isnull=True)
        .select_related("unit")
        .prefetch_related("unit__positions__person")
        .order_by("order", "unit__name")
    )
    result = []
    for m in memberships:
        signatory = signatory_of(m.unit, on)
        result.append(
            {
                "unit_id": m.unit_id,
                "name": m.unit.name,
                "short_name": m.unit.short_name,
                "role": m.role,
                "order": m.order,
                "collective_name": m.unit.collective_name,
                "signatory_name": signatory.person.full_name if signatory else "",
                "signatory_title": signatory.title if signatory else "",
                "signature_block": signatory.signature_block if signatory else [],
            }
        )
    return result
