"""The Excel round trip, hostile workbooks, and text that must stay text in exports."""

import io
import zipfile

import openpyxl
import openpyxl.xml
import pytest
from defusedxml import EntitiesForbidden
from django.utils import translation

from agreements.selectors import sections_with_criteria
from core.errors import DomainError
from results import excel, selectors, services
from results.models import Score
from tests.results.support import accept_all, build_agreement, sheet

pytestmark = pytest.mark.django_db


def template_for(assessment):
    sections = sections_with_criteria(assessment.period.agreement)
    scores = list(Score.objects.filter(assessment=assessment).select_related("criterion"))
    return excel.template_workbook(assessment, sections, scores)


def load(data):
    return openpyxl.load_workbook(io.BytesIO(data))


def save(wb):
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def rows_by_code(ws):
    return {row[0].value: row for row in ws.iter_rows(min_row=excel.HEADER_ROW + 1) if row[0].value}


def do_import(results, assessment, data):
    assessment.refresh_from_db()
    return services.assessment_import(
        actor=results.user("badinh"), assessment=assessment, data=data
    )


def values(assessment):
    return {
        s.criterion.code: (s.achieved, s.achieved_text, s.occurrences, s.self_score, s.explanation)
        for s in Score.objects.filter(assessment=assessment).select_related("criterion")
    }


@pytest.fixture
def badinh(results):
    return sheet(results.open(), "badinh", results)


# --- round trip ----------------------------------------------------------------------------


def test_the_template_carries_vietnamese_headers_and_hidden_ids(results, badinh):
    ws = load(template_for(badinh))[excel.SHEET_TITLE]
    assert [c.value for c in ws[excel.HEADER_ROW]] == excel.HEADERS
    assert ws.column_dimensions["K"].hidden
    assert rows_by_code(ws)["1.1"][excel.ID_COL - 1].value == results.criterion("1.1").pk


def test_round_trip_restores_every_value(results, badinh):
    results.fill(
        badinh,
        overrides={"2.2": {"value": "=Tốt, rõ ràng", "self_score": "4"}, "1.1": {"value": "8.5"}},
    )
    before = values(badinh)
    data = template_for(badinh)
    Score.objects.filter(assessment=badinh).update(
        achieved=None, achieved_text="", occurrences=None, self_score=None, explanation=""
    )
    do_import(results, badinh, data)
    assert values(badinh) == before


def test_an_offline_fill_is_imported_with_suggestions(results, badinh):
    wb = load(template_for(badinh))
    rows = rows_by_code(wb[excel.SHEET_TITLE])
    rows["1.1"][6].value = 5
    rows["2.1"][6].value = "Không"
    rows["TR.1"][6].value = 2
    rows["1.2"][8].value = "Báo cáo số 12/BC"
    rows["1.2"][9].value = "https://example.org/a; https://example.org/b"
    assert do_import(results, badinh, save(wb)) == 4
    scores = {s.criterion.code: s for s in badinh.scores.select_related("criterion")}
    assert scores["1.1"].self_score == 5
    assert scores["2.1"].achieved == 0 and scores["2.1"].self_score == 0
    assert scores["TR.1"].occurrences == 2 and scores["TR.1"].self_score == -1
    assert scores["1.2"].link_list == ["https://example.org/a", "https://example.org/b"]


# --- refusals: nothing is half-imported ----------------------------------------------------


def assert_refused(results, assessment, data, *cells):
    before = values(assessment)
    with pytest.raises(excel.WorkbookError) as excinfo:
        do_import(results, assessment, data)
    refs = {cell for cell, _message in excinfo.value.errors}
    for cell in cells:
        assert cell in refs, excinfo.value.messages
    assert values(assessment) == before
    return excinfo.value


def test_wrong_values_are_reported_by_cell_and_nothing_is_imported(results, badinh):
    wb = load(template_for(badinh))
    rows = rows_by_code(wb[excel.SHEET_TITLE])
    rows["1.1"][6].value = 7  # valid, but must not be saved alone
    rows["1.2"][6].value = "chín mươi"
    rows["3.1"][7].value = 12  # over the maximum of 10
    rows["TR.1"][7].value = -5  # beyond the penalty cap of 2
    row_12, row_31, row_tr = rows["1.2"][0].row, rows["3.1"][0].row, rows["TR.1"][0].row
    assert_refused(results, badinh, save(wb), f"G{row_12}", f"H{row_31}", f"H{row_tr}")


def test_wrong_columns_are_refused(results, badinh):
    wb = load(template_for(badinh))
    ws = wb[excel.SHEET_TITLE]
    ws["G6"].value = "Kết quả"
    ws["L6"].value = "Thêm"
    assert_refused(results, badinh, save(wb), "G6", "L6")


def test_another_units_template_is_refused(results, badinh):
    other = sheet(badinh.period, "hoankiem", results)
    error = assert_refused(results, badinh, template_for(other))
    assert "another" in str(error) or "khác" in str(error)


def test_another_clusters_criteria_are_refused(results, badinh):
    foreign = build_agreement(results.other_cluster_year).sections.first().criteria.first()
    wb = load(template_for(badinh))
    del wb[excel.META_SHEET]
    row = rows_by_code(wb[excel.SHEET_TITLE])["1.1"]
    row[10].value = foreign.pk
    row[6].value = 3
    assert_refused(results, badinh, save(wb), f"K{row[0].row}")


def test_a_changed_code_is_refused(results, badinh):
    wb = load(template_for(badinh))
    row = rows_by_code(wb[excel.SHEET_TITLE])["1.1"]
    row[0].value = "1.2"
    assert_refused(results, badinh, save(wb), f"A{row[0].row}")


