"""Every results page: status, redirect and database row; 404 to outsiders, 403 to readers."""

import datetime
import io
import re
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEntry
from results import services
from results.models import (
    Assessment,
    Evidence,
    GoodPractice,
    Period,
    PracticeFile,
    RankingSnapshot,
    ResultRules,
    Score,
)
from tests.prepared_support import download
from tests.results.support import PDF_BYTES, accept_all, sheet

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"results:{name}", args=args)


def status(client_for, user, path, method="get", data=None):
    """The status code of one request by `user`."""
    client = client_for(user)
    return getattr(client, method)(path, data or {}).status_code


@pytest.fixture
def period(results):
    return results.open()


# --- opening a review ----------------------------------------------------------------------


def test_the_head_opens_a_review_from_the_cluster_years_results_page(results, client_for):
    client = client_for(results.user("canbo.dongda"))
    page = client.get(url("cluster_year_results", results.cluster_year.pk))
    assert page.status_code == 200
    assert "Open the review" in page.text or "Mở" in page.text
    deadline = (timezone.localtime() + datetime.timedelta(days=10)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        url("period_open", results.cluster_year.pk),
        {"kind": "year_end", "deadline": deadline, "cross_checking": "on", "note": "Hạn nộp"},
    )
    period = Period.objects.get()
    assert response.status_code == 302 and response.url == url("period", period.pk)
    assert period.cross_checking and period.assessments.count() == 6


def test_opening_with_a_past_deadline_shows_the_error(results, client_for):
    client = client_for(results.user("dongda"))
    past = (timezone.localtime() - datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        url("period_open", results.cluster_year.pk), {"kind": "year_end", "deadline": past}
    )
    assert response.status_code == 400
    assert not Period.objects.exists()


@pytest.mark.parametrize(("username", "status"), [("ngoai", 404), ("xem", 403), ("badinh", 403)])
def test_only_the_heads_people_open_a_review(results, client_for, username, status):
    deadline = (timezone.localtime() + datetime.timedelta(days=10)).strftime("%Y-%m-%dT%H:%M")
    response = client_for(results.user(username)).post(
        url("period_open", results.cluster_year.pk), {"kind": "year_end", "deadline": deadline}
    )
    assert response.status_code == status
    assert not Period.objects.exists()


def test_cluster_year_results_page_is_hidden_from_outsiders(results, client_for):
    assert (
        client_for(results.user("ngoai"))
        .get(url("cluster_year_results", results.cluster_year.pk))
        .status_code
        == 404
    )


def test_only_those_who_may_compare_are_offered_the_comparison(results, client_for):
    comparison = url("comparison", results.cluster_year.cluster.parent_id)
    for username, offered in [("badinh", False), ("canbo.dongda", False), ("xem", True)]:
        client = client_for(results.user(username))
        page = client.get(url("cluster_year_results", results.cluster_year.pk))
        assert page.status_code == 200
        assert (comparison in page.text) is offered, username
        assert client.get(comparison).status_code == (200 if offered else 404), username


# --- the results page ----------------------------------------------------------------------


def test_the_results_page_shows_units_sections_progress_and_two_charts(results, period, client_for):
    results.submit(sheet(period, "badinh", results))
    page = client_for(results.user("xem")).get(url("period", period.pk))
    assert page.status_code == 200
    text = page.text
    assert "Ủy ban MTTQ Việt Nam quận Ba Đình" in text
    assert text.count("<svg") == 2
    assert "38" in text  # Ba Đình's total
    assert 'value="1" max="6"' in text  # one of six submitted


def test_the_results_page_is_hidden_from_outsiders(period, results, client_for):
    assert status(client_for, results.user("ngoai"), url("period", period.pk), "get") == 404


def test_the_profile_chart_follows_the_chosen_unit(period, results, client_for):
    badinh = sheet(period, "badinh", results)
    page = client_for(results.user("dongda")).get(url("period", period.pk), {"unit": badinh.pk})
    assert f'id="profile-{badinh.pk}-title"' in page.text


def test_my_sheet_redirects_to_the_users_unit(period, results, client_for):
    response = client_for(results.user("canbo.badinh")).get(url("my_sheet", period.pk))
    assert response.status_code == 302
    assert response.url == url("assessment", sheet(period, "badinh", results).pk)


