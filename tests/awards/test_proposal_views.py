"""The proposal pages: the cluster head builds and sends, parent staff return, accept, decide
and revoke; readers read, outsiders get 404. Also a unit's awards and the parent's summary."""

import datetime
import hashlib
import io
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from awards.models import Decision, Proposal, ProposalItem
from awards.services import proposals
from awards.services import votes as voting
from clusters import services as cluster_services
from clusters.models import Cluster
from core.models import AuditEntry
from tests.awards.support import (
    PDF_BYTES,
    build_catalogue,
    english,  # noqa: F401  (autouse: messages in English)
)
from tests.documents_support import pdf_lines
from tests.prepared_support import download

pytestmark = pytest.mark.django_db
S = Proposal.Status


def url(name, *args):
    return reverse(f"awards:{name}", args=args)


def messages_of(response):
    return [str(m) for m in response.wsgi_request._messages]


@pytest.fixture
def minuted(voted):
    """The voted world with the meeting's minutes issued (the proposal file needs them)."""
    voting.minutes_issue(
        actor=voted.user("dongda"), meeting=voted.meeting, date=datetime.date(2020, 12, 18)
    )
    return voted


@pytest.fixture
def proposal(minuted):
    return proposals.proposal_create(
        actor=minuted.user("dongda"), cluster_year=minuted.cluster_year
    )


def with_reports(world, proposal):
    for item in proposal.items.all():
        proposals.item_report_save(
            actor=world.user("dongda"),
            item=item,
            expected_version=item.version,
            sections={"results": "Báo cáo"},
        )
    return proposal


@pytest.fixture
def sent(minuted, proposal):
    with_reports(minuted, proposal)
    proposals.proposal_submit(
        actor=minuted.user("dongda"), proposal=proposal, date=datetime.date(2020, 12, 20)
    )
    proposal.refresh_from_db()
    return proposal


# --- the cluster head ----------------------------------------------------------------------


def test_the_head_starts_the_file_from_the_awards_page(minuted, client_for):
    client = client_for(minuted.user("canbo.dongda"))
    page = client.get(url("award_overview", minuted.cluster_year.pk))
    assert "Start the proposal file" in page.text
    response = client.post(url("proposal_create", minuted.cluster_year.pk))
    created = Proposal.objects.get()
    assert response.status_code == 302 and response.url == url("proposal", created.pk)
    assert created.items.count() == 4


def test_the_file_page_shows_items_documents_and_history(minuted, proposal, client_for):
    page = client_for(minuted.user("canbo.dongda")).get(url("proposal", proposal.pk))
    assert page.status_code == 200
    for text in (minuted.unit("dongda").name, "01/BB-MTTQ", "Add a nominee", "missing"):
        assert text in page.text


def test_an_unsent_file_stays_with_the_cluster(minuted, proposal, client_for):
    assert client_for(minuted.user("badinh")).get(url("proposal", proposal.pk)).status_code == 200
    assert client_for(minuted.user("xem")).get(url("proposal", proposal.pk)).status_code == 403
    assert client_for(minuted.user("bantt")).get(url("proposal", proposal.pk)).status_code == 403
    assert client_for(minuted.user("ngoai")).get(url("proposal", proposal.pk)).status_code == 404


def test_adding_editing_and_removing_a_nominee(minuted, proposal, client_for):
    client = client_for(minuted.user("canbo.dongda"))
    response = client.post(
        url("proposal_item_add", proposal.pk),
        {
            "award_type": minuted.person.pk,
            "unit": minuted.unit("badinh").pk,
            "person_name": "Lý Thị N",
            "person_title": "Cán bộ",
            "reason": "=HYPERLINK(1) Cán bộ tiêu biểu",
        },
    )
    assert response.status_code == 302
    item = proposal.items.get(person_name="Lý Thị N")
    page = client.get(url("proposal_item", item.pk))
    assert page.status_code == 200 and "Lý Thị N" in page.text
    response = client.post(
        url("proposal_item_update", item.pk),
        {"version": item.version, "reason": "Cán bộ xuất sắc", "person_title": "Chuyên viên"},
    )
    item.refresh_from_db()
    assert response.status_code == 302 and item.person_title == "Chuyên viên"
    stale = client.post(
        url("proposal_item_update", item.pk),
        {"version": 1, "reason": "Bản cũ", "person_title": ""},
    )
    assert stale.status_code == 409
    assert client.post(url("proposal_item_remove", item.pk)).status_code == 302
    assert not ProposalItem.objects.filter(pk=item.pk).exists()


