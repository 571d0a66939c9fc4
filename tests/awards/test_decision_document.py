"""The decision (quyết định khen thưởng) drafted in the official layout from what the parent body
recorded; the signed scan stays attached; the proposal file's archive holds both."""

import datetime
import io
import zipfile

import pytest
from django.urls import reverse

from awards import documents as award_documents
from awards.models import ProposalItem
from core.models import PreparedFile
from tests.awards.test_proposal_services import (  # noqa: F401
    accept_all,
    decide,
    proposal,  # noqa: F401
    sent,
)
from tests.documents_support import pdf_lines, split_names, world_names
from tests.prepared_support import download

pytestmark = pytest.mark.django_db


@pytest.fixture
def decided(voted, sent):  # noqa: F811  (the fixture imported above)
    accept_all(voted, sent)
    granted = [i.pk for i in sent.items.all()][1:]  # the first is not granted
    decision = decide(
        voted, sent, granted=granted, signer_title="Chủ tịch Ủy ban MTTQ Việt Nam thành phố Hà Nội"
    )
    voted.decision = decision
    voted.proposal = sent
    return voted


def test_the_decision_is_drafted_in_the_official_layout(decided, tmp_path):
    decision = decided.decision
    text = pdf_lines(award_documents.decision_pdf(decision), tmp_path)
    flat = " ".join(text.split())
    for expected in (
        "ỦY BAN MTTQ VIỆT NAM THÀNH PHỐ HÀ NỘI BAN THƯỜNG TRỰC",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Số: 125/QĐ-MTTQ-BTT",
        "Hà Nội, ngày 15 tháng 01 năm 2021",
        "QUYẾT ĐỊNH",
        "Về việc khen thưởng các tập thể, cá nhân thuộc Cụm thi đua số 1",
        "BAN THƯỜNG TRỰC ỦY BAN MTTQ VIỆT NAM THÀNH PHỐ HÀ NỘI",
        "Căn cứ Luật Thi đua, Khen thưởng ngày 26 tháng 11 năm 2003",
        "Xét đề nghị của Cụm thi đua số 1 tại Tờ trình số",
        "QUYẾT ĐỊNH:",
        "Điều 1.",
        "Điều 3.",
        "TM. BAN THƯỜNG TRỰC CHỦ TỊCH",
        "Nguyễn Lan Hương",
        "DANH SÁCH TẬP THỂ, CÁ NHÂN ĐƯỢC KHEN THƯỞNG",
        "Kèm theo Quyết định số 125/QĐ-MTTQ-BTT ngày 15/01/2021",
    ):
        assert expected in flat, expected
    items = list(decided.proposal.items.select_related("award_type").order_by("pk"))
    not_granted = items[0]
    assert not_granted.status == ProposalItem.Status.NOT_GRANTED
    granted = [i for i in items if i.status == ProposalItem.Status.GRANTED]
    annex = flat[flat.index("DANH SÁCH TẬP THỂ") :]
    for item in granted:
        assert item.unit_name in annex
    assert annex.count("Ủy ban MTTQ Việt Nam quận") == len(granted)
    assert split_names(text, world_names(decided)) == []


def test_the_law_cited_is_the_one_in_force_on_the_decisions_date(decided, tmp_path):
    decision = decided.decision
    decision.date = datetime.date(2024, 3, 1)
    bases = award_documents.decision_context(decision)["bases"]
    assert bases[0] == "Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022;"


def test_the_drafted_decision_and_the_signed_scan_are_offered(decided, client_for):
    file = decided.proposal
    for username in ("bantt", "dongda", "canbo.badinh"):
        client = client_for(decided.user(username))
        page = client.get(file.get_absolute_url())
        assert reverse("awards:decision_pdf", args=[file.pk]) in page.text
        assert reverse("awards:decision_scan", args=[file.pk]) in page.text
    response = download(
        client_for(decided.user("dongda")), reverse("awards:decision_pdf", args=[file.pk])
    )
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert 'filename="quyet-dinh-khen-thuong-2020-' in response["Content-Disposition"]


def test_outsiders_get_no_decision(decided, client_for):
    before = PreparedFile.objects.count()
    path = reverse("awards:decision_pdf", args=[decided.proposal.pk])
    assert client_for(decided.user("ngoai")).post(path).status_code == 404
    assert PreparedFile.objects.count() == before


def test_an_undecided_file_has_no_decision_document(voted, sent, client_for):  # noqa: F811
    path = reverse("awards:decision_pdf", args=[sent.pk])
    assert client_for(voted.user("bantt")).post(path).status_code == 404


def test_the_archive_holds_the_drafted_decision_and_the_signed_scan(decided, client_for):
    path = reverse("awards:proposal_bundle", args=[decided.proposal.pk])
    response = download(client_for(decided.user("bantt")), path)
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = archive.namelist()
    assert "quyet-dinh.pdf" in names and "quyet-dinh-ban-ky.pdf" in names
    assert archive.read("quyet-dinh.pdf").startswith(b"%PDF")