def test_settings_move_the_deadline(period, results, client_for):
    new = (timezone.localtime() + datetime.timedelta(days=20)).replace(second=0, microsecond=0)
    response = client_for(results.user("dongda")).post(
        url("period_update", period.pk),
        {"version": period.version, "deadline": new.strftime("%Y-%m-%dT%H:%M"), "note": "Gia hạn"},
    )
    assert response.status_code == 302
    period.refresh_from_db()
    assert period.deadline == new and period.note == "Gia hạn"


def test_a_viewer_cannot_change_the_settings(period, results, client_for):
    response = client_for(results.user("xem")).post(
        url("period_update", period.pk), {"version": period.version, "deadline": "2030-01-01T00:00"}
    )
    assert response.status_code == 403


def test_peers_in_rotation(results, client_for):
    period = results.open(cross_checking=True)
    client = client_for(results.user("dongda"))
    assert client.get(url("period", period.pk)).status_code == 200
    response = client.post(url("period_peers", period.pk), {"rotation": "1"})
    assert response.status_code == 302
    assert not period.assessments.filter(peer_reviewer__isnull=True).exists()


def test_locking_from_the_page(results, period, client_for):
    accept_all(results, period)
    client = client_for(results.user("canbo.dongda"))
    response = client.post(url("period_lock", period.pk))
    assert response.status_code == 302
    assert RankingSnapshot.objects.filter(period=period).exists()
    page = client.get(url("period", period.pk))
    assert "SHA-256" in page.text


def test_locking_too_early_says_why(results, period, client_for):
    client = client_for(results.user("dongda"))
    response = client.post(url("period_lock", period.pk), follow=True)
    assert "Ba Đình" in response.text
    assert not RankingSnapshot.objects.exists()


@pytest.mark.parametrize(("username", "status"), [("ngoai", 404), ("xem", 403), ("badinh", 403)])
def test_only_the_heads_people_lock(results, period, client_for, username, status):
    accept_all(results, period)
    assert client_for(results.user(username)).post(url("period_lock", period.pk)).status_code == (
        status
    )
    assert not RankingSnapshot.objects.exists()


# --- the sheet -----------------------------------------------------------------------------


def sheet_post(results, assessment, overrides=None):
    data = {"version": assessment.version}
    for criterion_id, entry in results.entries(overrides).items():
        data[f"value_{criterion_id}"] = entry.get("value", "")
        data[f"score_{criterion_id}"] = entry.get("self_score", "")
        data[f"explanation_{criterion_id}"] = entry.get("explanation", "")
        data[f"links_{criterion_id}"] = entry.get("links", "")
    return data


def test_a_unit_fills_saves_and_submits_its_sheet(results, period, client_for):
    assessment = sheet(period, "badinh", results)
    client = client_for(results.user("canbo.badinh"))
    page = client.get(url("assessment", assessment.pk))
    assert page.status_code == 200 and 'id="sheet"' in page.text
    response = client.post(url("assessment_save", assessment.pk), sheet_post(results, assessment))
    assert response.status_code == 302
    assert Score.objects.get(assessment=assessment, criterion__code="1.2").self_score == Decimal(
        "9.50"
    )
    response = client.post(url("assessment_submit", assessment.pk))
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.SUBMITTED


def test_an_invalid_entry_shows_on_its_field_and_saves_nothing(results, period, client_for):
    assessment = sheet(period, "badinh", results)
    data = sheet_post(results, assessment, {"1.1": {"value": "8", "self_score": "11"}})
    response = client_for(results.user("badinh")).post(url("assessment_save", assessment.pk), data)
    assert response.status_code == 400
    assert "maximum" in response.text or "tối đa" in response.text
    assert not Score.objects.filter(assessment=assessment, achieved__isnull=False).exists()


def test_a_stale_sheet_shows_the_conflict(results, period, client_for):
    assessment = sheet(period, "badinh", results)
    results.fill(assessment)
    data = sheet_post(results, assessment, {"1.1": {"value": "1"}})
    data["version"] = 1
    response = client_for(results.user("badinh")).post(url("assessment_save", assessment.pk), data)
    assert response.status_code == 409
    assert Score.objects.get(assessment=assessment, criterion__code="1.1").achieved == 8


