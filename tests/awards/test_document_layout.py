"""The official documents as a reader sees them: no line breaks inside a proper name or a fixed
phrase, the signature block kept with what it signs, the title's rule sized to the title."""

import datetime

import pytest

from agreements import document as agreement_document
from agreements.models import Agreement
from awards import documents as award_documents
from awards.services import proposals
from awards.services import votes as voting
from core.documents import keep_whole
from results import selectors as results_selectors
from results.documents import score_table_pdf
from tests.awards.support import build_catalogue, full_meeting, lock_ranking
from tests.documents_support import pdf_lines, split_names, world_names

pytestmark = pytest.mark.django_db


@pytest.fixture
def issued(results):
    Agreement.objects.filter(pk=results.agreement.pk).update(is_demo=True)
    world = results.world
    world.period = lock_ranking(results)
    build_catalogue(world)
    world.meeting = full_meeting(world)
    voting.minutes_issue(
        actor=world.user("dongda"), meeting=world.meeting, date=datetime.date(2020, 12, 18)
    )
    world.meeting.refresh_from_db()
    world.agreement = results.agreement
    return world


def _documents(world):
    head = world.user("dongda")
    proposal = proposals.proposal_create(actor=head, cluster_year=world.cluster_year)
    return {
        "agreement": agreement_document.render_agreement_pdf(world.agreement),
        "minutes": award_documents.minutes_pdf(world.meeting),
        "submission": award_documents.submission_preview_pdf(proposal),
        "score_table": score_table_pdf(results_selectors.score_table(world.period.period)),
    }


@pytest.mark.parametrize(
    ("text", "whole"),
    [
        ("ỦY BAN MTTQ VIỆT NAM QUẬN BA ĐÌNH", ["QUẬN BA ĐÌNH", "MTTQ VIỆT NAM"]),
        ("Ủy ban MTTQ Việt Nam quận Hai Bà Trưng;", ["quận Hai Bà Trưng", "Ủy ban"]),
        ("Hà Nội, ngày 05 tháng 02 năm 2020", ["Hà Nội"]),
        ("của Cụm thi đua số 1 năm 2021", ["Cụm thi đua số 1"]),
        ("TM. CỤM THI ĐUA SỐ 1", ["CỤM THI ĐUA SỐ 1"]),
        ("Kính gửi: Ban Thường trực", ["Ban Thường trực"]),
        ("Hoàn Kiếm, Đống Đa", ["Hoàn Kiếm", "Đống Đa"]),
        ("Đã ký lúc 15:16 ngày 05 tháng 02 năm 2020", ["ngày 05", "tháng 02", "năm 2020"]),
    ],
)
def test_keep_whole_joins_the_words_of_names_with_no_break_spaces(text, whole):
    kept = keep_whole(text)
    for phrase in whole:
        assert phrase.replace(" ", "\u00a0") in kept, phrase
    assert kept.replace("\u00a0", " ") == text


def test_keep_whole_leaves_ordinary_words_and_the_national_title_breakable():
    assert keep_whole("Hội nghị thống nhất bầu") == "Hội nghị thống nhất bầu"
    assert keep_whole("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM").count(" ") >= 4
    assert " " in keep_whole("ỦY BAN MTTQ VIỆT NAM QUẬN BA ĐÌNH")


def test_no_document_breaks_a_line_inside_a_name(issued, tmp_path):
    names = world_names(issued)
    assert {"Hai Bà Trưng", "Hoàn Kiếm", "Hà Nội", "Cụm thi đua số 1"} <= set(names)
    for kind, data in _documents(issued).items():
        text = pdf_lines(data, tmp_path, f"{kind}.pdf")
        assert split_names(text, names) == [], kind


def _pages(data, tmp_path):
    return pdf_lines(data, tmp_path).split("\f")


def test_the_minutes_signatures_never_stand_alone_on_a_page(issued, tmp_path):
    """Whatever the length of the minutes (notes of 0 to 14 lines shift where the page ends),
    the page of the signatures also holds the conclusion it signs."""
    meeting = issued.meeting
    meeting.minutes_number_id = None  # a draft: rendered from the meeting as it is
    for lines in range(15):
        meeting.notes = "\n".join(f"Ý kiến thứ {n + 1} của hội nghị." for n in range(lines))
        pages = _pages(award_documents.minutes_pdf(meeting), tmp_path)
        signed = next(page for page in pages if "THƯ KÝ" in page)
        assert "KẾT LUẬN" in signed, lines
        assert "Biên bản được lập" in signed, lines


def test_the_role_in_the_cluster_stands_under_its_units_name(issued, tmp_path):
    data = agreement_document.render_agreement_pdf(issued.agreement)
    text = " ".join(pdf_lines(data, tmp_path).split())
    assert "QUẬN ĐỐNG ĐA (Cụm trưởng)" in text
    assert text.count("(Cụm trưởng)") == 1


def test_the_score_table_gives_the_lock_date_the_title_in_a_sentence_and_the_issuers_place(
    issued, tmp_path
):
    from results.models import Period

    period = Period.objects.get(pk=issued.period.period_id)
    locked = datetime.datetime(2020, 12, 22, 9, 0, tzinfo=datetime.UTC)
    Period.objects.filter(pk=period.pk).update(locked_at=locked)
    period.refresh_from_db()
    data = score_table_pdf(results_selectors.score_table(period))
    text = " ".join(pdf_lines(data, tmp_path).split())
    assert "Đống Đa, ngày 22 tháng 12 năm 2020" in text
    assert "Kết quả đã được khóa ngày 22/12/2020" in text
    title = issued.agreement.title
    assert title.isupper()
    assert f"Căn cứ {title[:1]}{title[1:].lower()} của Cụm thi đua số 1" in text


def _box(document, css_class):
    for box in document.pages[0]._page_box.descendants():  # noqa: SLF001  (the layout tree)
        element = getattr(box, "element", None)
        if element is not None and css_class in (element.get("class") or "").split():
            return box
    raise AssertionError(css_class)


@pytest.mark.parametrize(
    ("title", "subtitle"),
    [
        ("TỜ TRÌNH", ""),
        ("GIAO ƯỚC THI ĐUA NĂM 2020", ""),
        ("BIÊN BẢN", "Hội nghị tổng kết công tác thi đua năm 2020"),
    ],
)
def test_the_rule_under_the_title_is_a_third_to_a_half_of_its_length(title, subtitle):
    from core.documents import render_document

    context = {"header_lines": ["CỤM THI ĐUA SỐ 1"], "title": title, "subtitle": subtitle}
    document = render_document("documents/base.html", context)
    rule = _box(document, "doc-title-rule").border_width()
    lines = [_box(document, "doc-title")]
    if subtitle:
        lines.append(_box(document, "doc-subtitle"))
    longest = max(
        sum(child.width for child in line.children) for box in lines for line in box.children
    )
    assert longest / 3 <= rule <= longest / 2, (rule, longest)


def test_the_signature_block_uses_one_size(issued):
    from core.documents import render_document

    context = agreement_document.agreement_document_context(issued.agreement)
    document = render_document("documents/agreement.html", context)
    sizes = set()
    for page in document.pages:
        for box in page._page_box.descendants():  # noqa: SLF001  (the layout tree)
            element = getattr(box, "element", None)
            if element is not None and element.get("class") == "signature":
                sizes.update(
                    text.style["font_size"]
                    for text in box.descendants()
                    if getattr(text, "text", "").strip()
                )
    assert len(sizes) == 1, sizes
