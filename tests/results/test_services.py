"""Periods, self-assessment, review, return, lock — and every refusal, with nothing half-saved."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from agreements.models import Agreement, Section
from core.errors import ConflictError, DomainError
from core.models import AuditEntry
from results import access, selectors, services
from results.models import Assessment, Evidence, Period, RankingEntry, RankingSnapshot, Score
from tests.results.support import MAX_POINTS, PDF_BYTES, accept_all, build_agreement, sheet

pytestmark = pytest.mark.django_db


# --- opening a review ----------------------------------------------------------------------


def test_opening_a_review_creates_a_sheet_per_member_and_announces_it(
    results, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        period = results.open()
    assert period.agreement == results.agreement
    assert period.assessments.count() == 6
    assert Score.objects.filter(assessment__period=period).count() == 6 * 7
    assert all(a.status == Assessment.Status.DRAFT for a in period.assessments.all())
    recipients = {address for message in mail.outbox for address in message.to}
    assert "mttq.badinh@demo.thidua.invalid" in recipients
    assert "badinh@demo.thidua.invalid" in recipients
    assert AuditEntry.objects.for_object(period).filter(action="period.open").exists()


def test_a_review_needs_an_agreement_whose_signing_is_over(world):
    build_agreement(world.cluster_year, status=Agreement.Status.SIGNING)
    with pytest.raises(DomainError, match="agreement|giao ước"):
        services.period_open(
            actor=world.user("dongda"),
            cluster_year=world.cluster_year,
            kind=Period.Kind.YEAR_END,
            deadline=timezone.now() + datetime.timedelta(days=3),
        )
    assert not Period.objects.exists()


def test_a_closed_signing_is_enough(world):
    from agreements.signing.models import SigningClosure

    agreement = build_agreement(world.cluster_year, status=Agreement.Status.SIGNING)
    assert selectors.results_agreement(world.cluster_year) is None
    SigningClosure.objects.create(
        agreement=agreement, reason="Đơn vị sáp nhập", closed_by=world.user("bantt"),
        closed_at=timezone.now(),
    )  # fmt: skip
    assert selectors.results_agreement(world.cluster_year) == agreement


def _new_unit(world, short_name):
    from clusters import services as cluster_services

    return cluster_services.unit_create(
        actor=world.admin,
        name=f"Ủy ban MTTQ Việt Nam phường {short_name}",
        short_name=short_name,
        level=world.unit("badinh").level,
        parent=world.unit("badinh").parent,
        place_name="Hà Nội",
        header_lines=f"ỦY BAN MTTQ VIỆT NAM\nPHƯỜNG {short_name.upper()}",
    )


def test_a_unit_that_joins_during_an_open_review_gets_its_sheet(results, world):
    from clusters import services as cluster_services

    period = results.open()
    newcomer = _new_unit(world, "Thành Công")
    cluster_services.membership_add(
        actor=world.user("bantt"), cluster_year=world.cluster_year, unit=newcomer
    )
    sheet = period.assessments.get(unit=newcomer)
    assert sheet.status == Assessment.Status.DRAFT and sheet.unit_name == newcomer.name
    assert sheet.scores.count() == 7
    assert AuditEntry.objects.for_object(sheet).filter(action="assessment.create").exists()


def test_a_successor_carries_on_its_predecessor_sheet(results, world):
    from clusters import services as cluster_services
    from clusters.models import Succession

    period = results.open()
    longbien = world.unit("longbien")
    filled = results.fill(sheet(period, "longbien", world))
    successor = _new_unit(world, "Bồ Đề")
    cluster_services.succession_record(
        actor=world.admin,
        predecessor=longbien,
        successor=successor,
        kind=Succession.Kind.RENAME,
        effective_date=datetime.date(world.cluster_year.year, 7, 1),
    )
    carried = period.assessments.get(pk=filled.pk)
    assert carried.unit == successor and carried.unit_name == successor.name
    assert carried.version == filled.version + 1
    assert not period.assessments.filter(unit=longbien).exists()
    assert period.assessments.count() == 6
    # The entries made before the succession stay on the sheet the successor carries on.
    blank = {"achieved__isnull": True, "achieved_text": "", "occurrences__isnull": True}
    assert carried.scores.exclude(**blank).count() == 7
    assert AuditEntry.objects.for_object(carried).filter(action="assessment.transfer").exists()


def test_a_locked_review_gives_no_sheet_to_a_newcomer(results, world):
    from clusters import services as cluster_services

    period = results.open()
    Period.objects.filter(pk=period.pk).update(status=Period.Status.LOCKED)
    newcomer = _new_unit(world, "Thành Công")
    cluster_services.membership_add(
        actor=world.user("bantt"), cluster_year=world.cluster_year, unit=newcomer
    )
    assert not period.assessments.filter(unit=newcomer).exists()


def test_the_same_review_cannot_open_twice_and_the_deadline_must_be_ahead(results):
    results.open()
    with pytest.raises(DomainError) as excinfo:
        results.open()
    assert "kind" in excinfo.value.message_dict
    with pytest.raises(DomainError) as excinfo:
        results.open(Period.Kind.MID_YEAR, days=-1)
    assert "deadline" in excinfo.value.message_dict
    assert Period.objects.count() == 1


# --- filling and submitting ----------------------------------------------------------------


def test_a_blank_self_score_takes_the_rules_suggestion(results):
    period = results.open()
    assessment = results.fill(sheet(period, "badinh", results))
    scores = {s.criterion.code: s.self_score for s in assessment.scores.select_related("criterion")}
    assert scores == {
        "1.1": Decimal("8.00"),
        "1.2": Decimal("9.50"),
        "2.1": Decimal("5.00"),
        "2.2": Decimal("4.00"),
        "3.1": Decimal("10.00"),
        "T.1": Decimal("2.00"),
        "TR.1": Decimal("-0.50"),
    }
    totals = selectors.totals_for([assessment.pk])[assessment.pk]
    assert (totals.normal, totals.bonus, totals.penalty, totals.total) == (
        Decimal("36.5"),
        Decimal("2"),
        Decimal("0.5"),
        Decimal("38"),
    )


@pytest.mark.parametrize(
    ("code", "entry", "field"),
    [
        ("1.1", {"value": "8", "self_score": "10.5"}, "self_score"),  # over the maximum
        ("T.1", {"value": "9", "self_score": "4"}, "self_score"),  # bonus over its cap
        ("TR.1", {"value": "9", "self_score": "-3"}, "self_score"),  # beyond the penalty cap
        ("TR.1", {"value": "1", "self_score": "0.5"}, "self_score"),  # a penalty that adds
        ("1.1", {"value": "tám"}, "value"),  # not a number
        ("1.1", {"value": "-2"}, "value"),  # negative
        ("2.1", {"value": "2"}, "value"),  # yes/no given a number
        ("TR.1", {"value": "1.5"}, "value"),  # half an occurrence
        ("1.1", {"value": "8", "self_score": "NaN"}, "self_score"),
        ("1.1", {"value": "8", "links": "javascript:alert(1)"}, "links"),
    ],
)
def test_bad_values_are_refused_and_nothing_is_saved(results, code, entry, field):
    period = results.open()
    assessment = sheet(period, "badinh", results)
    with pytest.raises(services.SheetError) as excinfo:
        services.assessment_save(
            actor=results.user("badinh"),
            assessment=assessment,
            expected_version=assessment.version,
            entries=results.entries({code: entry}),
        )
    assert (results.criterion(code).pk, field) in excinfo.value.entries
    assert not Score.objects.filter(assessment=assessment, self_score__isnull=False).exists()
    assessment.refresh_from_db()
    assert assessment.version == 1


def test_a_stale_sheet_gets_the_conflict_message(results):
    period = results.open()
    assessment = sheet(period, "badinh", results)
    results.fill(assessment)
    with pytest.raises(ConflictError):
        services.assessment_save(
            actor=results.user("canbo.badinh"),
            assessment=assessment,
            expected_version=1,
            entries=results.entries({"1.1": {"value": "1"}}),
        )
    assert Score.objects.get(assessment=assessment, criterion__code="1.1").achieved == 8


def test_another_agreements_criterion_is_refused(results):
    period = results.open()
    other = build_agreement(results.other_cluster_year)
    foreign = other.sections.first().criteria.first()
    assessment = sheet(period, "badinh", results)
    with pytest.raises(services.SheetError):
        services.assessment_save(
            actor=results.user("badinh"),
            assessment=assessment,
            expected_version=assessment.version,
            entries={**results.entries(), foreign.pk: {"value": "1"}},
        )
    assert not Score.objects.filter(assessment=assessment, achieved__isnull=False).exists()


def test_submitting_an_incomplete_sheet_is_refused(results):
    period = results.open()
    assessment = sheet(period, "badinh", results)
    results.fill(assessment, overrides={"2.2": {"value": ""}})
    with pytest.raises(DomainError, match="2.2"):
        services.assessment_submit(actor=results.user("badinh"), assessment=assessment)
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.DRAFT


def test_submitting_after_the_deadline_is_refused(results):
    period = results.open()
    assessment = results.fill(sheet(period, "badinh", results))
    past = timezone.now() - datetime.timedelta(hours=1)
    Period.objects.filter(pk=period.pk).update(deadline=past)
    with pytest.raises(DomainError, match="deadline|hạn"):
        services.assessment_submit(actor=results.user("badinh"), assessment=assessment)
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.DRAFT


def test_a_submitted_sheet_is_locked_for_the_unit(results):
    period = results.open()
    assessment = results.submit(sheet(period, "badinh", results))
    assert assessment.status == Assessment.Status.SUBMITTED
    with pytest.raises(DomainError):
        results.fill(assessment, overrides={"1.1": {"value": "1"}})
    assert Score.objects.get(assessment=assessment, criterion__code="1.1").achieved == 8


# --- evidence ------------------------------------------------------------------------------


def test_evidence_of_the_right_type_is_kept(results):
    period = results.open()
    score = Score.objects.get(assessment=sheet(period, "badinh", results), criterion__code="1.1")
    evidence = services.evidence_add(
        actor=results.user("badinh"),
        score=score,
        upload=SimpleUploadedFile("báo cáo.pdf", PDF_BYTES, "application/pdf"),
    )
    assert evidence.original_name == "báo cáo.pdf"
    assert evidence.file.name.startswith("evidence/") and "báo" not in evidence.file.name


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("script.exe", b"MZ\x90\x00" + b"\x00" * 100),
        ("fake.pdf", b"<html><script>alert(1)</script></html>"),
    ],
)
def test_evidence_of_a_forbidden_type_is_refused(results, name, content):
    period = results.open()
    score = Score.objects.get(assessment=sheet(period, "badinh", results), criterion__code="1.1")
    with pytest.raises(DomainError) as excinfo:
        services.evidence_add(
            actor=results.user("badinh"), score=score, upload=SimpleUploadedFile(name, content)
        )
    assert "file" in excinfo.value.message_dict
    assert not Evidence.objects.exists()


def test_evidence_over_the_configured_size_is_refused(results):
    services.result_rules_save(
        actor=results.user("bantt"),
        parent=results.parent,
        year=2020,
        tie_break=["total", "bonus", "fewer_penalty"],
        thresholds=[("Xuất sắc", 90), ("Không đạt", 0)],
        evidence_max_mb=1,
    )
    period = results.open()
    score = Score.objects.get(assessment=sheet(period, "badinh", results), criterion__code="1.1")
    big = PDF_BYTES + b"0" * (1024 * 1024)
    with pytest.raises(DomainError, match="MB"):
        services.evidence_add(
            actor=results.user("badinh"), score=score, upload=SimpleUploadedFile("big.pdf", big)
        )
    assert not Evidence.objects.exists()


# --- review --------------------------------------------------------------------------------


def test_adjusting_needs_a_reason_and_respects_the_caps(results):
    period = results.open()
    assessment = results.submit(sheet(period, "badinh", results))
    score = Score.objects.get(assessment=assessment, criterion__code="T.1")
    reviewer = results.user("canbo.dongda")
    with pytest.raises(DomainError) as excinfo:
        services.score_adjust(actor=reviewer, score=score, reviewed_score="1", reason="")
    assert "reason" in excinfo.value.message_dict
    with pytest.raises(DomainError) as excinfo:
        services.score_adjust(actor=reviewer, score=score, reviewed_score="3.5", reason="x")
    assert "reviewed_score" in excinfo.value.message_dict
    services.score_adjust(
        actor=reviewer, score=score, reviewed_score="1", reason="Chỉ một mô hình có minh chứng"
    )
    score.refresh_from_db()
    assert score.final_score == Decimal("1.00") and score.self_score == Decimal("2.00")
    entry = AuditEntry.objects.for_object(assessment).get(action="score.adjust")
    assert entry.before["score"] == "2.00" and entry.after["score"] == "1.00"
    assert entry.reason == "Chỉ một mô hình có minh chứng"
    assert entry.actor == reviewer


def test_return_fix_and_resubmit(results, django_capture_on_commit_callbacks):
    period = results.open()
    assessment = results.submit(sheet(period, "badinh", results))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.assessment_return(
            actor=results.user("canbo.dongda"),
            assessment=assessment,
            comment="Bổ sung minh chứng tiêu chí 1.1",
        )
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.RETURNED
    assert any("badinh@demo.thidua.invalid" in m.to for m in mail.outbox)
    assert any("Bổ sung minh chứng" in m.body for m in mail.outbox)
    # After the deadline a returned sheet can still be fixed and resubmitted.
    Period.objects.filter(pk=period.pk).update(deadline=timezone.now() - datetime.timedelta(days=1))
    results.fill(assessment, overrides={"1.1": {"value": "9"}})
    services.assessment_submit(actor=results.user("badinh"), assessment=assessment)
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.SUBMITTED


def test_only_a_submitted_sheet_can_be_reviewed(results):
    period = results.open()
    assessment = sheet(period, "badinh", results)
    with pytest.raises(DomainError):
        services.assessment_accept(actor=results.user("canbo.dongda"), assessment=assessment)
    with pytest.raises(DomainError):
        services.assessment_return(
            actor=results.user("canbo.dongda"), assessment=assessment, comment="x"
        )


def test_peers_are_assigned_only_with_cross_checking_and_never_to_themselves(results):
    period = results.open()
    badinh = sheet(period, "badinh", results)
    with pytest.raises(DomainError, match="cross-checking|chấm chéo"):
        services.period_assign_peers(
            actor=results.user("dongda"),
            period=period,
            assignments={badinh.pk: results.unit("hoankiem").pk},
        )
    services.period_update(
        actor=results.user("dongda"),
        period=period,
        expected_version=period.version,
        deadline=period.deadline,
        cross_checking=True,
    )
    with pytest.raises(DomainError):
        services.period_assign_peers(
            actor=results.user("dongda"),
            period=period,
            assignments={badinh.pk: results.unit("badinh").pk},
        )
    period.refresh_from_db()
    assert (
        services.period_assign_peers(
            actor=results.user("dongda"), period=period, assignments=services.rotation(period)
        )
        == 6
    )
    sheets = period.assessments.all()
    assert all(a.peer_reviewer_id and a.peer_reviewer_id != a.unit_id for a in sheets)


# --- locking -------------------------------------------------------------------------------


def test_locking_needs_every_sheet_accepted(results):
    period = results.open()
    with pytest.raises(DomainError, match="Ba Đình"):
        services.period_lock(actor=results.user("dongda"), period=period)
    period.refresh_from_db()
    assert period.status == Period.Status.OPEN
    assert not RankingSnapshot.objects.exists()


def test_locking_ranks_with_the_tie_break_and_rates(results):
    period = results.open()
    accept_all(
        results,
        period,
        {
            # Ba Đình and Long Biên tie on 38 total; Long Biên has more bonus.
            "Long Biên": {"T.1": {"value": "3"}, "TR.1": {"value": "3"}},
            "Hoàng Mai": {"1.1": {"value": "2"}, "3.1": {"value": "0"}},
        },
    )
    ranking = services.period_lock(actor=results.user("dongda"), period=period)
    period.refresh_from_db()
    assert period.status == Period.Status.LOCKED
    assert ranking.max_points == MAX_POINTS
    assert ranking.tie_break == ["total", "bonus", "fewer_penalty"]
    entries = {e.unit.short_name: e for e in ranking.entries.select_related("unit")}
    assert entries["Long Biên"].total == entries["Ba Đình"].total == Decimal("38")
    assert entries["Long Biên"].rank == 1 and entries["Long Biên"].decided_by == "bonus"
    assert entries["Ba Đình"].rank == 2
    assert entries["Hai Bà Trưng"].rank == 2  # equal on every key: the same rank
    assert entries["Hoàng Mai"].rank == 6
    assert entries["Long Biên"].rating == "Hoàn thành xuất sắc nhiệm vụ"  # 95%
    assert entries["Hoàng Mai"].total == Decimal("22") and entries["Hoàng Mai"].percent == 55
    assert entries["Hoàng Mai"].rating == "Hoàn thành nhiệm vụ"


def test_nothing_changes_after_locking(results):
    period = results.open()
    accept_all(results, period)
    services.period_lock(actor=results.user("dongda"), period=period)
    assessment = sheet(period, "badinh", results)
    score = assessment.scores.first()
    with pytest.raises(DomainError, match="locked|khóa"):
        results.fill(assessment)
    with pytest.raises(DomainError, match="locked|khóa"):
        services.score_adjust(
            actor=results.user("canbo.dongda"), score=score, reviewed_score="0", reason="x"
        )
    with pytest.raises(DomainError):
        services.period_lock(actor=results.user("dongda"), period=period)
    entry = RankingEntry.objects.first()
    with pytest.raises(TypeError):
        entry.save()
    with pytest.raises(TypeError):
        RankingEntry.objects.update(total=0)
    with pytest.raises(TypeError):
        RankingSnapshot.objects.all().delete()


def test_rules_change_after_locking_does_not_change_the_snapshot(results):
    period = results.open()
    accept_all(results, period)
    services.period_lock(actor=results.user("dongda"), period=period)
    services.result_rules_save(
        actor=results.user("bantt"),
        parent=results.parent,
        year=2020,
        tie_break=["total"],
        thresholds=[("Xuất sắc", 99), ("Khác", 0)],
        evidence_max_mb=5,
    )
    period.refresh_from_db()
    live = selectors.period_results(period)
    assert {row.rating for row in live.rows} == {"Hoàn thành xuất sắc nhiệm vụ"}


@pytest.mark.parametrize(
    ("tie_break", "thresholds", "field"),
    [
        (["bonus", "total"], [("A", 0)], "tie_break"),
        (["total", "total"], [("A", 0)], "tie_break"),
        (["total", "luck"], [("A", 0)], "tie_break"),
        (["total"], [("A", 50), ("B", 60), ("C", 0)], "thresholds"),
        (["total"], [("A", 50)], "thresholds"),
        (["total"], [("A", 150), ("B", 0)], "thresholds"),
        (["total"], [("", 50), ("B", 0)], "thresholds"),
    ],
)
def test_bad_result_rules_are_refused(world, tie_break, thresholds, field):
    with pytest.raises(DomainError) as excinfo:
        services.result_rules_save(
            actor=world.user("bantt"),
            parent=world.parent,
            year=2020,
            tie_break=tie_break,
            thresholds=thresholds,
            evidence_max_mb=10,
        )
    assert field in excinfo.value.message_dict


def _as_shown(results):
    return (
        [(s.pk, s.version, s.order, s.heading, s.text) for s in results.sections],
        [str(m) for m in results.section_max],
        str(results.max_points),
        (
            results.rules.tie_break,
            [(label, str(minimum)) for label, minimum in results.rules.thresholds],
            results.rules.evidence_max_mb,
            results.rules.saved and results.rules.saved.pk,
        ),
        [(r.assessment.pk, r.rank, r.rating, str(r.percent), r.decided_by) for r in results.rows],
    )


@pytest.mark.parametrize("saved", [False, True])
def test_the_results_page_reads_sections_and_rules_with_the_period_as_on_their_own(results, saved):
    """results.access.get_period(..., for_results=True) reads the sections (one without
    criteria) and the saved rules with the period: period_results gives what it gives when
    it reads them itself."""
    period = results.open()
    accept_all(results, period)
    Section.objects.create(agreement=period.agreement, order=99, heading="", text="Trống")
    if saved:
        services.result_rules_save(
            actor=results.user("bantt"),
            parent=results.parent,
            year=2020,
            tie_break=["total", "bonus", "normal"],
            thresholds=[("Xuất sắc", Decimal("72.5")), ("Tốt", 50), ("Khác", 0)],
            evidence_max_mb=7,
        )
    read_with = access.get_period(results.user("bantt"), period.pk, for_results=True)
    assert hasattr(read_with, "results_sections")
    folded = selectors.period_results(read_with)
    alone = selectors.period_results(Period.objects.get(pk=period.pk))
    assert _as_shown(folded) == _as_shown(alone)
    assert (folded.rules.saved is not None) is saved
    assert _as_shown(folded)[1][-1] == "0"


@pytest.mark.parametrize("cross_checking", [False, True])
def test_sheet_rights_are_what_can_review_and_can_read_say_of_each_sheet(results, cross_checking):
    """results.access.sheet_rights (the results page, every member at once) against the
    rules one sheet at a time, for every user of the world, open and locked."""
    period = results.open(cross_checking=cross_checking)
    if cross_checking:
        services.period_assign_peers(
            actor=results.user("dongda"), period=period, assignments=services.rotation(period)
        )
    for locked in (False, True):
        if locked:
            accept_all(results, period)
            services.period_lock(actor=results.user("dongda"), period=period)
        period = Period.objects.select_related("cluster_year__cluster").get(pk=period.pk)
        access.cluster_access.read_members(period.cluster_year)
        sheets = list(period.assessments.all())
        for sheet_ in sheets:
            sheet_.period = period
        for user in results.world.users.values():
            expected = (
                {a.pk for a in sheets if access.can_review(user, a)},
                {a.pk for a in sheets if access.can_read(user, a)},
            )
            assert access.sheet_rights(user, period, sheets) == expected, user.username
