"""The seed agreement (demo stage "adopted") and its document in the Nghị định 30 layout."""

import datetime
import re
import subprocess
import unicodedata
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import timezone

from agreements import document, services
from agreements.models import Agreement, Comment
from agreements.services import conference_warnings
from clusters import services as cluster_services
from demo import stages
from demo.agreements import REPORT
from tests.agreements.helpers import make_draft

pytestmark = pytest.mark.django_db

MARKS = {"DỮ LIỆU MINH HỌA", "DỮ LIỆU MINH HỌA – KHÔNG CÓ GIÁ TRỊ PHÁP LÝ", "DỰ THẢO"}


def normalise(text):
    return " ".join(unicodedata.normalize("NFC", text).split())


def report_sections():
    """The report's paragraph after "gồm 5 nội dung gồm:", cut before each opening (DOMAIN.md)."""
    lines = REPORT.read_text(encoding="utf-8").splitlines()
    index = next(i for i, line in enumerate(lines) if "gồm 5 nội dung gồm:" in line)
    paragraph = lines[index + 1].strip()
    openings = [
        "Triển khai thực hiện có hiệu quả",
        "Đổi mới, nâng cao chất lượng công tác Thi đua",
        "Thực hiện tốt nội dung các phong trào",
        "Triển khai thực hiện Nghị quyết số 18-NQ/TW",
        "Thi đua phấn đấu xây dựng cơ quan văn hóa",
    ]
    cuts = [paragraph.find(o) for o in openings] + [len(paragraph)]
    parts = [paragraph[cuts[i] : cuts[i + 1]] for i in range(5)]
    return [p.removesuffix("; ") for p in parts], lines[index + 2].strip()


def pdf_pages(data, tmp_path):
    path = tmp_path / "document.pdf"
    path.write_bytes(data)
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True
    ).stdout.decode("utf-8")
    return [page for page in text.split("\f") if page.strip()]


def body_text(pages):
    """The text without page numbers and page marks (which pdftotext puts between lines)."""
    kept = []
    for number, page in enumerate(pages, start=1):
        lines = [line.strip() for line in page.splitlines() if line.strip()]
        for index, line in enumerate(lines):
            if line in MARKS:
                continue
            if index < 2 and re.fullmatch(rf"(DỰ THẢO\s+)?{number}(\s+DỰ THẢO)?", line):
                continue  # the page number in the top margin
            kept.append(line)
    return normalise("\n".join(kept))


def pdf_fonts(data, tmp_path):
    path = tmp_path / "fonts.pdf"
    path.write_bytes(data)
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, check=True, text=True)
    return [line.split() for line in out.stdout.splitlines()[2:] if line.strip()]


@pytest.fixture
def seed(db):
    return stages.build("adopted")


# --- the demo stage ------------------------------------------------------------------------


def test_the_seed_agreement_has_the_reports_five_sections(seed):
    agreement = seed.agreement
    expected, _following = report_sections()
    sections = list(agreement.sections.order_by("order"))
    assert [normalise(s.text) for s in sections] == [normalise(t) for t in expected]
    assert sections[0].text.endswith("toàn Thành phố")
    assert sections[4].text == (
        "Thi đua phấn đấu xây dựng cơ quan văn hóa, đơn vị an toàn vững mạnh, đoàn kết; "
        "thực hiện tốt dân chủ ở cơ sở."
    )
    assert all(s.heading for s in sections)
    assert all(s.criteria.count() >= 2 for s in sections)


def test_the_coronavirus_task_is_in_the_closing_part_not_a_sixth_section(seed):
    agreement = seed.agreement
    _expected, following = report_sections()
    assert following.startswith("Trước mắt,")
    assert normalise(following) in normalise(agreement.closing)
    assert agreement.sections.count() == 5