@pytest.mark.parametrize(("username", "status"), [("ngoai", 404), ("xem", 403), ("hoankiem", 403)])
def test_only_the_units_people_fill_its_sheet(results, period, client_for, username, status):
    assessment = sheet(period, "badinh", results)
    response = client_for(results.user(username)).post(
        url("assessment_save", assessment.pk), sheet_post(results, assessment)
    )
    assert response.status_code == status
    assert not Score.objects.filter(assessment=assessment, achieved__isnull=False).exists()
    assert (
        client_for(results.user(username)).post(url("assessment_submit", assessment.pk)).status_code
        == status
    )


def test_another_members_draft_is_not_readable(results, period, client_for):
    assessment = sheet(period, "badinh", results)
    assert (
        status(client_for, results.user("hoankiem"), url("assessment", assessment.pk), "get") == 403
    )
    assert status(client_for, results.user("ngoai"), url("assessment", assessment.pk), "get") == 404
    assert status(client_for, results.user("xem"), url("assessment", assessment.pk), "get") == 200


def test_submitting_after_the_deadline_shows_the_message(results, period, client_for):
    assessment = results.fill(sheet(period, "badinh", results))
    past = timezone.now() - datetime.timedelta(hours=2)
    Period.objects.filter(pk=period.pk).update(deadline=past)
    response = client_for(results.user("badinh")).post(
        url("assessment_submit", assessment.pk), follow=True
    )
    assert "extend" in response.text or "gia hạn" in response.text
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.DRAFT


# --- evidence ------------------------------------------------------------------------------


def test_evidence_is_uploaded_and_served_only_to_readers(results, period, client_for):
    assessment = sheet(period, "badinh", results)
    score = Score.objects.get(assessment=assessment, criterion__code="1.1")
    client = client_for(results.user("badinh"))
    response = client.post(
        url("evidence_upload", score.pk),
        {"file": SimpleUploadedFile("Báo cáo.pdf", PDF_BYTES, "application/pdf")},
    )
    assert response.status_code == 302
    evidence = Evidence.objects.get()
    download = client.get(url("evidence", evidence.pk))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert b"".join(download.streaming_content) == PDF_BYTES
    assert status(client_for, results.user("ngoai"), url("evidence", evidence.pk), "get") == 404
    assert status(client_for, results.user("hoankiem"), url("evidence", evidence.pk), "get") == 403


def test_a_forbidden_evidence_file_is_refused_with_a_message(results, period, client_for):
    score = Score.objects.get(assessment=sheet(period, "badinh", results), criterion__code="1.1")
    response = client_for(results.user("badinh")).post(
        url("evidence_upload", score.pk),
        {"file": SimpleUploadedFile("x.pdf", b"<html>not a pdf</html>")},
        follow=True,
    )
    assert response.status_code == 200
    assert not Evidence.objects.exists()


def test_a_viewer_cannot_upload_or_remove_evidence(results, period, client_for):
    score = Score.objects.get(assessment=sheet(period, "badinh", results), criterion__code="1.1")
    evidence = services.evidence_add(
        actor=results.user("badinh"),
        score=score,
        upload=SimpleUploadedFile("a.pdf", PDF_BYTES),
    )
    client = client_for(results.user("xem"))
    assert (
        client.post(
            url("evidence_upload", score.pk), {"file": SimpleUploadedFile("a.pdf", PDF_BYTES)}
        ).status_code
        == 403
    )
    assert client.post(url("evidence_remove", evidence.pk)).status_code == 403
    response = client_for(results.user("badinh")).post(url("evidence_remove", evidence.pk))
    assert response.status_code == 302
    assert not Evidence.objects.exists()


# --- Excel ---------------------------------------------------------------------------------


def test_the_template_downloads_and_imports_back(results, period, client_for):
    assessment = sheet(period, "badinh", results)
    client = client_for(results.user("badinh"))
    download = client.get(url("assessment_template", assessment.pk))
    assert download.status_code == 200
    wb = openpyxl.load_workbook(io.BytesIO(download.content))
    ws = wb["Tự chấm điểm"]
    for row in ws.iter_rows(min_row=7):
        code = row[0].value
        if code == "1.1":
            row[6].value = 7
        elif code == "2.1":
            row[6].value = "Có"
        elif code == "2.2":
            row[6].value, row[7].value = "Khá", 3
    buffer = io.BytesIO()
    wb.save(buffer)
    response = client.post(
        url("assessment_import", assessment.pk),
        {"version": assessment.version, "file": SimpleUploadedFile("t.xlsx", buffer.getvalue())},
    )
    assert response.status_code == 302
    scores = {s.criterion.code: s for s in assessment.scores.select_related("criterion")}
    assert scores["1.1"].self_score == 7 and scores["2.2"].self_score == 3
    assert scores["2.1"].achieved == 1