def test_an_ineligible_nominee_is_refused_with_a_message(minuted, proposal, client_for):
    response = client_for(minuted.user("canbo.dongda")).post(
        url("proposal_item_add", proposal.pk),
        {"award_type": minuted.flag.pk, "unit": minuted.unit("hoankiem").pk, "reason": "x"},
    )
    assert response.status_code == 302
    assert any("ranked first" in m for m in messages_of(response))
    assert proposal.items.count() == 4


def test_the_nominees_unit_writes_and_uploads_its_report(minuted, proposal, client_for):
    item = proposal.items.get(unit=minuted.unit("badinh"))
    client = client_for(minuted.user("canbo.badinh"))
    response = client.post(
        url("proposal_item_report", item.pk), {"version": item.version, "results": "Thành tích"}
    )
    item.refresh_from_db()
    assert response.status_code == 302 and item.report_sections["results"] == "Thành tích"
    response = client.post(
        url("proposal_item_file", item.pk), {"file": SimpleUploadedFile("bc.pdf", PDF_BYTES)}
    )
    item.refresh_from_db()
    assert response.status_code == 302 and item.report_file
    other = proposal.items.get(unit=minuted.unit("hoankiem"))
    assert client.post(url("proposal_item_report", other.pk), {"results": "x"}).status_code == 403
    assert client.post(url("proposal_item_update", item.pk), {}).status_code == 403
    download = client_for(minuted.user("dongda")).get(url("proposal_item_file_download", item.pk))
    assert download.status_code == 200 and "attachment" in download["Content-Disposition"]
    assert b"".join(download.streaming_content) == PDF_BYTES


def test_sending_without_reports_is_refused_then_sent(minuted, proposal, client_for):
    client = client_for(minuted.user("canbo.dongda"))
    response = client.post(url("proposal_submit", proposal.pk), {"date": "2020-12-20"})
    assert any("achievement report" in m for m in messages_of(response))
    assert Proposal.objects.get().status == S.TO_SEND
    preview = download(client, url("submission_pdf", proposal.pk))
    assert preview.status_code == 200 and preview.content.startswith(b"%PDF")
    assert "to-trinh-2020" in preview["Content-Disposition"]
    with_reports(minuted, proposal)
    response = client.post(url("proposal_submit", proposal.pk), {"date": "2020-12-20"})
    assert response.status_code == 302 and Proposal.objects.get().status == S.AWAITING_REVIEW
    document = proposal.documents.get()
    pdf = download(client_for(minuted.user("bantt")), url("proposal_document", document.pk))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    outsider = client_for(minuted.user("ngoai"))
    assert outsider.get(url("proposal_document", document.pk)).status_code == 404
    assert outsider.post(url("proposal_document", document.pk)).status_code == 404


# --- the parent body -----------------------------------------------------------------------


def test_parent_staff_return_the_file_with_a_reason(
    minuted, sent, client_for, mailoutbox, django_capture_on_commit_callbacks
):
    page = client_for(minuted.user("bantt")).get(url("proposal", sent.pk))
    assert page.status_code == 200 and "Return to the cluster" in page.text
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(minuted.user("bantt")).post(
            url("proposal_return", sent.pk), {"reason": "Bổ sung báo cáo."}
        )
    sent.refresh_from_db()
    assert response.status_code == 302 and sent.status == S.RETURNED
    assert mailoutbox and "Bổ sung báo cáo." in mailoutbox[0].body


