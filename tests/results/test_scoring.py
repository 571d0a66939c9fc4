"""Scoring rules, caps and totals (property-based), ranking with ties, ratings."""

import random
from decimal import Decimal
from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from agreements.models import Criterion
from agreements.scoring import suggest
from results import selectors, services
from results.models import Score
from results.selectors import Totals, clip, combine, rank_rows, rating_for, score_limits
from tests.results.support import sheet

C = Criterion
points = st.decimals(min_value=0, max_value=50, places=2, allow_nan=False, allow_infinity=False)
values = st.decimals(min_value=0, max_value=10000, places=2, allow_nan=False, allow_infinity=False)


@st.composite
def criteria(draw):
    kind = draw(st.sampled_from(C.Kind.values))
    measure = draw(st.sampled_from([C.Measure.NUMBER, C.Measure.PERCENT, C.Measure.YES_NO]))
    rules = {
        C.Kind.NORMAL: [C.Rule.PROPORTIONAL, C.Rule.ALL_OR_NOTHING, C.Rule.MANUAL],
        C.Kind.BONUS: [C.Rule.PROPORTIONAL, C.Rule.ALL_OR_NOTHING, C.Rule.PER_OCCURRENCE],
        C.Kind.PENALTY: [C.Rule.ALL_OR_NOTHING, C.Rule.PER_OCCURRENCE, C.Rule.MANUAL],
    }[kind]
    rule = draw(st.sampled_from(rules))
    max_points = draw(points)
    cap = draw(st.one_of(st.none(), points))
    if kind == C.Kind.BONUS and cap is not None and max_points > cap:
        max_points = cap
    return Criterion(
        code="X",
        text="x",
        kind=kind,
        measure=measure,
        rule=rule,
        target=draw(st.one_of(st.none(), values.filter(lambda v: v > 0))),
        max_points=max_points,
        points_per_occurrence=draw(st.one_of(st.none(), points)),
        cap=cap,
    )


@given(criteria(), values)
def test_a_suggestion_always_lies_within_the_criterions_limits(criterion, achieved):
    suggestion = suggest(criterion, achieved)
    low, high = score_limits(criterion)
    if suggestion is not None:
        assert low <= suggestion <= high
        accepted, errors = services.check_score(criterion, suggestion)
        assert errors == {} and accepted == suggestion


@given(criteria(), st.decimals(min_value=-100, max_value=100, places=2))
def test_a_score_is_accepted_exactly_within_its_limits(criterion, score):
    low, high = score_limits(criterion)
    accepted, errors = services.check_score(criterion, score)
    if low <= score <= high:
        assert accepted == score and not errors
    else:
        assert accepted is None and "self_score" in errors


@given(criteria(), st.decimals(min_value=-100, max_value=100, places=2))
def test_clip_keeps_a_score_within_its_limits(criterion, score):
    low, high = score_limits(criterion)
    assert low <= clip(criterion, score) <= high
    if low <= score <= high:
        assert clip(criterion, score) == score


@given(st.lists(st.tuples(criteria(), st.decimals(-100, 100, places=2)), max_size=25))
def test_totals_are_within_the_maximum_plus_bonus_caps_and_never_negative(items):
    triples = [(c.kind, index % 3, clip(c, score)) for index, (c, score) in enumerate(items)]
    totals = combine(triples)
    normal_max = sum((c.max_points for c, _s in items if c.kind == C.Kind.NORMAL), Decimal(0))
    bonus_max = sum((score_limits(c)[1] for c, _s in items if c.kind == C.Kind.BONUS), Decimal(0))
    penalty_max = sum((c.effective_cap for c, _s in items if c.kind == C.Kind.PENALTY), Decimal(0))
    assert Decimal(0) <= totals.total <= normal_max + bonus_max
    assert Decimal(0) <= totals.normal <= normal_max
    assert Decimal(0) <= totals.bonus <= bonus_max
    assert Decimal(0) <= totals.penalty <= penalty_max
    assert totals.total == max(totals.normal + totals.bonus - totals.penalty, Decimal(0))
    signed = totals.normal + totals.bonus - totals.penalty
    assert sum(totals.sections.values(), Decimal(0)) == signed


def row(name, total, bonus=0, penalty=0):
    r = SimpleNamespace(name=name, totals=None)
    r.total, r.bonus, r.penalty, r.normal = (
        Decimal(total),
        Decimal(bonus),
        Decimal(penalty),
        Decimal(total) - Decimal(bonus) + Decimal(penalty),
    )
    return r


rows_strategy = st.lists(
    st.tuples(st.integers(0, 5), st.integers(0, 2), st.integers(0, 2)), min_size=1, max_size=12
)


