"""Achievement reports (báo cáo thành tích): prefilled from the unit's data, edited section by
section by the unit, every save kept as a version, locked once the file is sent; rendered as PDF
and Word in the collective template's structure, and put in the proposal ZIP as PDF."""

import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from docx import Document
from docx.shared import Mm

from awards import reports
from awards.models import ReportVersion
from awards.services import proposals
from core.errors import DomainError
from core.text import vn_number
from tests.awards.support import english  # noqa: F401  (autouse: messages in English)
from tests.awards.test_proposal_views import minuted, proposal, with_reports  # noqa: F401
from tests.documents_support import pdf_lines, split_names, world_names
from tests.prepared_support import download

pytestmark = pytest.mark.django_db
HEADINGS = [heading for _key, heading in reports.SECTIONS]
PARTS = [heading for heading, _sections in reports.PARTS]


def url(name, *args):
    return reverse(f"awards:{name}", args=args)


@pytest.fixture
def item(proposal):  # noqa: F811
    return proposal.items.filter(person_name="").order_by("pk").first()


def save(world, item, username="canbo.dongda", **sections):
    item.refresh_from_db()
    return proposals.item_report_save(
        actor=world.user(username), item=item, expected_version=item.version, sections=sections
    )


# --- services ------------------------------------------------------------------------------


def test_the_sections_are_prefilled_from_the_units_results_and_ranking(minuted, item):  # noqa: F811
    sections = reports.sections_of(item)
    assert list(sections) == reports.SECTION_KEYS
    assert item.unit_name in sections["situation"]
    assert minuted.cluster_year.cluster.name in sections["results"]
    assert f"xếp thứ {item.rank} trong cụm" in sections["results"]
    assert f"tổng điểm chấm {vn_number(item.score)} điểm" in sections["results"]
    assert item.reason.strip() in sections["results"]
    assert not item.report_sections  # nothing is saved until the unit saves


def test_every_save_is_kept_as_a_version_with_who_and_when(minuted, item):  # noqa: F811
    save(minuted, item, results="Bản 1", situation="Đặc điểm")
    save(minuted, item, "dongda", results="Bản 2", situation="Đặc điểm")
    item.refresh_from_db()
    assert item.report_sections["results"] == "Bản 2" and item.has_report
    assert reports.sections_of(item)["duties"] == ""  # saved sections, not the draft
    versions = list(item.report_versions.order_by("number"))
    assert [v.number for v in versions] == [2, 3]  # the item's own version numbers
    assert [v.sections["results"] for v in versions] == ["Bản 1", "Bản 2"]
    assert [v.saved_by.username for v in versions] == ["canbo.dongda", "dongda"]
    assert all(v.saved_at and v.saved_by_name for v in versions)


def test_an_empty_or_too_long_report_is_refused_and_nothing_is_saved(minuted, item):  # noqa: F811
    with pytest.raises(DomainError, match="at least one section"):
        save(minuted, item, results="   ")
    with pytest.raises(DomainError):
        save(minuted, item, results="x" * (reports.MAX_SECTION + 1))
    item.refresh_from_db()
    assert item.report_sections == {} and not ReportVersion.objects.exists()


def test_the_report_is_locked_once_the_file_is_sent(minuted, proposal, item):  # noqa: F811
    with_reports(minuted, proposal)
    proposals.proposal_submit(
        actor=minuted.user("dongda"), proposal=proposal, date=datetime.date(2020, 12, 20)
    )
    count = ReportVersion.objects.count()
    with translation.override("vi"), pytest.raises(DomainError) as refused:
        save(minuted, item, results="Sửa sau khi gửi")
    assert "Hồ sơ đã được gửi cơ quan cấp trên" in str(refused.value)
    item.refresh_from_db()
    assert item.report_sections["results"] == "Báo cáo"
    assert ReportVersion.objects.count() == count


# --- views ---------------------------------------------------------------------------------


def test_the_units_officer_edits_the_report_on_its_page(minuted, item, client_for):  # noqa: F811
    client = client_for(minuted.user("canbo.dongda"))
    page = client.get(url("proposal_item", item.pk))
    assert page.status_code == 200
    for heading in HEADINGS:
        assert heading in page.text
    assert f"xếp thứ {item.rank} trong cụm" in page.text  # the prefilled draft in the form
    data = {"version": item.version, **reports.sections_of(item), "duties": "Nhiệm vụ mới"}
    response = client.post(url("proposal_item_report", item.pk), data)
    assert response.status_code == 302
    assert response["Location"] == url("proposal_item", item.pk)
    version = ReportVersion.objects.get(item=item)
    assert version.sections["duties"] == "Nhiệm vụ mới"
    assert version.saved_by == minuted.user("canbo.dongda")
    page = client.get(url("proposal_item", item.pk))
    assert "Version 2, saved by" in page.text


def test_a_stale_form_is_refused_with_a_conflict(minuted, item, client_for):  # noqa: F811
    client = client_for(minuted.user("canbo.dongda"))
    save(minuted, item, results="Bản khác")
    response = client.post(url("proposal_item_report", item.pk), {"version": 1, "results": "Cũ"})
    assert response.status_code == 409
    assert ReportVersion.objects.filter(item=item).count() == 1