def test_accept_send_to_the_council_decide_and_revoke(
    minuted, sent, client_for, mailoutbox, django_capture_on_commit_callbacks
):
    staff = client_for(minuted.user("bantt"))
    items = list(sent.items.order_by("pk"))
    response = staff.post(url("proposal_accept", sent.pk), {"accepted": [i.pk for i in items]})
    assert response.status_code == 302 and Proposal.objects.get().status == S.ACCEPTED
    assert staff.post(url("proposal_start_decision", sent.pk)).status_code == 302
    assert Proposal.objects.get().status == S.BEING_DECIDED
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(
            url("proposal_decide", sent.pk),
            {
                "number": "125/QĐ-MTTQ-BTT",
                "date": "2021-01-15",
                "signer_name": "Nguyễn Lan Hương",
                "signer_title": "Chủ tịch",
                "granted": [i.pk for i in items],
                "scan": SimpleUploadedFile("qd.pdf", PDF_BYTES),
            },
        )
    assert response.status_code == 302 and Proposal.objects.get().status == S.DECIDED
    assert Decision.objects.get().number == "125/QĐ-MTTQ-BTT"
    assert any("125/QĐ-MTTQ-BTT" in m.subject for m in mailoutbox)
    scan = client_for(minuted.user("hoankiem")).get(url("decision_scan", sent.pk))
    assert scan.status_code == 200 and "attachment" in scan["Content-Disposition"]
    assert b"".join(scan.streaming_content) == PDF_BYTES
    awards_page = client_for(minuted.user("xem")).get(url("unit_awards", minuted.unit("dongda").pk))
    assert awards_page.status_code == 200 and "Cờ thi đua" in awards_page.text
    staff = client_for(minuted.user("bantt"))
    response = staff.post(url("proposal_revoke", sent.pk), {"reason": "Kê khai sai."})
    assert response.status_code == 302 and Proposal.objects.get().status == S.REVOKED


def test_the_parent_notes_each_item_when_it_accepts(minuted, sent, client_for):
    staff = client_for(minuted.user("bantt"))
    first, *others = list(sent.items.order_by("pk"))
    page = staff.get(url("proposal", sent.pk))
    assert f'name="note_{first.pk}"' in page.text
    response = staff.post(
        url("proposal_accept", sent.pk),
        {
            "accepted": [i.pk for i in others],
            f"note_{first.pk}": "Chưa đủ điều kiện: thiếu báo cáo thành tích.",
        },
    )
    assert response.status_code == 302 and Proposal.objects.get().status == S.ACCEPTED
    first.refresh_from_db()
    assert first.status == ProposalItem.Status.NOT_ACCEPTED
    assert first.parent_note == "Chưa đủ điều kiện: thiếu báo cáo thành tích."
    shown = client_for(minuted.user("dongda")).get(url("proposal", sent.pk))
    assert "Chưa đủ điều kiện: thiếu báo cáo thành tích." in shown.text


def test_a_note_too_long_is_refused_and_nothing_is_accepted(minuted, sent, client_for):
    staff = client_for(minuted.user("bantt"))
    first = sent.items.order_by("pk").first()
    response = staff.post(
        url("proposal_accept", sent.pk),
        {"accepted": [first.pk], f"note_{first.pk}": "x" * 5001},
    )
    assert response.status_code == 302 and messages_of(response)
    assert Proposal.objects.get().status == S.AWAITING_REVIEW
    first.refresh_from_db()
    assert first.parent_note == ""


def test_a_decision_on_a_returned_file_is_refused_with_a_message(minuted, sent, client_for):
    staff = client_for(minuted.user("bantt"))
    staff.post(url("proposal_return", sent.pk), {"reason": "Thiếu."})
    response = staff.post(
        url("proposal_decide", sent.pk),
        {
            "number": "1/QĐ",
            "date": "2021-01-15",
            "signer_name": "A",
            "granted": [i.pk for i in sent.items.all()],
            "scan": SimpleUploadedFile("qd.pdf", PDF_BYTES),
        },
    )
    assert response.status_code == 302
    assert any("returned to the cluster" in m for m in messages_of(response))
    assert not Decision.objects.exists() and Proposal.objects.get().status == S.RETURNED


