"""Reads for the results pages: totals, ranking, ratings, comparison between clusters.

Totals come from one aggregate query per page (grouped by sheet and section), so that a page
costs the same number of queries for 6 units or 600. The pure functions (`score_limits`,
`clip`, `combine`, `rank_rows`, `rating_for`) hold the rules and are tested on their own.
"""

import json
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import (
    Case,
    Count,
    DecimalField,
    F,
    OuterRef,
    Q,
    Subquery,
    Sum,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Greatest, JSONObject, Least
from django.utils.translation import gettext_lazy as _

from agreements.models import IN_FORCE, Agreement, Criterion, Section
from agreements.selectors import (  # sections_with_criteria: results.views.sheets reads it here
    agreement_criteria,
    sections_with_criteria,  # noqa: F401
    with_criteria,
)
from clusters.models import Cluster, ClusterYear
from core.compiled import compiled
from core.expressions import ListOf
from core.text import fold
from results.models import (
    DEFAULT_EVIDENCE_MAX_MB,
    DEFAULT_THRESHOLDS,
    DEFAULT_TIE_BREAK,
    Assessment,
    GoodPractice,
    Period,
    RankingEntry,
    RankingSnapshot,
    RatingThreshold,
    ResultRules,
    Score,
    TieBreak,
)

ZERO = Decimal("0")
CENT = Decimal("0.01")
HUNDRED = Decimal("100")


def q2(value):
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


# --- the agreement the results follow ------------------------------------------------------


def _signing_over(agreement):
    """Has every member signed, or have parent staff closed the signing?"""
    try:
        if agreement.signing_closure is not None:
            return True
    except (ObjectDoesNotExist, AttributeError):
        pass
    signatures = getattr(agreement, "signatures", None)
    if signatures is None:
        return False
    members = {m.unit_id for m in agreement.cluster_year.memberships.all() if m.is_active}
    signed = set(signatures.filter(void=False).values_list("unit_id", flat=True))
    return bool(members) and members <= signed


def results_agreement(cluster_year):
    """The agreement a cluster year's results follow, or None while there is none yet.

    That is the agreement in force once its signing is over: signed by all or sealed, or
    adopted and being signed when every member has signed or parent staff closed the signing.
    """
    agreement = (
        Agreement.objects.filter(
            cluster_year_id=cluster_year.pk, kind=Agreement.Kind.AGREEMENT, status__in=IN_FORCE
        )
        .select_related("cluster_year")
        .first()
    )
    if agreement is None:
        return None
    if agreement.status in (Agreement.Status.SIGNED, Agreement.Status.SEALED):
        return agreement
    return agreement if _signing_over(agreement) else None


# --- the rules of one criterion ------------------------------------------------------------


def score_limits(criterion):
    """The lowest and highest score a criterion allows (penalties are negative)."""
    if criterion.kind == Criterion.Kind.PENALTY:
        return -criterion.effective_cap, ZERO
    if criterion.kind == Criterion.Kind.BONUS:
        return ZERO, min(criterion.max_points, criterion.effective_cap)
    return ZERO, criterion.max_points


def clip(criterion, value):
    low, high = score_limits(criterion)
    return min(max(value, low), high)


def input_kind(criterion):
    """What the unit enters for a criterion: occurrences, yes/no, a number or text."""
    C = Criterion
    if criterion.rule == C.Rule.PER_OCCURRENCE:
        return "occurrences"
    if criterion.measure == C.Measure.YES_NO:
        return "yes_no"
    if criterion.measure == C.Measure.TEXT:
        return "text"
    return "number"


# --- totals --------------------------------------------------------------------------------


@dataclass
class Totals:
    """One sheet's points: normal criteria, bonus, penalty deducted (positive) and total."""

    normal: Decimal = ZERO
    bonus: Decimal = ZERO
    penalty: Decimal = ZERO
    sections: dict = field(default_factory=dict)  # section id -> points (signed, all kinds)
    normal_sections: dict = field(default_factory=dict)  # section id -> normal points

    @property
    def total(self):
        return max(self.normal + self.bonus - self.penalty, ZERO)

    @property
    def penalty_points(self):
        """The penalty as the points it adds, the way every page and file shows it (0 or less)."""
        return -self.penalty


def combine(items):
    """Totals from (criterion kind, section id, score already within its limits) triples."""
    totals = Totals()
    for kind, section_id, value in items:
        value = Decimal(value)
        totals.sections[section_id] = totals.sections.get(section_id, ZERO) + value
        if kind == Criterion.Kind.BONUS:
            totals.bonus += value
        elif kind == Criterion.Kind.PENALTY:
            totals.penalty -= value
        else:
            totals.normal += value
            totals.normal_sections[section_id] = (
                totals.normal_sections.get(section_id, ZERO) + value
            )
    return totals


_DEC = DecimalField(max_digits=10, decimal_places=2)


def _capped_score():
    """The score that counts, kept within the criterion's limits, as a database expression."""
    raw = Coalesce(F("reviewed_score"), F("self_score"), Value(ZERO), output_field=_DEC)
    cap = Coalesce(F("criterion__cap"), F("criterion__max_points"), output_field=_DEC)
    high = Case(
        When(criterion__kind=Criterion.Kind.PENALTY, then=Value(ZERO)),
        When(criterion__kind=Criterion.Kind.BONUS, then=Least(F("criterion__max_points"), cap)),
        default=F("criterion__max_points"),
        output_field=_DEC,
    )
    low = Case(
        When(criterion__kind=Criterion.Kind.PENALTY, then=-cap),
        default=Value(ZERO),
        output_field=_DEC,
    )
    return Greatest(Least(raw, high), low)


def totals_for(assessment_ids):
    """{assessment id: Totals} for many sheets in one query."""
    return totals_and_progress_for(assessment_ids)[0]


def _grouped_scores(scores):
    """The points, filled and all criteria of `scores` (a queryset) by sheet, section and kind
    of criterion, as values."""
    return (
        scores.values("assessment_id", "criterion__section_id", "criterion__kind")
        .annotate(
            points=Sum(_capped_score()),
            filled=Count("pk", filter=Q(self_score__isnull=False)),
            count=Count("pk"),
        )
        .order_by()
    )


@compiled
def _period_scores(period):
    """`_grouped_scores` of every sheet of the period `period` (its pk)."""
    return _grouped_scores(Score.objects.filter(assessment__period_id=period))


def totals_and_progress_for(assessment_ids):
    """({assessment id: Totals}, {assessment id: (criteria filled, criteria)}) for many sheets,
    in one query (grouped by sheet, section and kind of criterion)."""
    return _totals_and_progress(
        _grouped_scores(Score.objects.filter(assessment_id__in=assessment_ids))
    )


def _totals_and_progress(rows):
    """What `totals_and_progress_for` returns, from the rows of `_grouped_scores`."""
    grouped, progress = {}, {}
    for row in rows:
        pk = row["assessment_id"]
        grouped.setdefault(pk, []).append(
            (row["criterion__kind"], row["criterion__section_id"], row["points"] or ZERO)
        )
        filled, count = progress.get(pk, (0, 0))
        progress[pk] = (filled + row["filled"], count + row["count"])
    return {pk: combine(items) for pk, items in grouped.items()}, progress


def progress_for(assessment_ids):
    """{assessment id: (criteria filled, criteria)} for many sheets in one query."""
    rows = (
        Score.objects.filter(assessment_id__in=assessment_ids)
        .values("assessment_id")
        .annotate(filled=Count("pk", filter=Q(self_score__isnull=False)), count=Count("pk"))
        .order_by()
    )
    return {row["assessment_id"]: (row["filled"], row["count"]) for row in rows}


# --- ranking and rating --------------------------------------------------------------------


def _key_value(row, key):
    if key == TieBreak.TOTAL:
        return -row.total
    if key == TieBreak.NORMAL:
        return -row.normal
    if key == TieBreak.BONUS:
        return -row.bonus
    if key == TieBreak.FEWER_PENALTY:
        return row.penalty
    raise ValueError(key)


def _name_of(item):
    return getattr(item, "name", None) or getattr(item, "unit_name", "")


def ranking_key(item):
    """The one order of a ranking, for rows, snapshot entries and candidates alike.

    By rank; units sharing a rank (equal on every key) by name, compared without diacritics
    first ('Đống Đa' next to 'Dịch Vọng') so that Python and every page agree.
    """
    name = _name_of(item)
    rank = getattr(item, "rank", None)
    return (rank if rank is not None else 10**6, fold(name), name)


def in_ranking_order(items):
    """`items` (rows, snapshot entries) in the ranking's one order: see `ranking_key`."""
    return sorted(items, key=ranking_key)


TIE_NOTES = {
    TieBreak.NORMAL: _("tied, ordered by the criteria points"),
    TieBreak.BONUS: _("tied, ordered by bonus points"),
    TieBreak.FEWER_PENALTY: _("tied, ordered by fewer penalty points"),
}


def tie_note(decided_by):
    """The short note beside a rank that a tie-break set: 'tied, ordered by bonus points'."""
    return str(TIE_NOTES.get(decided_by, "")) if decided_by else ""


def rank_rows(rows, tie_break):
    """Order rows and give each `rank` and `decided_by`.

    Rows compare by the keys of `tie_break` in order (the first is normally the total).
    Rows equal on every key share a rank (1, 2, 2, 4). `decided_by` names the key that set a
    row apart from an equal-total neighbour, when the total alone did not.
    """
    keys = list(tie_break) or list(DEFAULT_TIE_BREAK)
    if TieBreak.TOTAL.value not in keys:
        keys.insert(0, TieBreak.TOTAL.value)

    def sort_key(row):
        return tuple(_key_value(row, key) for key in keys)

    ordered = sorted(rows, key=lambda r: (sort_key(r), fold(_name_of(r)), _name_of(r)))
    previous = None
    for index, row in enumerate(ordered):
        key = sort_key(row)
        row.rank = (
            previous.rank if previous is not None and sort_key(previous) == key else index + 1
        )
        row.decided_by = ""
        previous = row
    for row in ordered:
        tied = [o for o in ordered if o is not row and o.total == row.total]
        if not tied:
            continue
        for other in tied:
            if other.rank == row.rank:
                continue
            for key in keys:
                if _key_value(row, key) != _key_value(other, key):
                    if key != TieBreak.TOTAL:
                        row.decided_by = row.decided_by or key
                    break
    return ordered


def percent_of(total, maximum):
    if not maximum:
        return ZERO
    return q2(Decimal(total) * HUNDRED / Decimal(maximum))


def rating_for(percent, thresholds):
    """The first rating (best first) whose threshold the share of the maximum reaches."""
    for label, minimum in sorted(thresholds, key=lambda t: -Decimal(t[1])):
        if Decimal(percent) >= Decimal(minimum):
            return label
    return ""


@dataclass
class Rules:
    """The result rules in effect for a parent body and year (saved, or the defaults)."""

    tie_break: list
    thresholds: list  # [(label, min_percent)] best first
    evidence_max_mb: int
    saved: object = None

    @property
    def evidence_max_bytes(self):
        return self.evidence_max_mb * 1024 * 1024


def _thresholds_of(rules):
    """The thresholds of the rules `rules` (a pk or an expression), best first, as JSON rows
    {"label", "min_percent"} (a number: see `_percent`)."""
    return ListOf(
        RatingThreshold.objects.filter(rules=rules)
        .order_by("order", "pk")
        .values(row=JSONObject(label="label", min_percent="min_percent"))
    )


def _saved_rules_of(parent, year):
    """The saved rules of a parent body and year (at most one: they are unique); `parent` and
    `year` are values or expressions (OuterRef)."""
    return ResultRules.objects.filter(parent_id=parent, year=year).order_by()


@compiled
def _saved_rules(parent, year):
    """The parent body's saved rules of the year, each with its thresholds best first as
    `threshold_rows`, read with it."""
    return _saved_rules_of(parent, year).annotate(threshold_rows=_thresholds_of(OuterRef("pk")))


def _percent(value):
    """A threshold's share as read from JSON (a number): the Decimal of its field, 2 places."""
    return Decimal(str(value)).quantize(CENT)


def _rules(saved, threshold_rows):
    """The Rules of the saved rules `saved` (None: the defaults) with their thresholds."""
    if saved is None:
        return Rules(list(DEFAULT_TIE_BREAK), list(DEFAULT_THRESHOLDS), DEFAULT_EVIDENCE_MAX_MB)
    thresholds = [(t["label"], _percent(t["min_percent"])) for t in threshold_rows or []]
    return Rules(
        list(saved.tie_break), thresholds or list(DEFAULT_THRESHOLDS), saved.evidence_max_mb, saved
    )


def rules_for(parent_id, year):
    """The rules of a parent body for a year: saved, or the defaults (one compiled query)."""
    saved = next(iter(_saved_rules(parent=parent_id, year=year)), None)
    return _rules(saved, saved.threshold_rows if saved is not None else None)


# --- a period's results --------------------------------------------------------------------


@dataclass
class Row:
    """One unit on a results page."""

    assessment: Assessment
    name: str
    totals: Totals
    filled: int = 0
    count: int = 0
    rank: int = 0
    decided_by: str = ""
    percent: Decimal = ZERO
    rating: str = ""
    section_points: list = field(default_factory=list)

    @property
    def total(self):
        return self.totals.total

    @property
    def normal(self):
        return self.totals.normal

    @property
    def bonus(self):
        return self.totals.bonus

    @property
    def penalty(self):
        return self.totals.penalty

    @property
    def penalty_points(self):
        return self.totals.penalty_points

    @property
    def submitted(self):
        return self.assessment.status in (Assessment.Status.SUBMITTED, Assessment.Status.ACCEPTED)


@dataclass
class PeriodResults:
    period: Period
    sections: list  # Section objects (with their criteria prefetched by score_table)
    section_max: list  # normal maximum per section, in order
    max_points: Decimal
    rows: list  # [Row], ranked
    rules: Rules
    snapshot: RankingSnapshot = None
    averages: list = field(default_factory=list)  # cluster average per section (normal points)
    scores: list = field(default_factory=list)  # filled by score_table()
    entries: list = field(default_factory=list)  # the snapshot's entries, by score_table()

    @property
    def submitted_count(self):
        return sum(1 for row in self.rows if row.submitted)

    @property
    def accepted_count(self):
        return sum(1 for row in self.rows if row.assessment.status == Assessment.Status.ACCEPTED)

    @property
    def average_total(self):
        if not self.rows:
            return ZERO
        return q2(sum((row.total for row in self.rows), ZERO) / len(self.rows))


def _sections_of(agreement):
    """The sections of an agreement (a pk or an expression) in order, each with `normal_max`:
    the sum of its normal criteria's maximum points (None without any), without the criteria."""
    return (
        Section.objects.filter(agreement_id=agreement)
        .annotate(
            normal_max=Sum("criteria__max_points", filter=Q(criteria__kind=Criterion.Kind.NORMAL))
        )
        .order_by("order", "pk")
    )


@compiled
def _period_sections(agreement):
    return _sections_of(agreement)


def section_maximum(section):
    """The normal maximum points of a section (`normal_max` when read by `_sections_of`)."""
    if hasattr(section, "normal_max"):
        return ZERO if section.normal_max is None else section.normal_max
    return sum(
        (c.max_points for c in section.criteria.all() if c.kind == Criterion.Kind.NORMAL), ZERO
    )


_SECTION_FIELDS = [f.attname for f in Section._meta.concrete_fields]
_RULES_FIELDS = [f.attname for f in ResultRules._meta.concrete_fields]

# What `period_results` reads besides the sheets, read with the period by the results page
# (results.access.get_period(..., for_results=True)), as JSON: the agreement's sections with
# their maximum (`_sections_of`), the saved rules of the parent body and year and their
# thresholds (`rules_for`). Two queries fewer than reading them on their own.
WITH_PERIOD = {
    "results_sections": ListOf(
        _sections_of(OuterRef("agreement_id")).values(
            row=JSONObject(
                **{name: name for name in _SECTION_FIELDS},
                normal_max=Cast("normal_max", TextField()),
            )
        )
    ),
    "results_rules": Subquery(
        _saved_rules_of(
            OuterRef("cluster_year__cluster__parent_id"), OuterRef("cluster_year__year")
        ).values(row=JSONObject(**{name: name for name in _RULES_FIELDS}))[:1]
    ),
    "results_thresholds": _thresholds_of(
        Subquery(
            _saved_rules_of(
                OuterRef(OuterRef("cluster_year__cluster__parent_id")),
                OuterRef(OuterRef("cluster_year__year")),
            ).values("pk")[:1]
        )
    ),
}


def _json(value):
    """A JSON field's value inside a JSON object: SQLite writes it as text there."""
    return json.loads(value) if isinstance(value, str) else value


def _sections_read_with(period):
    """The sections read with the period (`WITH_PERIOD`), or None if they were not."""
    rows = getattr(period, "results_sections", None)
    if rows is None:
        return None
    sections = []
    for row in rows:
        section = Section.from_db(
            period._state.db, _SECTION_FIELDS, [row[name] for name in _SECTION_FIELDS]
        )
        maximum = row["normal_max"]
        # The sum of fields of 2 decimal places: PostgreSQL writes it with 2 (as read on its
        # own), SQLite may not (Django's converter gives it 2 there).
        section.normal_max = None if maximum is None else Decimal(maximum).quantize(CENT)
        sections.append(section)
    return sections


def _rules_read_with(period):
    """The rules read with the period (`WITH_PERIOD`), or None if they were not."""
    if not hasattr(period, "results_thresholds"):
        return None
    row = period.results_rules
    if row is None:
        return _rules(None, None)
    row = {**row, "tie_break": _json(row["tie_break"])}
    saved = ResultRules.from_db(
        period._state.db, _RULES_FIELDS, [row[name] for name in _RULES_FIELDS]
    )
    return _rules(saved, period.results_thresholds)


@compiled
def _period_sheets(period):
    return Assessment.objects.filter(period_id=period).select_related("unit").order_by("unit_name")


@compiled
def _ranking_entries(period):
    return (
        RankingEntry.objects.filter(snapshot__period_id=period)
        .select_related("snapshot")
        .order_by()
    )


def period_results(period, *, rules=None):
    """Every member's totals, section points, rank and rating for a period (live); its
    sections without their criteria (`score_table` adds them)."""
    sections = _sections_read_with(period)
    if sections is None:
        sections = _period_sections(agreement=period.agreement_id)
    section_max = [section_maximum(s) for s in sections]
    max_points = sum(section_max, ZERO)
    assessments = _period_sheets(period=period.pk)
    totals, progress = _totals_and_progress(_period_scores(period=period.pk))
    rules = (
        rules
        or _rules_read_with(period)
        or rules_for(period.cluster_year.cluster.parent_id, period.cluster_year.year)
    )
    rows = []
    for assessment in assessments:
        t = totals.get(assessment.pk, Totals())
        filled, count = progress.get(assessment.pk, (0, 0))
        row = Row(assessment, assessment.unit_name, t, filled, count)
        row.section_points = [q2(t.normal_sections.get(s.pk, ZERO)) for s in sections]
        row.percent = percent_of(row.total, max_points)
        row.rating = rating_for(row.percent, rules.thresholds)
        rows.append(row)
    rows = rank_rows(rows, rules.tie_break)
    averages = []
    for section in sections:
        values = [row.totals.normal_sections.get(section.pk, ZERO) for row in rows]
        averages.append(q2(sum(values, ZERO) / len(values)) if values else ZERO)
    results = PeriodResults(period, sections, section_max, max_points, rows, rules, None, averages)
    if period.is_locked:
        _apply_snapshot(results)
    return results


@compiled
def _snapshot_entries(snapshot):
    return RankingEntry.objects.filter(snapshot_id=snapshot).order_by()


def _snapshot_with_entries(period):
    """(the period's ranking snapshot or None, its entries): one query when the snapshot was
    read with the period (results.access.get_period) or has entries."""
    if Period.ranking.is_cached(period):
        snapshot = Period.ranking.related.get_cached_value(period)
        if snapshot is None:
            return None, []
        # The entries alone: the snapshot's JSON is not read (and decoded) again for each.
        entries = _snapshot_entries(snapshot=snapshot.pk)
        for entry in entries:
            entry.snapshot = snapshot
        return snapshot, in_ranking_order(entries)
    entries = _ranking_entries(period=period.pk)
    if not entries:
        return RankingSnapshot.objects.filter(period_id=period.pk).first(), []
    snapshot = entries[0].snapshot
    for entry in entries:
        entry.snapshot = snapshot
    return snapshot, in_ranking_order(entries)


def _apply_snapshot(results):
    """A locked period shows its snapshot: ranks, ratings and shares as they were taken."""
    snapshot, entries = _snapshot_with_entries(results.period)
    if snapshot is None:
        return
    results.snapshot = snapshot
    results.entries = entries
    results.max_points = snapshot.max_points
    by_unit = {entry.unit_id: entry for entry in results.entries}
    for row in results.rows:
        entry = by_unit.get(row.assessment.unit_id)
        if entry is not None:
            row.rank, row.rating, row.percent = entry.rank, entry.rating, entry.percent
            row.decided_by = entry.decided_by
    results.rows = in_ranking_order(results.rows)


def snapshot_entries(snapshot):
    return in_ranking_order(snapshot.entries.all())


def score_table(period):
    """The results with every score and the snapshot's entries, the sections with their
    criteria: the score table's data."""
    results = period_results(period)
    with_criteria(results.sections, agreement_criteria(agreement=period.agreement_id))
    results.scores = list(
        Score.objects.filter(assessment__period_id=period.pk).only(
            "pk", "assessment_id", "criterion_id", "self_score", "reviewed_score"
        )
    )
    return results


# --- the parent's comparison ---------------------------------------------------------------


@dataclass
class ComparisonRow:
    period: Period
    assessment_id: int
    cluster: str
    name: str
    total: Decimal
    max_points: Decimal
    percent: Decimal
    rating: str
    status: str
    locked: bool
    rank: int = 0
    normal: Decimal = ZERO
    bonus: Decimal = ZERO
    penalty: Decimal = ZERO
    decided_by: str = ""


@dataclass
class ClusterSummary:
    period: Period
    name: str
    units: int
    average_percent: Decimal
    leaders: list  # names of the units ranked first
    locked: bool


def _row_from_entry(period, assessment, entry):
    return ComparisonRow(
        period=period,
        assessment_id=assessment.pk,
        cluster=period.cluster_year.cluster.name,
        name=entry.unit_name,
        total=entry.total,
        max_points=entry.max_points,
        percent=entry.percent,
        rating=entry.rating,
        status=assessment.status,
        locked=True,
        rank=entry.rank,
        normal=entry.normal,
        bonus=entry.bonus,
        penalty=entry.penalty,
    )


def _row_live(period, assessment, totals, maximum, rules):
    percent = percent_of(totals.total, maximum)
    return ComparisonRow(
        period=period,
        assessment_id=assessment.pk,
        cluster=period.cluster_year.cluster.name,
        name=assessment.unit_name,
        total=totals.total,
        max_points=maximum,
        percent=percent,
        rating=rating_for(percent, rules.thresholds),
        status=assessment.status,
        locked=False,
        normal=totals.normal,
        bonus=totals.bonus,
        penalty=totals.penalty,
    )


COMPARED_ENTRY_FIELDS = (
    "unit_id",
    "unit_name",
    "rank",
    "total",
    "normal",
    "bonus",
    "penalty",
    "percent",
    "rating",
    "period_id",
    "max_points",
)


@compiled
def _compared_periods(parent, year, kind):
    """The periods compared, each with the normal points of its agreement (its maximum)."""
    maximum = (
        Criterion.objects.filter(
            section__agreement_id=OuterRef("agreement_id"), kind=Criterion.Kind.NORMAL
        )
        .order_by()
        .values("section__agreement_id")
        .annotate(points=Sum("max_points"))
        .values("points")
    )
    return (
        Period.objects.filter(
            cluster_year__cluster__parent_id=parent, cluster_year__year=year, kind=kind
        )
        .select_related("cluster_year__cluster")
        .annotate(normal_max_points=Subquery(maximum))
        .order_by("cluster_year__cluster__name")
    )


@compiled
def _compared_sheets(periods):
    # Rows of values, not models: a province compares a few hundred units. Each period's sheets
    # by name, as the model orders them, without joining the periods' clusters and years to
    # order by the period (a hash of every period of the country: 1.2 ms of 1.4).
    return (
        Assessment.objects.filter(period_id__in=periods)
        .order_by("period_id", "unit_name")
        .values_list("pk", "period_id", "unit_id", "unit_name", "status", named=True)
    )


@compiled
def _compared_entries(periods):
    return (
        RankingEntry.objects.filter(snapshot__period_id__in=periods)
        # Only what a row shows, as values: not the points per section, nor the snapshot's
        # rules (JSON decoded once per unit otherwise).
        .annotate(period_id=F("snapshot__period_id"), max_points=F("snapshot__max_points"))
        .order_by()
        .values_list(*COMPARED_ENTRY_FIELDS, named=True)
    )


def parent_comparison(parent, year, kind):
    """Every cluster of a parent for a year and review: each unit's share of its maximum.

    Locked periods read their ranking snapshot; open ones are computed live. A constant
    number of queries whatever the number of clusters and units. Returns (cluster
    summaries, unit rows best first, rules).
    """
    periods = _compared_periods(parent=parent.pk, year=year, kind=str(kind))
    by_id = {p.pk: p for p in periods}
    rules = rules_for(parent.pk, year)
    maxima = {p.pk: p.normal_max_points or ZERO for p in periods}
    assessments = _compared_sheets(periods=list(by_id))
    live_ids = [a.pk for a in assessments if not by_id[a.period_id].is_locked]
    live = totals_for(live_ids) if live_ids else {}
    entries = {
        (entry.period_id, entry.unit_id): entry
        for entry in _compared_entries(periods=[p.pk for p in periods if p.is_locked])
    }
    by_period = {}
    for assessment in assessments:
        period = by_id[assessment.period_id]
        entry = entries.get((period.pk, assessment.unit_id))
        if entry is not None:
            row = _row_from_entry(period, assessment, entry)
        else:
            maximum = maxima[period.pk]
            row = _row_live(period, assessment, live.get(assessment.pk, Totals()), maximum, rules)
        by_period.setdefault(period.pk, []).append(row)
    summaries, rows = [], []
    for period in periods:
        members = by_period.get(period.pk, [])
        if members and not all(r.locked for r in members):
            rank_rows(members, rules.tie_break)
        average = q2(sum((r.percent for r in members), ZERO) / len(members)) if members else ZERO
        summaries.append(
            ClusterSummary(
                period=period,
                name=period.cluster_year.cluster.name,
                units=len(members),
                average_percent=average,
                leaders=[r.name for r in members if r.rank == 1],
                locked=period.is_locked,
            )
        )
        rows.extend(members)
    # Best share first; within a cluster, equal shares keep the cluster's ranking order.
    rows.sort(key=lambda r: (-r.percent, r.cluster, *ranking_key(r)))
    return summaries, rows, rules


@compiled
def _comparison_years(parent):
    return (
        ClusterYear.objects.filter(cluster__parent_id=parent, result_periods__isnull=False)
        .values_list("year", flat=True)
        .distinct()
        .order_by("-year")
    )


def comparison_years(parent):
    """The years in which some cluster of the parent body opened a review, latest first."""
    return _comparison_years(parent=parent.pk)


@compiled
def _comparison_clusters(parent):
    return Cluster.objects.filter(parent_id=parent).values_list("pk", "name")


def comparison_clusters(parent):
    """[(pk, name)] of the parent body's clusters, for the comparison's filter."""
    return _comparison_clusters(parent=parent.pk)


# --- good practices ------------------------------------------------------------------------


def practices_page_queryset(queryset):
    return queryset.select_related("cluster_year__cluster", "unit").order_by(
        "-featured", "-published_at", "-created_at"
    )


def featured_practice(cluster_year):
    return (
        GoodPractice.objects.filter(cluster_year_id=cluster_year.pk, featured=True)
        .select_related("unit")
        .first()
    )