def test_the_seed_agreement_was_circulated_commented_and_adopted(seed):
    agreement = seed.agreement
    assert agreement.status == Agreement.Status.ADOPTED
    assert agreement.is_demo
    assert agreement.adopted_by == seed.user("dongda")
    assert agreement.date == datetime.date(2020, 2, 5)
    assert len(agreement.content_hash) == 64
    comments = list(agreement.comments.order_by("created_at"))
    assert len(comments) == 2
    assert {c.unit for c in comments} == {seed.unit("badinh"), seed.unit("hoankiem")}
    assert [c.status for c in comments].count(Comment.Status.ANSWERED) == 1
    kinds = set(agreement.sections.values_list("criteria__kind", flat=True))
    assert kinds == {"normal", "bonus", "penalty"}
    assert agreement.sections.filter(criteria__rule="per_occurrence", criteria__kind="penalty")


def test_the_signing_conference_of_5_february_2020(seed):
    conference = seed.agreement.conference
    local = timezone.localtime(conference.starts_at)
    assert (local.date(), local.hour, local.minute) == (datetime.date(2020, 2, 5), 14, 0)
    assert conference.venue == "Trụ sở Quận ủy – HĐND - UBND quận Đống Đa"
    assert set(conference.hosts.all()) == {seed.unit("dongda"), seed.unit("hoankiem")}
    guests = list(conference.guests.all())
    assert [g.name for g in guests] == ["Nguyễn Lan Hương", "Hà Minh Hải"]
    assert "Chủ tịch Ủy ban MTTQ Việt Nam thành phố Hà Nội" in guests[0].title
    assert guests[1].title == "Thành ủy viên, Bí thư Quận ủy Đống Đa"
    assert conference_warnings(conference) == []  # 05/02, not the report's 05/01 slip


def test_the_stage_is_idempotent_and_adds_a_2021_template(seed):
    again = stages.build("adopted")
    assert again.agreement == seed.agreement
    assert Agreement.objects.filter(kind="agreement").count() == 1
    template = Agreement.objects.get(kind="template")
    assert (template.template_parent, template.template_year) == (seed.parent, 2021)
    assert template.sections.count() >= 2


def test_a_2021_draft_can_start_from_the_demo_template(seed):
    next_year = cluster_services.year_rollover(
        actor=seed.user("bantt"),
        cluster_year=seed.cluster_year,
        head=seed.unit("hoankiem"),
        deputy=seed.unit("badinh"),
    )
    draft = services.agreement_create(
        actor=seed.user("hoankiem"), cluster_year=next_year, origin="template"
    )
    assert draft.sections.count() == seed.template_2021.sections.count()


# --- the PDF -------------------------------------------------------------------------------


def test_the_adopted_seed_pdf_holds_the_official_text(seed, tmp_path):
    data = document.render_agreement_pdf(seed.agreement)
    assert data.startswith(b"%PDF-")
    pages = pdf_pages(data, tmp_path)
    text = body_text(pages)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text
    assert "ỦY BAN MTTQ VIỆT NAM THÀNH PHỐ HÀ NỘI CỤM THI ĐUA SỐ 1" in text
    assert "Đống Đa, ngày 05 tháng 02 năm 2020" in text
    assert "GIAO ƯỚC THI ĐUA NĂM 2020" in text
    assert "Căn cứ Kế hoạch số 37/KH-MTTQ-BTT ngày 20/01/2020" in text
    expected, following = report_sections()
    for section in expected:
        assert normalise(section) in text
    assert normalise(following) in text
    assert "\ufffd" not in text
    all_text = "\n".join(pages)
    assert "DỰ THẢO" not in all_text
    assert "DỮ LIỆU MINH HỌA" in pages[0] and all("DỮ LIỆU MINH HỌA" in p for p in pages)
    assert seed.agreement.content_hash in normalise(all_text).replace(" ", "")