@given(rows_strategy, st.randoms(use_true_random=False))
def test_ranks_are_competition_ranks_whatever_the_input_order(specs, rnd):
    rows = [row(f"u{i}", t, b, p) for i, (t, b, p) in enumerate(specs)]
    ranked = rank_rows(list(rows), ["total", "bonus", "fewer_penalty"])
    ranks = {r.name: r.rank for r in ranked}
    key = {r.name: (-r.total, -r.bonus, r.penalty) for r in rows}
    assert ranked[0].rank == 1
    for r in ranked:
        better = sum(1 for other in rows if key[other.name] < key[r.name])
        assert ranks[r.name] == better + 1
    shuffled = [row(r.name, r.total, r.bonus, r.penalty) for r in rows]
    rnd.shuffle(shuffled)
    assert {r.name: r.rank for r in rank_rows(shuffled, ["total", "bonus", "fewer_penalty"])} == (
        ranks
    )


def test_ties_on_total_are_broken_by_bonus_then_fewer_penalty():
    rows = [row("A", 90, bonus=2, penalty=1), row("B", 90, bonus=3, penalty=2), row("C", 95)]
    rows.append(row("D", 90, bonus=2, penalty=0))
    ranked = rank_rows(rows, ["total", "bonus", "fewer_penalty"])
    assert [(r.name, r.rank, r.decided_by) for r in ranked] == [
        ("C", 1, ""),
        ("B", 2, "bonus"),
        ("D", 3, "bonus"),
        ("A", 4, "bonus"),
    ]


def test_units_equal_on_every_key_share_a_rank():
    ranked = rank_rows([row("A", 80, 1), row("B", 80, 1), row("C", 70)], ["total", "bonus"])
    assert [r.rank for r in ranked] == [1, 1, 3]


def test_a_configured_order_can_prefer_fewer_penalties():
    rows = [row("A", 90, bonus=3, penalty=2), row("B", 90, bonus=1, penalty=0)]
    assert rank_rows(rows, ["total", "fewer_penalty"])[0].name == "B"
    assert rank_rows(rows, ["total", "bonus"])[0].name == "A"


THRESHOLDS = [("Xuất sắc", Decimal(90)), ("Tốt", Decimal(70)), ("Đạt", Decimal(50))]
THRESHOLDS += [("Không đạt", Decimal(0))]


@given(st.decimals(0, 150, places=2), st.decimals(0, 150, places=2))
def test_a_higher_share_never_gets_a_worse_rating(a, b):
    labels = [label for label, _m in THRESHOLDS]
    low, high = sorted((a, b))
    assert labels.index(rating_for(high, THRESHOLDS)) <= labels.index(rating_for(low, THRESHOLDS))


@pytest.mark.parametrize(
    ("percent", "rating"),
    [(100, "Xuất sắc"), (90, "Xuất sắc"), ("89.99", "Tốt"), (50, "Đạt"), (0, "Không đạt")],
)
def test_ratings_by_threshold(percent, rating):
    assert rating_for(Decimal(percent), THRESHOLDS) == rating


@pytest.mark.django_db
def test_database_totals_keep_out_of_range_scores_within_their_limits(results):
    """Defence in depth: a score written around the services still counts within its caps."""
    period = results.open()
    assessment = results.fill(sheet(period, "badinh", results))
    Score.objects.filter(assessment=assessment, criterion__code="1.1").update(self_score=99)
    Score.objects.filter(assessment=assessment, criterion__code="T.1").update(reviewed_score=50)
    Score.objects.filter(assessment=assessment, criterion__code="TR.1").update(self_score=-40)
    totals = selectors.totals_for([assessment.pk])[assessment.pk]
    assert totals.normal == Decimal("38.5")  # 1.1 counts 10, not 99
    assert totals.bonus == Decimal("3")  # its cap
    assert totals.penalty == Decimal("2")  # its cap


@pytest.mark.django_db
def test_database_totals_match_the_python_rules(results):
    period = results.open()
    rng = random.Random(5)
    for assessment in period.assessments.all():
        overrides = {
            "1.1": {"value": str(rng.randint(0, 12))},
            "T.1": {"value": str(rng.randint(0, 5))},
            "TR.1": {"value": str(rng.randint(0, 6))},
        }
        results.fill(assessment, overrides=overrides)
    db = selectors.totals_for([a.pk for a in period.assessments.all()])
    for assessment in period.assessments.all():
        scores = Score.objects.filter(assessment=assessment).select_related("criterion")
        expected = combine(
            (s.criterion.kind, s.criterion.section_id, clip(s.criterion, s.final_score))
            for s in scores
        )
        got = db[assessment.pk]
        assert (got.normal, got.bonus, got.penalty, got.total) == (
            expected.normal,
            expected.bonus,
            expected.penalty,
            expected.total,
        )
    assert isinstance(Totals().total, Decimal)