def test_a_bad_workbook_shows_cell_errors(results, period, client_for):
    assessment = sheet(period, "badinh", results)
    response = client_for(results.user("badinh")).post(
        url("assessment_import", assessment.pk),
        {"version": assessment.version, "file": SimpleUploadedFile("t.xlsx", b"PK\x03\x04junk")},
    )
    assert response.status_code == 400
    assert 'id="import-errors"' in response.text


def test_viewers_cannot_download_a_template_or_import(results, period, client_for):
    assessment = sheet(period, "badinh", results)
    client = client_for(results.user("xem"))
    assert client.get(url("assessment_template", assessment.pk)).status_code == 403
    assert client.post(url("assessment_import", assessment.pk), {}).status_code == 403


# --- score table ---------------------------------------------------------------------------


def test_the_score_table_downloads_as_excel(results, period, client_for):
    accept_all(results, period)
    services.period_lock(actor=results.user("dongda"), period=period)
    response = download(client_for(results.user("xem")), url("score_table_xlsx", period.pk))
    assert response.status_code == 200
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    ws = wb["Bảng điểm"]
    assert ws["B6"].value == "Đơn vị"
    assert ws["B7"].value.startswith("Ủy ban MTTQ")
    assert (
        status(client_for, results.user("ngoai"), url("score_table_xlsx", period.pk), "post") == 404
    )


def test_the_score_table_downloads_as_a_pdf(results, period, client_for):
    accept_all(results, period)
    services.period_lock(actor=results.user("dongda"), period=period)
    response = download(client_for(results.user("dongda")), url("score_table_pdf", period.pk))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF-")
    assert (
        status(client_for, results.user("ngoai"), url("score_table_pdf", period.pk), "post") == 404
    )


# --- review --------------------------------------------------------------------------------


def test_the_head_adjusts_returns_and_accepts(results, period, client_for):
    assessment = results.submit(sheet(period, "badinh", results))
    client = client_for(results.user("canbo.dongda"))
    page = client.get(url("assessment", assessment.pk))
    assert 'id="review"' in page.text
    score = Score.objects.get(assessment=assessment, criterion__code="1.1")
    response = client.post(
        url("score_adjust", score.pk), {"reviewed_score": "6", "reason": "Thiếu 2 biên bản"}
    )
    assert response.status_code == 302
    score.refresh_from_db()
    assert score.reviewed_score == 6
    response = client.post(url("assessment_return", assessment.pk), {"comment": "Bổ sung"})
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.RETURNED
    results.fill(assessment)
    services.assessment_submit(actor=results.user("badinh"), assessment=assessment)
    response = client.post(url("assessment_accept", assessment.pk))
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.ACCEPTED
    actions = set(AuditEntry.objects.for_object(assessment).values_list("action", flat=True))
    assert {"score.adjust", "assessment.return", "assessment.accept"} <= actions


def test_a_reviewer_types_the_adjusted_score_with_a_decimal_comma(results, period, client_for):
    assessment = results.submit(sheet(period, "badinh", results))
    client = client_for(results.user("canbo.dongda"))
    score = Score.objects.get(assessment=assessment, criterion__code="1.1")
    page = client.get(url("assessment", assessment.pk)).text
    field = re.search(rf'<input[^>]*id="adjust-{score.pk}"[^>]*>', page)[0]
    assert 'type="text"' in field and 'inputmode="decimal"' in field and "pattern=" in field
    response = client.post(
        url("score_adjust", score.pk), {"reviewed_score": "1.234,5", "reason": "Thiếu"}, follow=True
    )
    assert "hàng nghìn" in response.text
    score.refresh_from_db()
    assert score.reviewed_score is None
    client.post(url("score_adjust", score.pk), {"reviewed_score": "6,5", "reason": "Thiếu"})
    score.refresh_from_db()
    assert score.reviewed_score == Decimal("6.5")


