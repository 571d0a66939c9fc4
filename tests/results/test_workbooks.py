"""Every workbook the application writes prints on A4 (orientation, the columns on the width of
the page, the header row on every page), has column widths and a Vietnamese file name; the
comparison between clusters is exported through the prepared files."""

import io
import re

import openpyxl
import pytest
from django.urls import reverse

from agreements.selectors import sections_with_criteria
from awards import excel as awards_excel
from awards import selectors as awards_selectors
from core.models import PreparedFile
from results import excel, selectors, services
from results.models import Score
from tests.prepared_support import download
from tests.results.support import accept_all

pytestmark = pytest.mark.django_db


@pytest.fixture
def locked(results):
    period = results.open()
    accept_all(results, period)
    services.period_lock(actor=results.user("dongda"), period=period)
    period.refresh_from_db()
    results.period = period
    return results


def _workbooks(results):
    period = results.period
    assessment = period.assessments.first()
    scores = list(Score.objects.filter(assessment=assessment).select_related("criterion"))
    parent = results.parent
    award_types, lines = awards_selectors.parent_year_summary(parent, 2020)
    summaries, rows, _rules = selectors.parent_comparison(parent, 2020, "year_end")
    return {
        "template": excel.template_workbook(
            assessment, sections_with_criteria(period.agreement), scores
        ),
        "score_table": excel.score_table_workbook(selectors.score_table(period)),
        "year_summary": awards_excel.year_summary_workbook(
            parent, 2020, award_types, lines, awards_selectors.parent_year_items(parent, 2020)
        ),
        "comparison": excel.comparison_workbook(parent, 2020, "Tổng kết", summaries, rows),
    }


def test_every_sheet_is_set_for_a4_printing_with_column_widths(locked):
    for name, data in _workbooks(locked).items():
        book = openpyxl.load_workbook(io.BytesIO(data))
        sheets = [ws for ws in book.worksheets if ws.sheet_state == "visible"]
        assert sheets, name
        for ws in sheets:
            where = f"{name}: {ws.title}"
            assert int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4) == 9, where
            assert ws.page_setup.orientation in ("landscape", "portrait"), where
            assert ws.sheet_properties.pageSetUpPr.fitToPage, where
            assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0, where
            assert re.fullmatch(r"\$?(\d+):\$?\1", ws.print_title_rows or ""), where
            header = int(ws.print_title_rows.split(":")[0].lstrip("$"))
            assert ws.cell(row=header, column=1).value, where  # the repeated row is the header
            for column in range(1, ws.max_column + 1):
                letter = openpyxl.utils.get_column_letter(column)
                width = ws.column_dimensions[letter].width
                assert width and width >= 5, (where, letter, width)


def _prepared_name(client, path):
    response = client.post(path)
    assert response.status_code == 302
    job = PreparedFile.objects.latest("pk")
    assert job.status == PreparedFile.Status.READY, job.error
    return job.filename


def test_file_names_are_vietnamese(locked, client_for):
    client = client_for(locked.user("dongda"))
    period = locked.period
    for name in ("score_table_xlsx", "score_table_pdf"):
        filename = _prepared_name(client, reverse(f"results:{name}", args=[period.pk]))
        assert filename.startswith("bang-diem-tong-ket-2020-"), filename
        assert "year_end" not in filename and "_" not in filename


def test_the_parent_exports_the_comparison_as_a_workbook(locked, client_for):
    path = reverse("results:comparison_xlsx", args=[locked.parent.pk, 2020, "year_end"])
    page = client_for(locked.user("bantt")).get(
        reverse("results:comparison", args=[locked.parent.pk])
    )
    assert path in page.text
    for username in ("bantt", "xem"):  # the parent's staff and its read-only viewer
        response = download(client_for(locked.user(username)), path)
        assert response.status_code == 200
        assert 'filename="so-sanh-cac-cum-tong-ket-2020-' in response["Content-Disposition"]
        book = openpyxl.load_workbook(io.BytesIO(response.content))
        clusters = book["Các cụm"]
        assert clusters["B5"].value == "Cụm thi đua số 1"
        assert clusters["C5"].value == 6
        units = book["Các đơn vị"]
        names = [units.cell(row=r, column=2).value for r in range(2, 8)]
        assert "Ủy ban MTTQ Việt Nam quận Ba Đình" in names
        assert {units.cell(row=r, column=3).value for r in range(2, 8)} == {"Cụm thi đua số 1"}


@pytest.mark.parametrize("username", ["ngoai", "badinh"])
def test_others_cannot_export_the_comparison(locked, client_for, username):
    before = PreparedFile.objects.count()
    path = reverse("results:comparison_xlsx", args=[locked.parent.pk, 2020, "year_end"])
    assert client_for(locked.user(username)).post(path).status_code == 404
    assert PreparedFile.objects.count() == before


def test_an_unknown_review_kind_is_not_found(locked, client_for):
    path = reverse("results:comparison_xlsx", args=[locked.parent.pk, 2020, "winter"])
    assert client_for(locked.user("bantt")).post(path).status_code == 404
