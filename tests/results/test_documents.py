"""The score table in the official layout: text, charts, fonts, marks."""

import subprocess

import pytest

from agreements.models import Agreement
from results import charts, selectors, services
from results.documents import score_table_context, score_table_pdf
from tests.results.support import accept_all

pytestmark = pytest.mark.django_db


def pdf_text(path):
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True)
    return " ".join(out.stdout.decode("utf-8").split())


def pdf_fonts(path):
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, check=True, text=True)
    return [line.split() for line in out.stdout.splitlines()[2:] if line.strip()]


@pytest.fixture
def locked(results):
    Agreement.objects.filter(pk=results.agreement.pk).update(is_demo=True)
    period = results.open()
    accept_all(results, period, {"Hoàng Mai": {"1.1": {"value": "2"}}})
    services.period_lock(actor=results.user("dongda"), period=period)
    period.refresh_from_db()
    return period


def test_the_score_table_pdf_has_the_layout_the_ranking_and_embedded_fonts(locked, tmp_path):
    path = tmp_path / "score.pdf"
    path.write_bytes(score_table_pdf(selectors.score_table(locked)))
    text = pdf_text(path)
    for expected in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "CỤM THI ĐUA SỐ 1",
        "BẢNG TỔNG HỢP KẾT QUẢ CHẤM ĐIỂM THI ĐUA",
        "NĂM 2020",
        "Ủy ban MTTQ Việt Nam quận Hoàng Mai",
        "Hoàn thành xuất sắc nhiệm vụ",
        "Đỗ Trọng Nam",
        "DỮ LIỆU MINH HỌA",
        "Tổng điểm theo đơn vị",  # the chart's title, drawn as SVG text
        locked.ranking.content_hash,
    ):
        assert expected in text, expected
    fonts = pdf_fonts(path)
    assert fonts and all(row[-5] == "yes" for row in fonts), fonts  # "emb" column


def test_the_document_uses_the_same_svg_as_the_page(locked):
    results = selectors.score_table(locked)
    context = score_table_context(results)
    labels = {row.assessment.unit_id: row.assessment.unit.short_name for row in results.rows}
    assert context["totals_chart"] == charts.totals_for_results(results, labels=labels)
    assert len(context["profiles"]) == 6
    assert context["lines"][-1]["rank"] == 6 and context["is_draft"] is False


def test_an_open_review_prints_as_a_draft(results):
    period = results.open()
    context = score_table_context(selectors.score_table(period))
    assert context["is_draft"] is True