def test_a_unit_cannot_review_its_own_sheet(results, period, client_for):
    assessment = results.submit(sheet(period, "dongda", results))
    client = client_for(results.user("canbo.dongda"))
    assert client.post(url("assessment_accept", assessment.pk)).status_code == 403
    assert (
        client_for(results.user("hoankiem"))
        .post(url("assessment_accept", assessment.pk))
        .status_code
        == 302
    )  # the deputy reviews the head's sheet


@pytest.mark.parametrize(("username", "status"), [("ngoai", 404), ("xem", 403), ("longbien", 403)])
def test_others_cannot_review(results, period, client_for, username, status):
    assessment = results.submit(sheet(period, "badinh", results))
    score = Score.objects.get(assessment=assessment, criterion__code="1.1")
    client = client_for(results.user(username))
    assert client.post(url("assessment_accept", assessment.pk)).status_code == status
    assert (
        client.post(
            url("score_adjust", score.pk), {"reviewed_score": "1", "reason": "x"}
        ).status_code
        == status
    )
    assert client.post(url("assessment_return", assessment.pk), {"comment": "x"}).status_code == (
        status
    )
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.SUBMITTED


def test_an_assigned_peer_reviews_with_cross_checking(results, client_for):
    period = results.open(cross_checking=True)
    assessment = results.submit(sheet(period, "badinh", results))
    services.period_assign_peers(
        actor=results.user("dongda"),
        period=period,
        assignments={assessment.pk: results.unit("longbien").pk},
    )
    response = client_for(results.user("longbien")).post(url("assessment_accept", assessment.pk))
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.ACCEPTED


def test_reopening_an_accepted_sheet(results, period, client_for):
    assessment = results.submit(sheet(period, "badinh", results))
    services.assessment_accept(actor=results.user("dongda"), assessment=assessment)
    response = client_for(results.user("dongda")).post(
        url("assessment_reopen", assessment.pk), {"reason": "Phát hiện sai sót"}
    )
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.SUBMITTED


# --- comparison and rules ------------------------------------------------------------------


def test_the_parent_compares_its_clusters(results, period, client_for):
    results.fill(sheet(period, "badinh", results))
    page = client_for(results.user("bantt")).get(url("comparison", results.parent.pk))
    assert page.status_code == 200
    assert "Cụm thi đua số 1" in page.text and "Ba Đình" in page.text
    page = client_for(results.user("xem")).get(
        url("comparison", results.parent.pk), {"q": "ba dinh", "year": 2020, "kind": "year_end"}
    )
    assert page.status_code == 200
    assert "quận Ba Đình" in page.text and "quận Long Biên" not in page.text


def test_the_comparison_filters_by_cluster_and_rating(results, period, client_for):
    accept_all(results, period, {"Hoàng Mai": {"1.1": {"value": "0"}, "3.1": {"value": "0"}}})
    services.period_lock(actor=results.user("dongda"), period=period)
    client = client_for(results.user("bantt"))
    url_ = url("comparison", results.parent.pk)
    page = client.get(url_, {"year": 2020, "kind": "year_end", "rating": "Hoàn thành nhiệm vụ"})
    assert [row.name for row in page.context["page_obj"]] == ["Ủy ban MTTQ Việt Nam quận Hoàng Mai"]
    summary = page.context["summaries"][0]
    assert summary.locked and len(summary.leaders) == 5 and summary.units == 6
    page = client.get(url_, {"year": 2020, "kind": "year_end", "cluster": 999999})
    assert page.context["page_obj"].paginator.count == 6  # an unknown cluster is ignored
    page = client.get(url_, {"year": 2020, "kind": "mid_year"})
    assert page.context["page_obj"].paginator.count == 0


@pytest.mark.parametrize("username", ["ngoai", "badinh"])
def test_the_comparison_is_hidden_from_others(results, client_for, username):
    response = client_for(results.user(username)).get(url("comparison", results.parent.pk))
    assert response.status_code == 404


def test_parent_staff_set_the_rules(results, client_for):
    client = client_for(results.user("bantt"))
    assert client.get(url("rules", results.parent.pk, 2020)).status_code == 200
    data = {
        "evidence_max_mb": 8,
        "key_0": "total",
        "key_1": "fewer_penalty",
        "label_0": "Xuất sắc",
        "min_0": "95",
        "label_1": "Tốt",
        "min_1": "80",
        "label_2": "Chưa đạt",
        "min_2": "0",
    }
    response = client.post(url("rules", results.parent.pk, 2020), data)
    assert response.status_code == 302
    rules = ResultRules.objects.get(parent=results.parent, year=2020)
    assert rules.tie_break == ["total", "fewer_penalty"] and rules.evidence_max_mb == 8
    assert [t.label for t in rules.thresholds.order_by("order")] == ["Xuất sắc", "Tốt", "Chưa đạt"]
    data["min_2"] = "10"
    assert client.post(url("rules", results.parent.pk, 2020), data).status_code == 400