def test_page_numbers_start_on_page_two(seed, tmp_path):
    pages = pdf_pages(document.render_agreement_pdf(seed.agreement), tmp_path)
    assert len(pages) >= 2
    first_lines = [line.strip() for line in pages[0].splitlines()]
    assert "1" not in first_lines
    for number, page in enumerate(pages[1:], start=2):
        assert str(number) in [line.strip() for line in page.splitlines()]


def test_the_signature_grid_has_one_cell_per_member_with_its_signatory(seed, tmp_path):
    text = body_text(pdf_pages(document.render_agreement_pdf(seed.agreement), tmp_path))
    assert "ĐẠI DIỆN CÁC ĐƠN VỊ KÝ GIAO ƯỚC" in text
    for unit_name, chair in [
        ("HAI BÀ TRƯNG", "Trần Văn B"),
        ("ĐỐNG ĐA", "Đỗ Trọng Nam"),
        ("BA ĐÌNH", "Lê Thị C"),
        ("HOÀN KIẾM", "Phạm Văn D"),
        ("LONG BIÊN", "Hoàng Thị E"),
        ("HOÀNG MAI", "Vũ Văn G"),
    ]:
        assert unit_name in text
        assert chair in text
    assert text.count("TM. BAN THƯỜNG TRỰC") == 6
    assert "Cụm trưởng" in text
    assert "Nơi nhận:" in text
    cells = document.agreement_document_context(seed.agreement)["signature_cells"]
    assert len(cells) == 6
    assert cells[1]["unit"] == "ỦY BAN MTTQ VIỆT NAM QUẬN ĐỐNG ĐA"
    assert cells[1]["lines"] == ["TM. BAN THƯỜNG TRỰC", "CHỦ TỊCH"]


def test_the_annex_lists_criteria_and_computed_totals(seed, tmp_path):
    text = body_text(pdf_pages(document.render_agreement_pdf(seed.agreement), tmp_path))
    assert "PHỤ LỤC" in text
    assert "CHỈ TIÊU, TIÊU CHÍ VÀ THANG ĐIỂM THI ĐUA" in text
    assert "Tổng điểm các nội dung 100" in text
    assert "Điểm thưởng tối đa +3" in text
    assert "Điểm trừ tối đa -2" in text
    assert "trừ 0,5 điểm/lần, tối đa 2 điểm" in text


def test_every_font_is_embedded_liberation_serif(seed, tmp_path):
    data = document.render_agreement_pdf(seed.agreement)
    fonts = pdf_fonts(data, tmp_path)
    assert fonts
    for row in fonts:
        name, emb = row[0], row[-5]
        assert "Liberation-Serif" in name, row  # no fallback font: no missing glyph
        assert emb == "yes", row


def test_the_pdf_is_pdf_a_3b(seed, tmp_path):
    path = tmp_path / "a.pdf"
    path.write_bytes(document.render_agreement_pdf(seed.agreement))
    meta = subprocess.run(
        ["pdfinfo", "-meta", str(path)], capture_output=True, check=True, text=True
    ).stdout
    assert 'pdfaid:part="3"' in meta
    assert 'pdfaid:conformance="B"' in meta


def test_a_draft_carries_the_draft_mark_on_every_page(world, tmp_path):
    draft = make_draft(world)
    pages = pdf_pages(document.render_agreement_pdf(draft), tmp_path)
    assert all("DỰ THẢO" in page for page in pages)
    assert "DỮ LIỆU MINH HỌA" not in "".join(pages)  # not demo data
    assert "Đống Đa, ngày tháng năm 2020" in normalise(pages[0])  # dated at adoption
    assert "Mã băm" not in "".join(pages)


def test_a_draft_grid_follows_the_units_an_adopted_one_keeps_its_snapshot(seed):
    unit = seed.unit("badinh")
    cluster_services.unit_update(
        actor=seed.admin,
        unit=unit,
        expected_version=unit.version,
        name="Ủy ban MTTQ Việt Nam phường Ba Đình",
    )
    adopted_cells = document.signature_cells(seed.agreement)
    assert adopted_cells[2]["unit"] == "ỦY BAN MTTQ VIỆT NAM QUẬN BA ĐÌNH"
    amendment = services.agreement_amend(
        actor=seed.user("dongda"), agreement=seed.agreement, reason="Sửa đổi"
    )
    assert document.signature_cells(amendment)[2]["unit"] == "ỦY BAN MTTQ VIỆT NAM PHƯỜNG BA ĐÌNH"