def test_only_parent_staff_review(minuted, sent, client_for):
    posts = [
        url("proposal_return", sent.pk),
        url("proposal_accept", sent.pk),
        url("proposal_start_decision", sent.pk),
        url("proposal_decide", sent.pk),
        url("proposal_revoke", sent.pk),
    ]
    audit = AuditEntry.objects.count()
    for username, expected in (("xem", 403), ("dongda", 403), ("ngoai", 404)):
        client = client_for(minuted.user(username))
        for path in posts:
            assert client.post(path, {"reason": "x"}).status_code == expected, (username, path)
    assert client_for(minuted.user("xem")).get(url("proposal", sent.pk)).status_code == 200
    assert (
        AuditEntry.objects.count() == audit and Proposal.objects.get().status == S.AWAITING_REVIEW
    )


def test_only_the_cluster_head_edits_the_file(minuted, proposal, client_for):
    item = proposal.items.first()
    posts = [
        url("proposal_create", minuted.cluster_year.pk),
        url("proposal_item_add", proposal.pk),
        url("proposal_submit", proposal.pk),
        url("proposal_item_update", item.pk),
        url("proposal_item_remove", item.pk),
    ]
    for username, expected in (("badinh", 403), ("bantt", 403), ("ngoai", 404)):
        client = client_for(minuted.user(username))
        for path in posts:
            assert client.post(path, {}).status_code == expected, (username, path)
    assert proposal.items.count() == 4


# --- the parent's summary and a unit's awards ----------------------------------------------


def test_the_year_summary_and_its_spreadsheet_keep_user_text_as_text(minuted, sent, client_for):
    item = sent.items.first()
    ProposalItem.objects.filter(pk=item.pk).update(reason="=1+1 thành tích")
    client = client_for(minuted.user("xem"))
    page = client.get(url("parent_awards", minuted.parent.pk, 2020))
    assert page.status_code == 200 and minuted.cluster.name in page.text
    response = download(client, url("parent_awards_xlsx", minuted.parent.pk, 2020))
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    summary = book["Tổng hợp"]
    assert summary["B5"].value == minuted.cluster.name
    assert summary["C5"].value == str(S.AWAITING_REVIEW.label)
    detail = book["Danh sách"]
    reasons = [row[9].value for row in detail.iter_rows(min_row=2)]
    assert "=1+1 thành tích" in reasons
    cell = next(row[9] for row in detail.iter_rows(min_row=2) if row[9].value == "=1+1 thành tích")
    assert cell.data_type == "s"
    assert (
        client_for(minuted.user("ngoai"))
        .get(url("parent_awards", minuted.parent.pk, 2020))
        .status_code
        == 404
    )
    assert (
        client_for(minuted.user("dongda"))
        .get(url("parent_awards", minuted.parent.pk, 2020))
        .status_code
        == 404
    )


def test_the_year_summary_query_count_is_flat(
    minuted, sent, client_for, django_assert_max_num_queries
):
    client = client_for(minuted.user("bantt"))
    client.get(url("parent_awards", minuted.parent.pk, 2020))
    with django_assert_max_num_queries(12) as one:
        client.get(url("parent_awards", minuted.parent.pk, 2020))
    for number in range(2, 6):
        cluster = cluster_services.cluster_create(
            actor=minuted.user("bantt"),
            parent=minuted.parent,
            name=f"Cụm thi đua số {number}",
            kind=Cluster.Kind.CLUSTER,
            header_lines=f"ỦY BAN MTTQ VIỆT NAM\nTHÀNH PHỐ HÀ NỘI\nCỤM THI ĐUA SỐ {number}",
        )
        cluster_services.cluster_year_create(
            actor=minuted.user("bantt"), cluster=cluster, year=2020
        )
    with django_assert_max_num_queries(len(one.captured_queries)):
        page = client.get(url("parent_awards", minuted.parent.pk, 2020))
    assert "Cụm thi đua số 5" in page.text


