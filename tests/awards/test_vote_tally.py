"""The counting rules on their own: threshold, strictness, base, seats and tie-breaks."""

from decimal import Decimal
from types import SimpleNamespace

import pytest

from awards.models import VoteTieBreak
from awards.services.votes import reaches, share_of, tally


def rules(threshold="50", strictly=True, tie_break=VoteTieBreak.RANKING):
    return SimpleNamespace(
        threshold_percent=Decimal(threshold), strictly_more=strictly, tie_break=tie_break
    )


def counts(*rows):
    """rows: (name, votes, rank)."""
    return [
        SimpleNamespace(
            votes=votes,
            candidate_id=index,
            candidate=SimpleNamespace(unit_name=name, rank=rank),
        )
        for index, (name, votes, rank) in enumerate(rows, start=1)
    ]


def names(rows):
    return [c.candidate.unit_name for c in rows]


@pytest.mark.parametrize(
    ("votes", "base", "strictly", "expected"),
    [
        (3, 6, True, False),  # exactly half is not "more than half"
        (3, 6, False, True),  # but it is "at least half"
        (4, 6, True, True),
        (3, 4, True, True),  # 75% of the four present
        (0, 6, False, False),
        (5, 0, False, False),  # no base, nobody elected
    ],
)
def test_the_threshold_is_measured_against_the_base(votes, base, strictly, expected):
    assert reaches(votes, base, rules(strictly=strictly)) is expected


def test_shares_are_percentages_of_the_base_rounded_to_cents():
    assert share_of(2, 3) == Decimal("66.67")
    assert share_of(6, 6) == Decimal("100.00")
    assert share_of(1, 0) == Decimal("0")


def test_one_seat_goes_to_the_candidate_above_the_threshold():
    round_ = SimpleNamespace(base_count=6, seats=1)
    elected, tied = tally(rules(), round_, counts(("A", 4, 1), ("B", 2, 2)))
    assert names(elected) == ["A"] and tied == []


def test_nobody_is_elected_below_the_threshold():
    round_ = SimpleNamespace(base_count=6, seats=1)
    elected, tied = tally(rules(), round_, counts(("A", 3, 1), ("B", 3, 2)))
    assert elected == [] and tied == []


def test_more_qualifying_than_seats_takes_the_most_votes():
    round_ = SimpleNamespace(base_count=6, seats=2)
    elected, _tied = tally(rules(), round_, counts(("A", 4, 3), ("B", 6, 2), ("C", 5, 1)))
    assert names(elected) == ["B", "C"]


def test_a_tie_at_the_last_seat_goes_to_the_better_ranked_unit():
    round_ = SimpleNamespace(base_count=6, seats=2)
    elected, tied = tally(rules(), round_, counts(("A", 6, 1), ("B", 4, 4), ("C", 4, 2)))
    assert names(elected) == ["A", "C"] and tied == []


def test_a_tie_at_the_last_seat_goes_to_another_round_when_the_rule_says_so():
    round_ = SimpleNamespace(base_count=6, seats=2)
    elected, tied = tally(
        rules(tie_break=VoteTieBreak.ANOTHER_ROUND),
        round_,
        counts(("A", 6, 1), ("B", 4, 4), ("C", 4, 2)),
    )
    assert names(elected) == ["A"] and sorted(names(tied)) == ["B", "C"]


def test_equal_ranks_cannot_break_a_tie():
    round_ = SimpleNamespace(base_count=4, seats=1)
    elected, tied = tally(rules(strictly=False), round_, counts(("A", 2, None), ("B", 2, None)))
    assert elected == [] and sorted(names(tied)) == ["A", "B"]


def test_a_tie_inside_the_seats_elects_everyone_tied():
    round_ = SimpleNamespace(base_count=6, seats=3)
    elected, tied = tally(rules(), round_, counts(("A", 5, 1), ("B", 5, 2), ("C", 1, 3)))
    assert sorted(names(elected)) == ["A", "B"] and tied == []
