"""The demo's numbers read one way everywhere: pages, documents and workbooks.

Written the Vietnamese way without noise ('15', '17,5'; never '15.00', '100,00' or
'101,8000000000000'); one ranking order with the same ranks on every page and in every file;
penalties with one sign (negative) in every sheet; a penalty criterion reads the same on the
signing page as in the agreement's PDF.
"""

import io
import re
import subprocess

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from agreements.document import criterion_reading, render_agreement_pdf
from agreements.models import Criterion
from awards.documents import minutes_pdf
from awards.models import Meeting, Proposal, ProposalItem, VoteSession
from results import selectors
from results.documents import score_table_pdf
from results.excel import score_table_workbook
from results.models import Assessment, Period
from tests.trust.support import client_as

pytestmark = pytest.mark.django_db

# A decimal with a trailing zero ('15.00', '100,00', '2,50') or a long tail ('101,8000000').
NOISE = re.compile(r"[-−+]?\d+[.,](\d*0|\d{3,})%?")
STRIP = "()[]{}:;,.…·\"'“”"


def noise(text):
    """The noisy numbers of `text`, each with a few words around it."""
    tokens = text.split()
    found = []
    for index, raw in enumerate(tokens):
        token = raw.strip(STRIP)
        point_decimal = re.fullmatch(r"\d+\.\d+", token) and index + 1 < len(tokens)
        if NOISE.fullmatch(token) or (
            point_decimal and tokens[index + 1].strip(STRIP) in ("điểm", "%")
        ):
            found.append(" ".join(tokens[max(index - 4, 0) : index + 3]))
    return found


def page_text(response):
    body = response.content.decode()
    body = re.sub(r"<(script|style|svg)\b.*?</\1>", " ", body, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", body)
    return re.sub(r"&[a-z#0-9]+;", " ", text)


def pdf_text(data, tmp_path, name="doc.pdf"):
    path = tmp_path / name
    path.write_bytes(data)
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True)
    return " ".join(out.stdout.decode().split())


def test_noise_is_found_where_it_was_seen():
    assert noise("Tổng cộng 101,8000000000000 và 15.00 điểm; 100.00 %; Điểm tối đa: 100.00")
    assert noise("(0.00 điểm)") and noise("17.5 điểm")
    assert not noise("15 17,5 -0,5 1.1 Tổ chức 127.0.0.1 05/12/2020 10:30 0…10 2.2 Gửi")


@pytest.fixture
def year_end(trust_world):
    return Period.objects.get(cluster_year=trust_world.cluster_year, kind=Period.Kind.YEAR_END)


def _pages(world, period):
    sheets = [
        reverse("results:assessment", args=[pk])
        for pk in Assessment.objects.filter(period=period).values_list("pk", flat=True)
    ]
    proposal = Proposal.objects.filter(cluster_year=world.cluster_year).first()
    items = ProposalItem.objects.filter(proposal=proposal).values_list("pk", flat=True)
    meeting = Meeting.objects.filter(cluster_year=world.cluster_year).first()
    sessions = VoteSession.objects.filter(meeting=meeting).values_list("pk", flat=True)
    return [
        reverse("results:period", args=[period.pk]),
        reverse("results:comparison", args=[world.parent.pk]) + "?year=2020",
        reverse("agreements:detail", args=[world.agreement.pk]),
        reverse("agreements:detail", args=[world.agreement_2021.pk]),
        reverse("agreements:diff", args=[world.agreement.pk]) + "?a=7&b=8",
        reverse("awards:proposal", args=[proposal.pk]),
        reverse("awards:catalogue", args=[world.parent.pk, 2021]),
        *(reverse("awards:proposal_item", args=[pk]) for pk in items),
        *(reverse("awards:vote", args=[pk]) for pk in sessions),
        *sheets,
    ]


def test_the_main_pages_show_numbers_without_noise(trust_world, year_end):
    client = client_as(trust_world, "bantt")
    found = {}
    for url in _pages(trust_world, year_end):
        response = client.get(url)
        assert response.status_code == 200, url
        if problems := noise(page_text(response)):
            found[url] = problems
    assert found == {}


