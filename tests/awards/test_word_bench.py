"""bench/word.py finds every document offered both ways and times both forms."""

import pytest

from bench import word as word_bench
from tests.awards.test_decision_document import decided  # noqa: F401  (a fixture)
from tests.awards.test_proposal_services import accept_all, proposal, sent  # noqa: F401

pytestmark = pytest.mark.django_db


def test_the_word_bench_times_every_document_both_ways(decided, monkeypatch):  # noqa: F811
    monkeypatch.setattr(word_bench, "ROUNDS", 1)
    result = word_bench.measure()
    assert set(result["documents"]) == {
        "agreement",
        "minutes",
        "submission",
        "score_table",
        "decision",
        "achievement_report",
    }
    for row in result["documents"].values():
        assert row["word_s"] > 0 and row["pdf_s"] > 0
        assert row["met"] == (row["word_s"] <= row["pdf_s"])