def test_a_template_renders_with_the_parents_header_and_no_grid(seed, tmp_path):
    context = document.agreement_document_context(seed.template_2021)
    assert context["header_lines"] == [
        "ỦY BAN MTTQ VIỆT NAM",
        "THÀNH PHỐ HÀ NỘI",
        "BAN THƯỜNG TRỰC",
    ]
    assert context["signature_cells"] == []
    text = body_text(pdf_pages(document.render_agreement_pdf(seed.template_2021), tmp_path))
    assert "GIAO ƯỚC THI ĐUA NĂM 2021" in text


def test_numbers_are_written_the_vietnamese_way():
    from decimal import Decimal

    assert document.vn_number(Decimal("10.00")) == "10"
    assert document.vn_number(Decimal("0.50")) == "0,5"
    assert document.vn_number(Decimal("2.25")) == "2,25"
    assert document.vn_number(None) == ""


# --- the management command ----------------------------------------------------------------


def test_the_agreement_pdf_command_writes_the_current_document(seed, tmp_path):
    target = tmp_path / "giao-uoc.pdf"
    call_command("agreement_pdf", str(seed.agreement.pk), str(target))
    data = target.read_bytes()
    assert data.startswith(b"%PDF-")
    assert "GIAO ƯỚC THI ĐUA NĂM 2020" in body_text(pdf_pages(data, tmp_path))


def test_the_agreement_pdf_command_prefers_the_sealed_file(seed, tmp_path):
    from agreements.signing.models import Seal

    seal = Seal(
        agreement=seed.agreement,
        status=Seal.Status.SEALED,
        sha256="0" * 64,
        requested_at=timezone.now(),
        sealed_at=timezone.now(),
    )
    seal.file.save("sealed.pdf", ContentFile(b"%PDF-1.7 the sealed bytes"), save=False)
    seal.save()
    target = tmp_path / "sealed.pdf"
    call_command("agreement_pdf", str(seed.agreement.pk), str(target))
    assert target.read_bytes() == b"%PDF-1.7 the sealed bytes"


def test_the_agreement_pdf_command_refuses_an_unknown_agreement(db, tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("agreement_pdf", "999999", str(tmp_path / "x.pdf"))
    assert not Path(tmp_path / "x.pdf").exists()


def test_a_superseded_agreement_says_by_what_it_was_superseded(seed, tmp_path):
    amendment = services.agreement_amend(
        actor=seed.user("dongda"), agreement=seed.agreement, reason="Bổ sung chỉ tiêu"
    )
    services.agreement_update(
        actor=seed.user("dongda"),
        agreement=amendment,
        expected_version=amendment.version,
        title="GIAO ƯỚC THI ĐUA NĂM 2020 (SỬA ĐỔI)",
        place=amendment.place,
        date=datetime.date(2020, 6, 1),
        legal_basis=amendment.legal_basis,
        closing=amendment.closing,
    )
    services.agreement_circulate(actor=seed.user("dongda"), agreement=amendment)
    services.agreement_adopt(actor=seed.user("dongda"), agreement=amendment)
    seed.agreement.refresh_from_db()
    text = body_text(pdf_pages(document.render_agreement_pdf(seed.agreement), tmp_path))
    assert (
        "Văn bản này đã được thay thế bởi bản sửa đổi “GIAO ƯỚC THI ĐUA NĂM 2020 (SỬA ĐỔI)” "
        "thông qua ngày 01/06/2020." in text
    )
    assert "DỰ THẢO" not in text
