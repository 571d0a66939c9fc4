"""One ranking, one order: the results page, the snapshot, the comparison and the files agree;
the score chart draws every total at its length."""

import re
from decimal import Decimal
from types import SimpleNamespace

from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from results.charts import totals_chart
from results.selectors import in_ranking_order, rank_rows, ranking_key, tie_note

NAMES = ["Ánh Dương", "Bắc Sơn", "Đống Đa", "Dịch Vọng", "Ba Đình", "Hai Bà Trưng", "Zeta"]


def _row(name, total, bonus=0, penalty=0):
    row = SimpleNamespace(name=name, totals=None)
    row.total, row.bonus, row.penalty = Decimal(total), Decimal(bonus), Decimal(penalty)
    row.normal = row.total - row.bonus + row.penalty
    return row


@given(
    st.permutations(NAMES),
    st.lists(st.sampled_from([(90, 1), (90, 2), (95, 0)]), min_size=7, max_size=7),
)
def test_the_live_ranking_and_the_snapshot_list_tied_units_in_the_same_order(names, specs):
    rows = [_row(name, total, bonus) for name, (total, bonus) in zip(names, specs, strict=True)]
    ranked = rank_rows(rows, ["total", "bonus"])
    # The snapshot's entries (unit_name, rank) in whatever order the database returns them.
    entries = [SimpleNamespace(unit_name=r.name, rank=r.rank) for r in reversed(ranked)]
    assert [(e.unit_name, e.rank) for e in in_ranking_order(entries)] == [
        (r.name, r.rank) for r in ranked
    ]


def test_fully_tied_units_share_the_rank_and_are_listed_by_name_without_diacritics():
    rows = [_row(name, 90, 1) for name in ("Bắc Sơn", "Đống Đa", "Ánh Dương", "Dịch Vọng")]
    ranked = rank_rows(rows, ["total", "bonus"])
    assert [(r.name, r.rank) for r in ranked] == [
        ("Ánh Dương", 1),
        ("Bắc Sơn", 1),
        ("Dịch Vọng", 1),
        ("Đống Đa", 1),
    ]
    assert sorted(ranked, key=ranking_key) == ranked


def test_the_tie_break_note_is_short():
    with translation.override("vi"):
        assert tie_note("bonus") == "bằng điểm, xếp theo điểm thưởng"
        assert tie_note("fewer_penalty") == "bằng điểm, xếp theo điểm trừ ít hơn"
        assert tie_note("") == ""


BAR = re.compile(r'<rect x="\d+" y="\d+" width="(\d+)"[^>]*><title>([^:]+):')


def _bar_widths(svg):
    return {name: int(width) for width, name in BAR.findall(svg)}


def test_the_chart_draws_totals_above_the_maximum_at_their_length():
    svg = str(
        totals_chart(
            [("Đống Đa", Decimal("103"), 1), ("Hoàn Kiếm", Decimal("100"), 2), ("Ba", 50, 3)],
            Decimal("100"),
            title="Tổng điểm",
        )
    )
    widths = _bar_widths(svg)
    assert widths["Đống Đa"] > widths["Hoàn Kiếm"] > widths["Ba"]
    assert abs(widths["Hoàn Kiếm"] - 2 * widths["Ba"]) <= 1
    assert abs(widths["Đống Đa"] / widths["Hoàn Kiếm"] - 1.03) < 0.01
    assert ">103</text>" in svg and ">125</text>" in svg  # the axis runs on past 100


def test_the_chart_keeps_its_axis_at_the_maximum_when_no_total_passes_it():
    svg = str(totals_chart([("A", Decimal("80"), 1)], Decimal("100"), title="T"))
    assert ">100</text>" in svg and ">125</text>" not in svg
    assert _bar_widths(svg)["A"] == 288  # 80 % of the 360 points wide plot