def test_a_formula_is_refused_with_its_cell(results, badinh):
    wb = load(template_for(badinh))
    row = rows_by_code(wb[excel.SHEET_TITLE])["1.1"]
    row[6].value = "=2+3"
    assert row[6].data_type == "f"
    error = assert_refused(results, badinh, save(wb), f"G{row[0].row}")
    assert "formula" in str(error) or "công thức" in str(error)


def test_not_a_workbook_is_refused(results, badinh):
    assert_refused(results, badinh, b"%PDF-1.4 not a workbook")
    assert_refused(results, badinh, b"PK\x03\x04 broken zip")


def test_an_oversized_file_is_refused(results, badinh):
    error = assert_refused(results, badinh, b"PK\x03\x04" + b"\0" * (excel.MAX_UPLOAD_BYTES + 1))
    assert "MB" in str(error)


def _zip(parts):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def test_a_zip_bomb_is_refused_before_parsing(results, badinh):
    # 60 MB of repeated bytes compress to a few tens of kilobytes.
    bomb = _zip(
        {
            "[Content_Types].xml": "<Types/>",
            "xl/workbook.xml": "<workbook/>",
            "xl/worksheets/sheet1.xml": b"<a>" + b" " * (60 * 1024 * 1024) + b"</a>",
        }
    )
    assert len(bomb) < 1024 * 1024
    error = assert_refused(results, badinh, bomb)
    assert "zip" in str(error)


def test_a_highly_compressed_part_is_refused(results, badinh):
    ratio_bomb = _zip(
        {
            "[Content_Types].xml": "<Types/>",
            "xl/workbook.xml": "<workbook/>",
            "xl/sharedStrings.xml": b"<sst>" + b"A" * (5 * 1024 * 1024) + b"</sst>",
        }
    )
    error = assert_refused(results, badinh, ratio_bomb)
    assert "zip" in str(error)


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&lol3;</t></si></sst>"""


def test_an_xml_bomb_is_refused(results, badinh):
    data = template_for(badinh)
    source = zipfile.ZipFile(io.BytesIO(data))
    parts = {name: source.read(name) for name in source.namelist()}
    parts["xl/sharedStrings.xml"] = BILLION_LAUGHS
    error = assert_refused(results, badinh, _zip(parts))
    assert "XML" in str(error)


def test_openpyxl_parses_through_defusedxml():
    from openpyxl.reader.strings import read_string_table

    assert openpyxl.xml.DEFUSEDXML is True
    with pytest.raises(EntitiesForbidden):
        read_string_table(io.BytesIO(BILLION_LAUGHS))


def test_importing_into_a_submitted_or_locked_sheet_is_refused(results, badinh):
    data = template_for(badinh)
    results.submit(badinh)
    with pytest.raises(DomainError):
        do_import(results, badinh, data)


# --- exports keep user text as text --------------------------------------------------------


@pytest.mark.parametrize("text", ['=HYPERLINK("http://evil","x")', "+1+1", "-2", "@SUM(A1)"])
def test_user_text_is_never_written_as_a_formula(results, badinh, text):
    results.fill(badinh, overrides={"2.2": {"value": text, "self_score": "3"}})
    data = template_for(badinh)
    row = rows_by_code(load(data)[excel.SHEET_TITLE])["2.2"]
    assert row[6].value == text and row[6].data_type == "s"
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in archive.read(name) and b"<f " not in archive.read(name)


def test_the_score_table_workbook_has_the_ranking(results):
    period = results.open()
    accept_all(results, period, {"Hoàng Mai": {"1.1": {"value": "2"}}})
    services.period_lock(actor=results.user("dongda"), period=period)
    period.refresh_from_db()
    data = excel.score_table_workbook(selectors.score_table(period), demo=True)
    wb = load(data)
    ws = wb["Bảng điểm"]
    headers = [c.value for c in ws[6]]
    assert headers[:2] == ["STT", "Đơn vị"] and "Tổng điểm" in headers and "Xếp loại" in headers
    names = [ws.cell(row=r, column=2).value for r in range(7, 13)]
    assert names[-1] == "Ủy ban MTTQ Việt Nam quận Hoàng Mai"
    ranks = [ws.cell(row=r, column=headers.index("Xếp hạng") + 1).value for r in range(7, 13)]
    assert ranks == [1, 1, 1, 1, 1, 6]
    assert ws["A4"].value == "DỮ LIỆU MINH HỌA"
    assert "Chi tiết" in wb.sheetnames


# --- numbers typed as text -----------------------------------------------------------------


@translation.override("vi")
def test_numbers_typed_as_text_keep_their_magnitude_and_ambiguous_ones_are_refused(results, badinh):
    wb = load(template_for(badinh))
    rows = rows_by_code(wb[excel.SHEET_TITLE])
    rows["1.1"][6].value = "7,5"  # a text cell, the Vietnamese way
    rows["1.2"][6].value = "92.5"
    do_import(results, badinh, save(wb))
    assert values(badinh)["1.1"][0] == 7.5 and values(badinh)["1.2"][0] == 92.5
    wb = load(template_for(badinh))
    rows = rows_by_code(wb[excel.SHEET_TITLE])
    rows["1.2"][6].value = "1.234,5"
    rows["3.1"][6].value = "1,234"
    error = assert_refused(
        results, badinh, save(wb), f"G{rows['1.2'][0].row}", f"G{rows['3.1'][0].row}"
    )
    assert "hàng nghìn" in " ".join(error.messages)