def test_viewers_read_but_cannot_set_the_rules(results, client_for):
    assert (
        status(client_for, results.user("xem"), url("rules", results.parent.pk, 2020), "get") == 403
    )
    assert (
        client_for(results.user("ngoai"))
        .post(url("rules", results.parent.pk, 2020), {})
        .status_code
        == 404
    )
    assert not ResultRules.objects.exists()


# --- good practices ------------------------------------------------------------------------


def test_a_unit_shares_a_practice_and_the_head_features_it(results, period, client_for):
    client = client_for(results.user("badinh"))
    bonus = Score.objects.get(assessment=sheet(period, "badinh", results), criterion__code="T.1")
    response = client.post(
        url("practice_new", results.cluster_year.pk),
        {
            "unit": results.unit("badinh").pk,
            "title": "Mô hình “Dân vận khéo” ở khu dân cư",
            "description": "Tổ chức đối thoại hằng tháng.",
            "results": "95% hộ tham gia",
            "criteria": [results.criterion("1.2").pk],
            "bonus_claims": [bonus.pk],
        },
    )
    practice = GoodPractice.objects.get()
    assert response.status_code == 302 and response.url == url("practice", practice.pk)
    assert practice.search_text.startswith("mo hinh")
    assert list(practice.bonus_claims.all()) == [bonus]
    assert client.post(url("practice_publish", practice.pk), {"publish": "1"}).status_code == 302
    response = client.post(
        url("practice_file_upload", practice.pk), {"file": SimpleUploadedFile("a.pdf", PDF_BYTES)}
    )
    assert response.status_code == 302 and PracticeFile.objects.count() == 1
    assert client.post(url("practice_feature", practice.pk)).status_code == 403
    head = client_for(results.user("dongda"))
    assert head.post(url("practice_feature", practice.pk), {"featured": "1"}).status_code == 302
    practice.refresh_from_db()
    assert practice.featured
    found = head.get(url("practices"), {"q": "dan van kheo"})
    assert "Dân vận khéo" in found.text
    other = client_for(results.user("ngoai"))
    assert other.get(url("practice", practice.pk)).status_code == 404
    assert "Dân vận khéo" not in other.get(url("practices"), {"q": "dan van"}).text


def test_a_practice_can_only_be_edited_by_its_unit(results, client_for):
    practice = services.practice_create(
        actor=results.user("badinh"),
        cluster_year=results.cluster_year,
        unit=results.unit("badinh"),
        title="Cách làm hay",
        description="Mô tả",
    )
    services.practice_publish(actor=results.user("badinh"), practice=practice)
    assert status(client_for, results.user("hoankiem"), url("practice", practice.pk), "get") == 200
    assert (
        client_for(results.user("hoankiem"))
        .post(url("practice_edit", practice.pk), {"title": "x", "description": "y"})
        .status_code
        == 403
    )
    assert (
        status(client_for, results.user("xem"), url("practice_publish", practice.pk), "post") == 403
    )
    response = client_for(results.user("canbo.badinh")).post(
        url("practice_edit", practice.pk),
        {"version": practice.version, "title": "Cách làm hay mới", "description": "Mô tả"},
    )
    assert response.status_code == 302
    practice.refresh_from_db()
    assert practice.title == "Cách làm hay mới" and "cach lam hay moi" in practice.search_text


def test_a_draft_practice_is_seen_only_by_its_unit_and_the_parent(results, client_for):
    practice = services.practice_create(
        actor=results.user("badinh"),
        cluster_year=results.cluster_year,
        unit=results.unit("badinh"),
        title="Bản nháp",
        description="Mô tả",
    )
    assert status(client_for, results.user("hoankiem"), url("practice", practice.pk), "get") == 404
    assert status(client_for, results.user("xem"), url("practice", practice.pk), "get") == 200
    assert (
        status(client_for, results.user("canbo.badinh"), url("practice", practice.pk), "get") == 200
    )