def test_a_units_awards_page(minuted, client_for):
    unit = minuted.unit("dongda")
    assert client_for(minuted.user("dongda")).get(url("unit_awards", unit.pk)).status_code == 200
    assert client_for(minuted.user("ngoai")).get(url("unit_awards", unit.pk)).status_code == 404


def test_a_units_awards_page_query_count_is_flat(
    results, client_for, django_assert_max_num_queries
):
    """One award or one a year for five years: the same queries."""
    from clusters.models import ClusterYear

    world = results.world
    flag = build_catalogue(world)[0]
    unit = world.unit("dongda")

    def award(cluster_year):
        proposal = Proposal.objects.create(
            cluster_year=cluster_year, head=unit, head_name=unit.name, status=S.DECIDED
        )
        ProposalItem.objects.create(
            proposal=proposal,
            award_type=flag,
            unit=unit,
            unit_name=unit.name,
            reason="Dẫn đầu",
            status=ProposalItem.Status.GRANTED,
        )
        Decision.objects.create(
            proposal=proposal,
            number=f"{cluster_year.year}/QĐ",
            date=datetime.date(cluster_year.year + 1, 1, 15),
            signer_name="Nguyễn Lan Hương",
            scan="decisions/demo.pdf",
        )

    award(world.cluster_year)
    client = client_for(world.user("dongda"))
    page = url("unit_awards", unit.pk)
    client.get(page)
    with django_assert_max_num_queries(6) as one:
        client.get(page)
    for year in range(2021, 2025):
        award(ClusterYear.objects.create(cluster=world.cluster, year=year))
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(page)
    assert response.text.count("/QĐ") == 5


def test_the_whole_file_is_prepared_as_one_archive_with_its_table_of_contents(
    minuted, proposal, client_for, tmp_path
):
    with_reports(minuted, proposal)
    proposals.item_report_upload(
        actor=minuted.user("dongda"),
        item=proposal.items.order_by("pk").first(),
        upload=SimpleUploadedFile("bao-cao.pdf", PDF_BYTES, "application/pdf"),
    )
    proposals.proposal_submit(
        actor=minuted.user("dongda"), proposal=proposal, date=datetime.date(2020, 12, 20)
    )
    sent = proposal
    page = client_for(minuted.user("bantt")).get(url("proposal", sent.pk))
    assert url("proposal_bundle", sent.pk) in page.text
    response = download(client_for(minuted.user("bantt")), url("proposal_bundle", sent.pk))
    assert f"ho-so-khen-thuong-2020-{sent.pk}.zip" in response["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = archive.namelist()
    assert names[0] == "muc-luc.txt"
    for name in ("to-trinh.pdf", "bien-ban.pdf", "bang-diem.pdf"):
        assert archive.read(name).startswith(b"%PDF-"), name
    reports = [name for name in names if name.startswith("bao-cao/")]
    assert len(reports) == sent.items.count()
    assert all(name.endswith(".pdf") for name in reports)  # no .txt: written reports as PDF
    bodies = [archive.read(name) for name in reports]
    assert sum(body == PDF_BYTES for body in bodies) == 1  # the uploaded one, as uploaded
    written = [body for body in bodies if body != PDF_BYTES]
    assert all(body.startswith(b"%PDF-") for body in written)
    text = pdf_lines(written[0], tmp_path)
    assert "BÁO CÁO THÀNH TÍCH ĐỀ NGHỊ TẶNG" in text and "III. CÁC HÌNH THỨC" in text
    contents = archive.read("muc-luc.txt").decode()
    assert "Hồ sơ đề nghị khen thưởng năm 2020" in contents and "Tờ trình" in contents
    for name in names[1:]:
        assert hashlib.sha256(archive.read(name)).hexdigest() in contents, name
    outsider = client_for(minuted.user("ngoai"))
    assert outsider.post(url("proposal_bundle", sent.pk)).status_code == 404