def test_readers_read_outsiders_get_404_and_others_403(minuted, proposal, item, client_for):  # noqa: F811
    save(minuted, item, results="Thành tích của đơn vị")
    for username, expected in (("xem", 403), ("bantt", 403), ("ngoai", 404)):
        response = client_for(minuted.user(username)).post(
            url("proposal_item_report", item.pk), {"version": 2, "results": "x"}
        )
        assert response.status_code == expected, username
    outsider = client_for(minuted.user("ngoai"))
    assert outsider.post(url("proposal_item_report_pdf", item.pk)).status_code == 404
    assert outsider.get(url("proposal_item", item.pk)).status_code == 404
    item.refresh_from_db()
    assert item.report_sections["results"] == "Thành tích của đơn vị"
    for other in proposal.items.exclude(pk=item.pk):
        save(minuted, other, results="Báo cáo")
    proposals.proposal_submit(
        actor=minuted.user("dongda"), proposal=proposal, date=datetime.date(2020, 12, 20)
    )
    for username in ("bantt", "canbo.dongda"):  # sent: parent staff and the unit read only
        page = client_for(minuted.user(username)).get(url("proposal_item", item.pk))
        assert page.status_code == 200 and "Thành tích của đơn vị" in page.text
        assert 'id="report-form"' not in page.text


def test_the_item_page_makes_as_many_queries_with_many_versions(minuted, item, client_for):  # noqa: F811
    client = client_for(minuted.user("canbo.dongda"))
    save(minuted, item, results="Bản 1")
    client.get(url("proposal_item", item.pk))  # warm the caches
    with CaptureQueriesContext(connection) as few:
        assert client.get(url("proposal_item", item.pk)).status_code == 200
    for number in range(2, 6):
        save(minuted, item, results=f"Bản {number}")
    with CaptureQueriesContext(connection) as many:
        assert client.get(url("proposal_item", item.pk)).status_code == 200
    assert len(many) == len(few)


# --- the documents -------------------------------------------------------------------------


def test_the_pdf_has_every_section_and_no_split_name(minuted, item, client_for, tmp_path):  # noqa: F811
    sections = {**reports.prefill(item), "duties": f"Đoàn kết nhân dân {item.unit_name}."}
    save(minuted, item, **sections)
    response = download(
        client_for(minuted.user("canbo.dongda")), url("proposal_item_report_pdf", item.pk)
    )
    assert response.content.startswith(b"%PDF-")
    assert "bao-cao-thanh-tich" in response["Content-Disposition"]
    text = pdf_lines(response.content, tmp_path)
    flat = " ".join(text.split())
    assert "BÁO CÁO THÀNH TÍCH ĐỀ NGHỊ TẶNG" in flat and item.award_type.name.upper() in flat
    for heading in PARTS + HEADINGS + ["THỦ TRƯỞNG ĐƠN VỊ", "XÁC NHẬN CỦA CẤP TRÌNH KHEN THƯỞNG"]:
        assert heading in flat, heading
    assert "Đoàn kết nhân dân" in flat
    assert split_names(text, world_names(minuted)) == []
    signed_page = next(page for page in text.split("\f") if "THỦ" in page and "ĐƠN" in page)
    assert "III. CÁC HÌNH THỨC" in signed_page  # the signatures never stand alone on a page


def test_the_word_file_has_the_text_times_new_roman_and_a4(minuted, item, client_for):  # noqa: F811
    save(minuted, item, **reports.prefill(item))
    response = download(
        client_for(minuted.user("canbo.dongda")), url("proposal_item_report_docx", item.pk)
    )
    document = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in document.paragraphs)
    text += "\n".join(c.text for t in document.tables for r in t.rows for c in r.cells)
    text = text.replace("\u00a0", " ")
    for heading in PARTS + HEADINGS:
        assert heading in text, heading
    assert "BÁO CÁO THÀNH TÍCH ĐỀ NGHỊ TẶNG" in text
    section = document.sections[0]
    assert (round(section.page_width / Mm(1)), round(section.page_height / Mm(1))) == (210, 297)
    fonts = {run.font.name for p in document.paragraphs for run in p.runs if run.text.strip()}
    assert fonts == {"Times New Roman"}


def test_the_awards_of_earlier_years_are_prefilled_with_their_decision(minuted, item):  # noqa: F811
    from awards.models import AwardType, Decision, Proposal, ProposalItem
    from clusters.models import ClusterYear

    earlier = ClusterYear.objects.create(cluster=minuted.cluster_year.cluster, year=2019)
    award = AwardType.objects.create(
        parent=minuted.parent, year=2019, form=item.award_type.form, name="Bằng khen năm 2019"
    )
    old = Proposal.objects.create(
        cluster_year=earlier, head=item.unit, head_name=item.unit_name, created_by=None
    )
    ProposalItem.objects.create(
        proposal=old,
        award_type=award,
        unit=item.unit,
        unit_name=item.unit_name,
        reason="x",
        status=ProposalItem.Status.GRANTED,
    )
    Decision.objects.create(
        proposal=old,
        number="12/QĐ-MTTQ",
        date=datetime.date(2020, 1, 15),
        signer_name="A",
        recorded_by=minuted.user("bantt"),
    )
    awards = reports.prefill(item)["awards"]
    assert awards.startswith("- Năm 2019: Bằng khen năm 2019 (Quyết định số 12/QĐ-MTTQ")
    assert "ngày 15/01/2020" in awards
