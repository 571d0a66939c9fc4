"""Every document produced as PDF is also offered as Word (.docx): the same text, the NĐ 30 layout
(A4, margins, Times New Roman, the header table, page numbers from page 2), through the prepared
files; a signed agreement is never offered as Word."""

import io
import re
import subprocess

import pytest
from django.urls import reverse
from docx import Document

from agreements import document as agreement_document
from agreements.models import Agreement
from awards import documents as award_documents
from awards import reports
from core.models import PreparedFile
from results import selectors as results_selectors
from results.documents import score_table_docx, score_table_pdf
from tests.awards.test_decision_document import decided  # noqa: F401  (a fixture)
from tests.awards.test_proposal_services import accept_all, proposal, sent  # noqa: F401
from tests.prepared_support import download

pytestmark = pytest.mark.django_db


def docx_text(data):
    """The text of a Word file: paragraphs, table cells, headers and footers, in order."""
    document = Document(io.BytesIO(data))
    parts = []
    section = document.sections[0]
    for part in (section.first_page_header, section.footer, document):
        for element in part._element.iter():  # noqa: SLF001
            if element.tag.endswith("}t") and element.text:
                parts.append(element.text)
            elif element.tag.endswith("}p"):
                parts.append("\n")
    return " ".join(parts)


def pdf_text(data):
    out = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True)
    return out.stdout.decode()


def words(text):
    return set(re.findall(r"\w+", text.replace("\u00a0", " ").lower()))


def _pairs(world):
    """(name, Word bytes, PDF bytes) of every document of the decided 2020 file."""
    agreement = world.agreement_adopted
    period = world.period_locked
    results = results_selectors.score_table(period)
    report_item = world.proposal.items.order_by("pk").first()
    return [
        (
            "agreement",
            agreement_document.render_agreement_docx(agreement),
            agreement_document.render_agreement_pdf(agreement),
        ),
        (
            "minutes",
            award_documents.minutes_docx(world.meeting),
            award_documents.minutes_pdf(world.meeting),
        ),
        (
            "submission",
            award_documents.submission_docx(world.proposal.documents.first()),
            award_documents.submission_pdf(world.proposal.documents.first()),
        ),
        ("score_table", score_table_docx(results), score_table_pdf(results)),
        (
            "decision",
            award_documents.decision_docx(world.decision),
            award_documents.decision_pdf(world.decision),
        ),
        ("achievement_report", reports.report_docx(report_item), reports.report_pdf(report_item)),
    ]


@pytest.fixture
def documents(decided):  # noqa: F811
    from results.models import Period

    agreement = Agreement.objects.get(cluster_year=decided.cluster_year)
    Agreement.objects.filter(pk=agreement.pk).update(status=Agreement.Status.ADOPTED, is_demo=True)
    agreement.refresh_from_db()
    decided.agreement_adopted = agreement
    decided.period_locked = Period.objects.get(agreement=agreement, kind="year_end")
    return _pairs(decided)


def test_each_word_file_has_the_nd30_page_set_up_and_fonts(documents):
    for name, data, _pdf in documents:
        document = Document(io.BytesIO(data))
        section = document.sections[0]
        assert round(section.page_width.mm) == 210 and round(section.page_height.mm) == 297, name
        assert round(section.left_margin.mm) == 30 and round(section.right_margin.mm) == 20
        assert round(section.top_margin.mm) == 20 and round(section.bottom_margin.mm) == 20
        # Page numbers from page 2: the first page's header has none, the others a PAGE field.
        assert section.different_first_page_header_footer, name
        assert "PAGE" in section.header._element.xml  # noqa: SLF001
        assert "PAGE" not in section.first_page_header._element.xml  # noqa: SLF001
        # The header table: the issuer on the left, the national title and motto on the right.
        left, right = (c.text.replace("\u00a0", " ") for c in document.tables[0].rows[0].cells)
        assert "CỤM THI ĐUA SỐ 1" in left or "ỦY BAN MTTQ VIỆT NAM" in left, name
        assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in right
        assert "Độc lập - Tự do - Hạnh phúc" in right
        sizes, fonts, body = {}, set(), 0
        for paragraph in document.paragraphs:
            for run in paragraph.runs:
                if run.text.strip():
                    fonts.add(run.font.name)
                    size = run.font.size.pt if run.font.size else 14
                    sizes[size] = sizes.get(size, 0) + len(run.text)
                    body += len(run.text)
        assert fonts == {"Times New Roman"}, (name, fonts)
        main = sizes.get(13, 0) + sizes.get(14, 0)
        assert main / body > 0.8, (name, sizes)  # the text in 13–14 pt (notes and lists smaller)
        assert set(sizes) <= {10, 11, 12, 13, 14}, (name, sizes)


def test_the_word_and_pdf_texts_are_the_same(documents):
    for name, data, pdf in documents:
        word_words, pdf_words = words(docx_text(data)), words(pdf_text(pdf))
        assert word_words - pdf_words == set(), name
        # The PDF only adds page numbers and, in the score table, the charts' labels.
        extra = {w for w in pdf_words - word_words if not w.isdigit()}
        if name == "score_table":
            extra -= {"nd"}
        assert extra == set(), (name, extra)


def test_word_files_are_prepared_in_the_background(decided, client_for):  # noqa: F811
    client = client_for(decided.user("dongda"))
    proposal_ = decided.proposal
    paths = [
        reverse("awards:minutes_docx", args=[decided.meeting.pk]),
        reverse("awards:submission_docx", args=[proposal_.pk]),
        reverse("awards:decision_docx", args=[proposal_.pk]),
    ]
    page = client.get(proposal_.get_absolute_url())
    for path in paths:
        assert path in page.text
        response = download(client, path)
        assert response.status_code == 200
        assert response.content[:2] == b"PK"
        assert '.docx"' in response["Content-Disposition"]
    outsider = client_for(decided.user("ngoai"))
    before = PreparedFile.objects.count()
    for path in paths:
        assert outsider.post(path).status_code == 404
    assert PreparedFile.objects.count() == before


def test_a_signed_agreement_is_never_offered_as_word(decided, client_for):  # noqa: F811
    agreement = Agreement.objects.get(cluster_year=decided.cluster_year)
    assert agreement.status == Agreement.Status.SIGNED
    client = client_for(decided.user("dongda"))
    path = reverse("agreements:document_docx", args=[agreement.pk])
    assert path not in client.get(agreement.get_absolute_url()).text
    assert client.post(path).status_code == 404
    Agreement.objects.filter(pk=agreement.pk).update(status=Agreement.Status.ADOPTED)
    assert path in client.get(agreement.get_absolute_url()).text
    response = download(client, path)
    assert response.status_code == 200 and response.content[:2] == b"PK"
