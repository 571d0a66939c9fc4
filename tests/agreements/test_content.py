"""Canonical serialisation, word diffs, revision diffs and totals."""

import json
import unicodedata
from decimal import Decimal

import pytest

from agreements import content, selectors, services
from agreements.models import Criterion
from tests.agreements.helpers import make_draft

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(world):
    return make_draft(world)


def test_the_serialisation_is_canonical_json(world, draft):
    text = content.serialize(draft)
    data = json.loads(text)
    assert text == json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    assert "Nhiệm vụ chính trị" in text  # not \u-escaped
    assert [s["number"] for s in data["sections"]] == [1, 2]
    assert [c["code"] for c in data["sections"][1]["criteria"]] == ["2.1", "2.2", "2.3"]
    first = data["sections"][0]["criteria"][0]
    assert first["max_points"] == "10.00" and first["target"] == "4.00"
    assert first["cap"] is None
    assert content.serialize(draft) == text  # stable


def test_the_serialisation_normalises_to_nfc(world, draft):
    decomposed = unicodedata.normalize("NFD", "Thi đua yêu nước")
    services.section_add(actor=world.user("dongda"), agreement=draft, heading="", text=decomposed)
    text = content.serialize(draft)
    assert unicodedata.is_normalized("NFC", text)
    assert "Thi đua yêu nước" in text
    assert draft.sections.get(order=3).text == unicodedata.normalize("NFC", decomposed)


def test_the_serialisation_follows_the_order_not_the_ids(world, draft):
    services.section_move(
        actor=world.user("dongda"), section=draft.sections.get(order=2), direction="up"
    )
    data = json.loads(content.serialize(draft))
    assert [s["heading"] for s in data["sections"]] == ["Công tác thi đua", "Nhiệm vụ chính trị"]


def test_word_diff_marks_words_deleted_and_inserted():
    segments = content.word_diff("Tổ chức 4 hội nghị quán triệt", "Tổ chức 6 hội nghị tuyên truyền")
    assert segments == [
        ("equal", "Tổ chức "),
        ("delete", "4"),
        ("insert", "6"),
        ("equal", " hội nghị "),
        ("delete", "quán triệt"),
        ("insert", "tuyên truyền"),
    ]
    assert "".join(t for op, t in segments if op != "insert") == "Tổ chức 4 hội nghị quán triệt"
    assert "".join(t for op, t in segments if op != "delete") == "Tổ chức 6 hội nghị tuyên truyền"


def test_word_diff_of_equal_or_empty_texts():
    assert content.word_diff("a b", "a b") == [("equal", "a b")]
    assert content.word_diff("", "mới") == [("insert", "mới")]
    assert content.word_diff("cũ", "") == [("delete", "cũ")]
    assert content.word_diff("", "") == []


def test_diff_between_two_revisions_per_field_section_and_criterion(world, draft):
    head = world.user("dongda")
    first = draft.revisions.order_by("number").last()
    section = draft.sections.get(order=1)
    services.section_update(
        actor=head,
        section=section,
        expected_version=section.version,
        heading=section.heading,
        text="Triển khai thực hiện tốt các nhiệm vụ của Thành phố.",
    )
    services.section_remove(actor=head, section=draft.sections.get(order=2))
    services.section_add(actor=head, agreement=draft, heading="Mới", text="Nội dung mới")
    criterion = Criterion.objects.get(section=section, code="1.1")
    services.criterion_update(
        actor=head, criterion=criterion, expected_version=criterion.version, target="6"
    )
    services.agreement_update(
        actor=head,
        agreement=draft,
        expected_version=draft.version,
        title=draft.title,
        place=draft.place,
        date=None,
        legal_basis=draft.legal_basis,
        closing="Trước mắt, phòng chống dịch.",
    )
    last = draft.revisions.order_by("-number").first()
    diff = content.diff_revisions(first, last)
    assert diff["changed"]
    fields = {f["name"]: f for f in diff["fields"]}
    assert fields["closing"]["changed"] and not fields["title"]["changed"]
    assert fields["closing"]["segments"] == [("insert", "Trước mắt, phòng chống dịch.")]
    statuses = [s["status"] for s in diff["sections"]]
    assert sorted(statuses) == ["added", "changed", "removed"]
    changed = next(s for s in diff["sections"] if s["status"] == "changed")
    assert ("delete", "có hiệu quả") in changed["text"]["segments"]
    assert ("insert", "tốt") in changed["text"]["segments"]
    crit = changed["criteria"][0]
    assert crit["status"] == "changed"
    target = next(f for f in crit["fields"] if f["name"] == "target")
    assert (target["old"], target["new"]) == ("4", "6")
    removed = next(s for s in diff["sections"] if s["status"] == "removed")
    assert removed["heading"]["old"] == "Công tác thi đua"
    assert [c["status"] for c in removed["criteria"]] == ["removed"] * 3
    assert content.diff_revisions(last, last)["changed"] is False


def test_a_moved_section_is_reported_as_moved(world, draft):
    before = draft.revisions.order_by("-number").first()
    services.section_move(
        actor=world.user("dongda"), section=draft.sections.get(order=2), direction="up"
    )
    after = draft.revisions.order_by("-number").first()
    diff = content.diff_revisions(before, after)
    assert diff["changed"]
    assert [s["status"] for s in diff["sections"]] == ["unchanged", "unchanged"]
    assert [(s["number_old"], s["number_new"], s["moved"]) for s in diff["sections"]] == [
        (2, 1, True),
        (1, 2, True),
    ]


# --- totals --------------------------------------------------------------------------------


def test_totals_are_computed_per_section_and_overall(world, draft):
    totals = selectors.agreement_totals(draft)
    first, second = totals.sections
    assert first.totals.normal == Decimal("10")
    assert (second.totals.normal, second.totals.bonus, second.totals.penalty) == (
        Decimal("15"),
        Decimal("3"),
        Decimal("2"),
    )
    assert totals.overall.normal == Decimal("25")  # not a hard-coded 100
    assert totals.overall.bonus == Decimal("3")
    assert totals.overall.penalty == Decimal("2")
    assert totals.overall.count == 4
    assert draft.sections.get(order=2).max_points == Decimal("15")


def test_totals_follow_every_change(world, draft):
    criterion = Criterion.objects.get(section__agreement=draft, code="2.1")
    services.criterion_update(
        actor=world.user("dongda"),
        criterion=criterion,
        expected_version=criterion.version,
        max_points="75",
    )
    assert selectors.agreement_totals(draft).overall.normal == Decimal("85")


def test_totals_take_a_flat_number_of_queries(world, draft, django_assert_num_queries):
    with django_assert_num_queries(2):
        few = selectors.agreement_totals(draft)
    head = world.user("dongda")
    for number in range(5):
        section = services.section_add(actor=head, agreement=draft, heading="", text=f"S{number}")
        for code in range(4):
            services.criterion_add(
                actor=head,
                section=section,
                code=f"{number}.{code}",
                text="x",
                target="1",
                max_points="1",
            )
    with django_assert_num_queries(2):
        many = selectors.agreement_totals(draft)
    assert many.overall.count == few.overall.count + 20
