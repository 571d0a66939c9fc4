"""The minutes (biên bản) and the covering submission (tờ trình) in the official layout."""

import datetime
import subprocess

import pytest

from agreements.models import Agreement
from awards import documents as award_documents
from awards.services import proposals
from awards.services import votes as voting
from tests.awards.support import (
    build_catalogue,
    english,  # noqa: F401  (autouse: messages in English)
    full_meeting,
    lock_ranking,
)

pytestmark = pytest.mark.django_db


def pdf_text(path):
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True)
    return " ".join(out.stdout.decode("utf-8").split())


def pdf_fonts(path):
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, check=True, text=True)
    return [line.split() for line in out.stdout.splitlines()[2:] if line.strip()]


@pytest.fixture
def issued(results):
    Agreement.objects.filter(pk=results.agreement.pk).update(is_demo=True)
    lock_ranking(results)
    world = results.world
    build_catalogue(world)
    world.meeting = full_meeting(world)
    voting.minutes_issue(
        actor=world.user("dongda"), meeting=world.meeting, date=datetime.date(2020, 12, 18)
    )
    world.meeting.refresh_from_db()
    return world


def test_the_minutes_name_the_cluster_the_leading_unit_the_votes_and_the_signers(issued, tmp_path):
    path = tmp_path / "minutes.pdf"
    path.write_bytes(award_documents.minutes_pdf(issued.meeting))
    text = pdf_text(path)
    for expected in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "CỤM THI ĐUA SỐ 1",
        "Số: 01/BB-MTTQ",
        "Đống Đa, ngày 18 tháng 12 năm 2020",
        "BIÊN BẢN",
        "Hội nghị tổng kết công tác thi đua năm 2020",
        "suy tôn Ủy ban MTTQ Việt Nam quận Đống Đa là đơn vị dẫn đầu Cụm thi đua số 1 năm 2020",
        "Hoàn Kiếm là đơn vị Cụm trưởng",
        "Ba Đình là đơn vị Cụm phó Cụm thi đua số 1 năm 2021",
        "bỏ phiếu kín trực tuyến",
        "đạt trên 50% số phiếu",
        "6/6",
        "CHỦ TRÌ",
        "THƯ KÝ",
        "Đỗ Trọng Nam",
        "Nguyễn Văn M",
        "DỮ LIỆU MINH HỌA",
    ):
        assert expected in text, expected
    assert "DỰ THẢO" not in text
    fonts = pdf_fonts(path)
    assert fonts and all(row[-5] == "yes" for row in fonts)  # every font embedded


def test_issued_minutes_do_not_change_when_the_data_does(issued):
    before = award_documents.minutes_context(issued.meeting)
    issued.unit("dongda").__class__.objects.filter(pk=issued.unit("dongda").pk).update(
        name="Ủy ban MTTQ Việt Nam quận Đống Đa (tên mới)"
    )
    issued.meeting.refresh_from_db()
    after = award_documents.minutes_context(issued.meeting)
    assert after["leading"] == before["leading"] == ["Ủy ban MTTQ Việt Nam quận Đống Đa"]


def test_unissued_minutes_are_a_draft(results, tmp_path):
    lock_ranking(results)
    world = results.world
    build_catalogue(world)
    the_meeting = full_meeting(world)
    path = tmp_path / "draft.pdf"
    path.write_bytes(award_documents.minutes_pdf(the_meeting))
    text = pdf_text(path)
    assert "DỰ THẢO" in text and "BIÊN BẢN" in text and "BB-MTTQ" not in text


def test_the_submission_lists_the_nominees_with_its_number(issued, tmp_path):
    proposal = proposals.proposal_create(
        actor=issued.user("dongda"), cluster_year=issued.cluster_year
    )
    for item in proposal.items.all():
        proposals.item_report_save(
            actor=issued.user("dongda"),
            item=item,
            expected_version=item.version,
            sections={"results": "BC"},
        )
    proposals.proposal_submit(
        actor=issued.user("dongda"), proposal=proposal, date=datetime.date(2020, 12, 20)
    )
    document = proposal.documents.get()
    path = tmp_path / "submission.pdf"
    path.write_bytes(award_documents.submission_pdf(document))
    text = pdf_text(path)
    for expected in (
        "CỤM THI ĐUA SỐ 1",
        "Số: 02/TTr-MTTQ",
        "Đống Đa, ngày 20 tháng 12 năm 2020",
        "TỜ TRÌNH",
        "Về việc đề nghị khen thưởng thành tích thi đua năm 2020 của Cụm thi đua số 1",
        "Kính gửi: Ban Thường trực Ủy ban MTTQ Việt Nam thành phố Hà Nội",
        "Căn cứ Kế hoạch số 37/KH-MTTQ-BTT ngày 20/01/2020",
        "Căn cứ Biên bản số 01/BB-MTTQ ngày 18/12/2020",
        "Cờ thi đua của Ủy ban MTTQ Việt Nam thành phố Hà Nội: 1 tập thể",
        "Bằng khen của Ủy ban MTTQ Việt Nam thành phố Hà Nội: 3 tập thể",
        "DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG",
        "Kèm theo Tờ trình số 02/TTr-MTTQ",
        "Ủy ban MTTQ Việt Nam quận Đống Đa",
        "TM. CỤM THI ĐUA SỐ 1",
        "CỤM TRƯỞNG",
        "Nơi nhận:",
        "Lưu: VT",
        "DỮ LIỆU MINH HỌA",
    ):
        assert expected in text, expected
    assert "DỰ THẢO" not in text


def test_the_submission_preview_is_a_draft_without_number(issued, tmp_path):
    proposal = proposals.proposal_create(
        actor=issued.user("dongda"), cluster_year=issued.cluster_year
    )
    path = tmp_path / "preview.pdf"
    path.write_bytes(award_documents.submission_preview_pdf(proposal))
    text = pdf_text(path)
    assert "DỰ THẢO" in text and "TỜ TRÌNH" in text and "TTr-MTTQ" not in text
