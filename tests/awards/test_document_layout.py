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
