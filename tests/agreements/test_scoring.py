"""The score a criterion suggests for an achieved value."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from agreements.models import Criterion
from agreements.scoring import as_number, suggest

D = Decimal
points = st.decimals(min_value=0, max_value=100, places=2)
positive = st.decimals(min_value=D("0.01"), max_value=10000, places=2)
achieved = st.one_of(
    st.decimals(min_value=-1000, max_value=100000, places=2),
    st.integers(min_value=-10, max_value=1000),
    st.booleans(),
)


def criterion(**fields):
    data = {"code": "1", "text": "x", "measure": "number", "max_points": D("10"), "target": D("4")}
    data.update(fields)
    return Criterion(**data)


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0, D("0.00")), (1, D("2.50")), (3, D("7.50")), (4, D("10.00")), (9, D("10.00"))],
)
def test_proportional_to_the_target_capped_at_the_maximum(value, expected):
    assert suggest(criterion(), value) == expected


def test_all_or_nothing_for_numbers_and_yes_no():
    rule = Criterion.Rule.ALL_OR_NOTHING
    assert suggest(criterion(rule=rule), 4) == D("10.00")
    assert suggest(criterion(rule=rule), D("3.99")) == D("0.00")
    yes_no = criterion(rule=rule, measure="yes_no", target=None, max_points=D("2"))
    assert suggest(yes_no, True) == D("2.00")
    assert suggest(yes_no, "có") == D("2.00")
    assert suggest(yes_no, False) == D("0.00")


def test_manual_criteria_and_missing_values_suggest_nothing():
    assert suggest(criterion(rule=Criterion.Rule.MANUAL), 4) is None
    assert suggest(criterion(measure="text", rule=Criterion.Rule.MANUAL), "tốt") is None
    assert suggest(criterion(), None) is None
    assert suggest(criterion(), "không rõ") is None


def test_a_penalty_deducts_per_occurrence_up_to_its_cap():
    penalty = criterion(
        kind="penalty",
        rule="per_occurrence",
        points_per_occurrence=D("0.5"),
        cap=D("2"),
        max_points=D("0"),
    )
    assert suggest(penalty, 0) == D("0.00")
    assert suggest(penalty, 3) == D("-1.50")
    assert suggest(penalty, 10) == D("-2.00")


def test_a_bonus_never_exceeds_its_cap():
    bonus = criterion(
        kind="bonus",
        rule="per_occurrence",
        points_per_occurrence=D("1"),
        cap=D("3"),
        max_points=D("3"),
    )
    assert suggest(bonus, 2) == D("2.00")
    assert suggest(bonus, 7) == D("3.00")
    proportional = criterion(kind="bonus", max_points=D("3"), cap=D("2"))
    assert suggest(proportional, 100) == D("2.00")


def test_achieved_values_are_read_leniently():
    assert as_number("12,5") == D("12.5")
    assert as_number(True) == D(1)
    assert as_number("yes") == D(1)
    assert as_number("NaN") is None


@given(
    max_points=points,
    target=positive,
    value=achieved,
    rule=st.sampled_from(["proportional", "all_or_nothing"]),
)
def test_a_normal_score_stays_between_zero_and_the_maximum(max_points, target, value, rule):
    score = suggest(criterion(max_points=max_points, target=target, rule=rule), value)
    assert D("0") <= score <= max_points


@given(
    max_points=points,
    cap=points,
    per=points,
    target=positive,
    value=achieved,
    rule=st.sampled_from(["proportional", "all_or_nothing", "per_occurrence"]),
)
def test_a_bonus_never_exceeds_its_cap_nor_goes_negative(max_points, cap, per, target, value, rule):
    bonus = criterion(
        kind="bonus",
        max_points=max_points,
        cap=cap,
        points_per_occurrence=per,
        target=target,
        rule=rule,
    )
    score = suggest(bonus, value)
    assert D("0") <= score <= min(cap, max_points)


@given(
    cap=st.one_of(st.none(), points),
    max_points=points,
    per=points,
    value=achieved,
    rule=st.sampled_from(["per_occurrence", "all_or_nothing"]),
)
def test_a_penalty_never_deducts_more_than_its_cap(cap, max_points, per, value, rule):
    penalty = criterion(
        kind="penalty", max_points=max_points, cap=cap, points_per_occurrence=per, rule=rule
    )
    score = suggest(penalty, value)
    limit = cap if cap is not None else max_points
    assert -limit <= score <= D("0")