def test_the_documents_and_the_workbook_show_numbers_without_noise(trust_world, year_end, tmp_path):
    results = selectors.score_table(year_end)
    meeting = Meeting.objects.filter(cluster_year=trust_world.cluster_year).first()
    texts = {
        "score table": pdf_text(score_table_pdf(results), tmp_path, "a.pdf"),
        "agreement": pdf_text(render_agreement_pdf(trust_world.agreement), tmp_path, "b.pdf"),
        "minutes": pdf_text(minutes_pdf(meeting), tmp_path, "c.pdf"),
    }
    workbook = load_workbook(io.BytesIO(score_table_workbook(results)))
    texts["workbook"] = " ".join(
        str(cell.value)
        for sheet in workbook
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, str)
    )
    assert {name: noise(text) for name, text in texts.items() if noise(text)} == {}
    assert "Điểm tối đa: 100" in texts["workbook"]
    numbers = [c for sheet in workbook for row in sheet.iter_rows() for c in row]
    assert not [c.coordinate for c in numbers if c.number_format in ("0.00", "#,##0.00")]


def _order(text, names):
    return sorted(names, key=text.index)


def test_tied_units_have_one_order_and_one_rank_everywhere(trust_world, year_end, tmp_path):
    """Hai Bà Trưng and Ba Đình tie on 99,9 points; the bonus puts Hai Bà Trưng third."""
    names = ["Đống Đa", "Hoàn Kiếm", "Hai Bà Trưng", "Ba Đình", "Long Biên", "Hoàng Mai"]
    client = client_as(trust_world, "bantt")
    results = selectors.score_table(year_end)
    meeting = Meeting.objects.filter(cluster_year=trust_world.cluster_year).first()
    workbook = load_workbook(io.BytesIO(score_table_workbook(results)))
    sheet = workbook["Bảng điểm"]
    listed = [sheet.cell(row=r, column=2).value for r in range(7, 13)]
    ranks = [sheet.cell(row=r, column=sheet.max_column - 1).value for r in range(7, 13)]
    assert [next(n for n in names if n in name) for name in listed] == names
    assert ranks == [1, 2, 3, 4, 5, 6]
    page = page_text(client.get(reverse("results:period", args=[year_end.pk])))
    comparison = client.get(
        reverse("results:comparison", args=[trust_world.parent.pk]), {"year": 2020}
    )
    texts = {
        "page": page,
        "comparison": page_text(comparison),
        "score table": pdf_text(score_table_pdf(results), tmp_path, "a.pdf"),
        "minutes": pdf_text(minutes_pdf(meeting), tmp_path, "b.pdf").split(
            "Kết quả chấm điểm thi đua"
        )[1],
    }
    assert {name: _order(text, names) for name, text in texts.items()} == dict.fromkeys(
        texts, names
    )
    # The comparison's position and the rank in the cluster agree (one cluster in 2020).
    rows = re.findall(
        r"<td>(\d+)</td>\s*<th scope=\"row\">[^<]*quận ([^<]+)</th>.*?"
        r"<td class=\"text-end\">(\d+)</td>\s*<td>",
        comparison.content.decode(),
        flags=re.S,
    )
    assert [(position, name) for position, name, _rank in rows][2:4] == [
        ("3", "Hai Bà Trưng"),
        ("4", "Ba Đình"),
    ]
    assert all(position == rank for position, _name, rank in rows)
    assert "(bằng điểm, xếp theo điểm thưởng)" in page
    assert "tie broken by" not in page and "phân định" not in page


def test_penalties_are_negative_in_every_sheet(trust_world, year_end):
    workbook = load_workbook(io.BytesIO(score_table_workbook(selectors.score_table(year_end))))
    table = workbook["Bảng điểm"]
    column = [c.value for c in table[6]].index("Điểm trừ") + 1
    penalties = [table.cell(row=r, column=column).value for r in range(7, 13)]
    assert min(penalties) < 0 and max(penalties) <= 0
    detail = workbook["Chi tiết"]
    penalty_rows = [
        row for row in detail.iter_rows(min_row=2, values_only=True) if row[2] == "Điểm trừ"
    ]
    values = [v for row in penalty_rows for v in row[3:] if v is not None]
    assert penalty_rows and min(values) < 0 and max(values) <= 0


def test_a_penalty_criterion_reads_the_same_on_the_signing_page_and_in_the_pdf(
    trust_world, tmp_path
):
    agreement = trust_world.agreement_2021
    penalty = Criterion.objects.filter(
        section__agreement=agreement, kind=Criterion.Kind.PENALTY
    ).first()
    reading = criterion_reading(penalty)
    assert reading["points"].startswith("-") and reading["rule_note"]
    page = page_text(
        client_as(trust_world, "haibatrung").get(reverse("agreements:sign", args=[agreement.pk]))
    )
    page = " ".join(page.split())
    assert f"({reading['points']} điểm; {reading['rule_note']})" in page
    assert "0.00" not in page and "0,00" not in page
    document = pdf_text(render_agreement_pdf(agreement), tmp_path)
    assert reading["rule_note"] in document
    assert f" {reading['points']} " in document
