"""Every service of every app writes its audit entry.

The services are discovered by module: the public functions whose parameters are all
keyword-only (`<thing>_<verb>(*, actor, ...)`). SERVICES says which case exercises each one; a
service missing from it fails the first test. Each case runs a piece of the story through the
services on the whole demo world (in a savepoint), while every service function is wrapped to
record its calls: each call must add at least one audit entry, with the acting user. The
clusters services have their own catalogue (tests/core/test_audit.py, on the foundation world).
"""

import datetime
import functools
import importlib
import inspect
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from core.audit_labels import action_label
from core.models import AuditEntry
from demo.drawn import drawn_signature_png
from demo.foundation import DISTRICTS
from tests.core import test_audit as clusters_audit
from tests.trust.support import client_as, pdf_upload, reopen

pytestmark = pytest.mark.django_db

MODULES = [
    "clusters.services",
    "agreements.services",
    "agreements.signing.services",
    "results.services",
    "awards.services.votes",
    "awards.services.proposals",
    "core.otp",
    "agreements.signing.digital.services",
]

CASES_OF = {
    "draft": [
        "agreements.services.agreement_create",
        "agreements.services.template_create",
        "agreements.services.agreement_update",
        "agreements.services.section_add",
        "agreements.services.section_update",
        "agreements.services.section_move",
        "agreements.services.section_remove",
        "agreements.services.criterion_add",
        "agreements.services.criterion_update",
        "agreements.services.criterion_move",
        "agreements.services.criterion_remove",
        "agreements.services.agreement_circulate",
        "agreements.services.comment_add",
        "agreements.services.comment_answer",
        "agreements.services.comment_resolve",
        "agreements.services.agreement_adopt",
        "agreements.services.conference_save",
        "agreements.services.agreement_amend",
    ],
    "signing": [
        "agreements.signing.services.saved_signature_save",
        "agreements.signing.services.saved_signature_delete",
        "agreements.signing.services.signature_sign",
        "agreements.signing.services.signature_decline",
        "agreements.signing.services.signing_remind",
        "agreements.signing.services.paper_signing_withdraw",
        "agreements.signing.services.paper_signing_record",
        "agreements.signing.services.paper_signing_confirm",
        "agreements.signing.services.paper_signing_contest",
        "agreements.signing.services.paper_signing_resolve",
        "agreements.signing.services.signing_close",
        "agreements.signing.services.seal_retry",
        "agreements.signing.services.signatures_void",
    ],
    "results": [
        "results.services.result_rules_save",
        "results.services.period_open",
        "results.services.period_update",
        "results.services.period_assign_peers",
        "results.services.assessment_save",
        "results.services.assessment_import",
        "results.services.evidence_add",
        "results.services.evidence_remove",
        "results.services.assessment_submit",
        "results.services.score_adjust",
        "results.services.assessment_return",
        "results.services.assessment_accept",
        "results.services.assessment_reopen",
        "results.services.period_lock",
        "results.services.practice_create",
        "results.services.practice_update",
        "results.services.practice_publish",
        "results.services.practice_feature",
        "results.services.practice_file_add",
        "results.services.practice_file_remove",
    ],
    "vote": [
        "awards.services.votes.vote_rules_save",
        "awards.services.votes.meeting_create",
        "awards.services.votes.meeting_update",
        "awards.services.votes.attendance_set",
        "awards.services.votes.session_create",
        "awards.services.votes.session_update",
        "awards.services.votes.candidate_add",
        "awards.services.votes.candidate_remove",
        "awards.services.votes.session_open",
        "awards.services.votes.ballot_cast",
        "awards.services.votes.vote_close",
        "awards.services.votes.vote_paper_tally",
        "awards.services.votes.vote_next_round",
        "awards.services.votes.vote_finish",
        "awards.services.votes.vote_decide",
        "awards.services.votes.election_rollover",
        "awards.services.votes.minutes_issue",
    ],
    "proposal": [
        "awards.services.proposals.award_type_create",
        "awards.services.proposals.award_type_update",
        "awards.services.proposals.award_type_remove",
        "awards.services.proposals.catalogue_copy",
        "awards.services.proposals.proposal_deadline_set_all",
        "awards.services.proposals.proposal_deadline_set",
        "awards.services.proposals.proposal_create",
        "awards.services.proposals.proposal_item_add",
        "awards.services.proposals.proposal_item_update",
        "awards.services.proposals.proposal_item_remove",
        "awards.services.proposals.item_report_save",
        "awards.services.proposals.item_report_upload",
        "awards.services.proposals.proposal_submit",
        "awards.services.proposals.proposal_return",
        "awards.services.proposals.proposal_accept",
        "awards.services.proposals.proposal_start_decision",
        "awards.services.proposals.proposal_decide",
        "awards.services.proposals.decision_revoke",
    ],
    "second factor": ["core.otp.totp_device_confirm", "core.otp.totp_device_remove"],
    "digital": [
        f"agreements.signing.digital.services.{name}"
        for name in (
            "certificate_register",
            "certificate_register_remote",
            "certificate_confirm",
            "certificate_refuse",
            "seal_image_register",
            "seal_image_confirm",
            "organisation_key_install",
            "organisation_key_confirm",
            "digital_signing_open",
            "turn_request",
            "turn_cancel",
            "remote_begin",
            "remote_finish",
            "revision_accept",
            "organisation_sign",
        )
    ],
}
# Service (module.function) -> the case that calls it.
SERVICES = {service: case for case, services in CASES_OF.items() for service in services}
SERVICES.update(
    {f"clusters.services.{name}": "tests/core/test_audit.py" for name in clusters_audit.CASES}
)


def discover():
    """{"module.function": function} of every service (public, keyword-only parameters)."""
    found = {}
    for module_name in MODULES:
        module = importlib.import_module(module_name)
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if function.__module__ != module_name or name.startswith("_"):
                continue
            parameters = inspect.signature(inspect.unwrap(function)).parameters.values()
            kinds = {p.kind for p in parameters}
            if kinds and kinds <= {inspect.Parameter.KEYWORD_ONLY, inspect.Parameter.VAR_KEYWORD}:
                found[f"{module_name}.{name}"] = function
    return found


def test_every_service_of_every_app_has_a_case():
    services = discover()
    assert len(services) > 100
    missing = sorted(set(services) - set(SERVICES))
    assert not missing, f"Add a case for these services in {__file__}: {missing}"
    stale = sorted(set(SERVICES) - set(services))
    assert not stale, f"These services no longer exist: {stale}"


@pytest.fixture
def recorder(monkeypatch):
    """Wrap every service: record each call and the audit entries it added."""
    calls = []

    def wrap(name, function):
        @functools.wraps(function)
        def recorded(*args, **kwargs):
            before = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
            result = function(*args, **kwargs)
            entries = list(AuditEntry.objects.filter(pk__gt=before))
            calls.append((name, kwargs.get("actor"), entries))
            return result

        return recorded

    for name, function in discover().items():
        module_name, _dot, attribute = name.rpartition(".")
        monkeypatch.setattr(importlib.import_module(module_name), attribute, wrap(name, function))
    return calls


# --- the cases -----------------------------------------------------------------------------


def _png():
    return drawn_signature_png("Lê Thị C")


def case_draft(w):
    from agreements import services
    from agreements.models import Agreement
    from clusters import services as cluster_services
    from clusters.models import Membership

    head = w.user("canbo.dongda")
    draft = w.draft
    draft = services.agreement_update(
        actor=head,
        agreement=draft,
        expected_version=draft.version,
        title="GIAO ƯỚC THI ĐUA NĂM 2022",
        place="Hà Nội",
        date=datetime.date(2022, 2, 10),
        legal_basis=draft.legal_basis,
        closing=draft.closing,
    )
    section = services.section_add(actor=head, agreement=draft, heading="Mục mới", text="Nội dung")
    section = services.section_update(
        actor=head,
        section=section,
        expected_version=section.version,
        heading="Mục mới (sửa)",
        text="Nội dung đã sửa",
    )
    services.section_move(actor=head, section=section, direction="up")
    criterion = services.criterion_add(
        actor=head,
        section=section,
        code="9.1",
        text="Chỉ tiêu thử",
        measure="number",
        target=Decimal("5"),
        max_points=Decimal("5"),
        rule="proportional",
    )
    services.criterion_add(
        actor=head,
        section=section,
        code="9.2",
        text="Chỉ tiêu hai",
        measure="yes_no",
        rule="all_or_nothing",
        max_points=Decimal("2"),
    )
    criterion.refresh_from_db()
    services.criterion_update(
        actor=head, criterion=criterion, expected_version=criterion.version, text="Chỉ tiêu (sửa)"
    )
    services.criterion_move(actor=head, criterion=criterion, direction="down")
    services.criterion_remove(actor=head, criterion=criterion)
    services.section_remove(actor=head, section=section)
    draft = services.agreement_circulate(actor=head, agreement=draft)
    comment = services.comment_add(
        actor=w.user("canbo.badinh"), agreement=draft, unit=w.unit("badinh"), text="Góp ý"
    )
    services.comment_answer(actor=head, comment=comment, answer="Tiếp thu")
    services.comment_resolve(actor=head, comment=comment)
    draft = services.agreement_adopt(actor=head, agreement=draft)
    services.conference_save(
        actor=head,
        agreement=draft,
        starts_at=timezone.now(),
        venue="Hội trường quận Đống Đa",
        hosts=[w.unit("dongda")],
    )
    services.template_create(actor=w.user("bantt"), parent=w.parent, year=2023)
    services.agreement_amend(
        actor=w.user("hoankiem"), agreement=w.agreement_2021, reason="Bổ sung chỉ tiêu"
    )
    year = cluster_services.cluster_year_create(actor=w.admin, cluster=w.cluster, year=2023)
    cluster_services.membership_add(
        actor=w.admin, cluster_year=year, unit=w.unit("dongda"), role=Membership.Role.HEAD
    )
    year = cluster_services.cluster_year_start(actor=w.admin, cluster_year=year)
    services.agreement_create(actor=head, cluster_year=year, origin=Agreement.Origin.BLANK)


def case_signing(w):
    from agreements.signing import services as signing
    from agreements.signing.models import Seal, Signature

    agreement = w.agreement_2021
    signing.saved_signature_save(actor=w.user("badinh"), image=_png())
    signing.signature_sign(
        actor=w.user("badinh"),
        agreement=agreement,
        unit=w.unit("badinh"),
        method=Signature.Method.SAVED,
        content_hash=agreement.content_hash,
    )
    signing.saved_signature_delete(actor=w.user("badinh"))
    signing.signature_decline(
        actor=w.user("haibatrung"), agreement=agreement, unit=w.unit("haibatrung"), reason="Chưa"
    )
    signing.signing_remind(actor=w.user("hoankiem"), agreement=agreement)
    signing.paper_signing_withdraw(actor=w.user("hoankiem"), paper=w.paper)
    (paper,) = signing.paper_signing_record(
        actor=w.user("hoankiem"),
        agreement=agreement,
        units=[w.unit("longbien")],
        scan=pdf_upload("ban-giay-2.pdf", "Ban giay"),
    )
    signing.paper_signing_contest(actor=w.user("longbien"), paper=paper, reason="Chưa ký")
    signing.paper_signing_resolve(
        actor=w.user("bantt"), paper=paper, uphold=False, reason="Không có trong biên bản"
    )
    (paper,) = signing.paper_signing_record(
        actor=w.user("hoankiem"),
        agreement=agreement,
        units=[w.unit("longbien")],
        scan=pdf_upload("ban-giay-3.pdf", "Ban giay"),
    )
    signing.paper_signing_confirm(actor=w.user("longbien"), paper=paper)
    signing.signing_close(actor=w.user("bantt"), agreement=agreement, reason="Hết hạn ký")
    seal = Seal.objects.get(agreement=agreement)
    Seal.objects.filter(pk=seal.pk).update(status=Seal.Status.FAILED, error="thử")
    signing.seal_retry(actor=w.user("hoankiem"), agreement=agreement)
    signing.signatures_void(actor=w.admin, agreement=agreement, reason="Thử hủy")


def case_results(w):
    from agreements.models import Criterion
    from demo.results import _entries
    from results import services
    from results.models import Assessment, Period, Score

    head = w.user("canbo.dongda")
    services.result_rules_save(
        actor=w.user("bantt"),
        parent=w.parent,
        year=2021,
        tie_break=["total", "bonus"],
        thresholds=[("Hoàn thành xuất sắc nhiệm vụ", 90), ("Hoàn thành nhiệm vụ", 0)],
        evidence_max_mb=10,
    )
    reopen(w.cluster_year)
    period = services.period_open(
        actor=head,
        cluster_year=w.cluster_year,
        kind=Period.Kind.MID_YEAR,
        deadline=timezone.now() + datetime.timedelta(days=7),
    )
    period = services.period_update(
        actor=head,
        period=period,
        expected_version=period.version,
        deadline=timezone.now() + datetime.timedelta(days=9),
        cross_checking=True,
    )
    sheets = {a.unit_id: a for a in Assessment.objects.filter(period=period)}
    badinh = sheets[w.unit("badinh").pk]
    services.period_assign_peers(
        actor=head, period=period, assignments={badinh.pk: w.unit("hoankiem").pk}
    )
    criteria = {c.code: c for c in Criterion.objects.filter(section__agreement=period.agreement)}
    for username, _short, _chair in DISTRICTS:
        sheet = sheets[w.unit(username).pk]
        sheet.refresh_from_db()
        services.assessment_save(
            actor=w.user(username),
            assessment=sheet,
            expected_version=sheet.version,
            entries=_entries(username, criteria, fixed=True),
        )
    template = client_as(w, "canbo.badinh").get(
        reverse("results:assessment_template", args=[badinh.pk])
    )
    services.assessment_import(
        actor=w.user("canbo.badinh"), assessment=badinh, data=_edited(template.content)
    )
    score = Score.objects.get(assessment=badinh, criterion__code="1.1")
    evidence = services.evidence_add(
        actor=w.user("canbo.badinh"), score=score, upload=pdf_upload("mc.pdf", "Minh chung")
    )
    services.evidence_remove(actor=w.user("canbo.badinh"), evidence=evidence)
    for username, _short, _chair in DISTRICTS:
        services.assessment_submit(actor=w.user(username), assessment=sheets[w.unit(username).pk])
    services.score_adjust(actor=head, score=score, reviewed_score="1", reason="Thiếu minh chứng")
    services.assessment_return(actor=head, assessment=badinh, comment="Bổ sung")
    services.assessment_submit(actor=w.user("badinh"), assessment=badinh)
    services.assessment_accept(actor=head, assessment=badinh)
    services.assessment_reopen(actor=head, assessment=badinh, reason="Xem lại")  # to review
    for unit_id, sheet in sheets.items():
        reviewer = w.user("hoankiem") if unit_id == w.unit("dongda").pk else head
        services.assessment_accept(actor=reviewer, assessment=sheet)
    services.period_lock(actor=w.user("dongda"), period=period)
    practice = services.practice_create(
        actor=w.user("canbo.badinh"),
        cluster_year=w.cluster_year,
        unit=w.unit("badinh"),
        title="Mô hình thử",
        description="Mô tả",
        results="Kết quả",
    )
    practice = services.practice_update(
        actor=w.user("canbo.badinh"),
        practice=practice,
        expected_version=practice.version,
        title="Mô hình thử (sửa)",
        description="Mô tả",
        results="Kết quả",
    )
    services.practice_publish(actor=w.user("canbo.badinh"), practice=practice)
    services.practice_feature(actor=w.user("dongda"), practice=practice)
    item = services.practice_file_add(
        actor=w.user("canbo.badinh"), practice=practice, upload=pdf_upload("mh.pdf", "Mo hinh")
    )
    services.practice_file_remove(actor=w.user("canbo.badinh"), item=item)


def _edited(workbook_bytes):
    """The filled template with one explanation changed (an import that changes nothing
    records nothing)."""
    import io

    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(workbook_bytes))
    for row in workbook.active.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and cell.value.endswith("(Dữ liệu minh họa.)"):
                cell.value = "Đã sửa qua tệp Excel"
                out = io.BytesIO()
                workbook.save(out)
                return out.getvalue()
    raise AssertionError("no explanation in the template")


def _clear_the_2020_meeting(w):
    """Move the story's 2020 meeting, proposal and next year aside: the case holds them anew."""
    from awards.models import Meeting, Proposal
    from clusters.models import ClusterYear

    Meeting.objects.filter(cluster_year=w.cluster_year).update(cluster_year=w.cluster_year_2022)
    Proposal.objects.filter(cluster_year=w.cluster_year).update(cluster_year=w.cluster_year_2022)
    ClusterYear.objects.filter(pk=w.cluster_year_2021.pk).update(year=2041)


def case_vote(w):
    from awards.models import VoteSession
    from awards.services import votes as voting
    from clusters.models import ClusterYear
    from demo.awards import MEETING_AT, _vote

    purpose = VoteSession.Purpose
    _clear_the_2020_meeting(w)
    chair = w.user("dongda")
    voting.vote_rules_save(
        actor=w.user("bantt"),
        parent=w.parent,
        year=2021,
        threshold_percent=Decimal("50"),
        strictly_more=True,
        base="present",
        rounds=2,
        tie_break="ranking",
    )
    meeting = voting.meeting_create(
        actor=w.user("canbo.dongda"),
        cluster_year=w.cluster_year,
        title="Hội nghị tổng kết",
        held_at=MEETING_AT,
        venue="Quận Đống Đa",
        chair_name="Đỗ Trọng Nam",
        secretary_name="Nguyễn Văn M",
    )
    meeting = voting.meeting_update(
        actor=chair, meeting=meeting, expected_version=meeting.version, venue="Hội trường"
    )
    present = [w.unit(name).pk for name, _short, _chair in DISTRICTS]
    # (A call that changes nothing records nothing: mark one absent, then present again.)
    voting.attendance_set(actor=chair, meeting=meeting, present_unit_ids=present[:-1])
    voting.attendance_set(actor=chair, meeting=meeting, present_unit_ids=present)

    leading = voting.session_create(
        actor=chair, meeting=meeting, purpose=purpose.LEADING, mode=VoteSession.Mode.PAPER
    )
    leading = voting.session_update(actor=chair, session=leading, mode=leading.mode, seats=1)
    extra = leading.candidates.order_by("-pk").first()
    voting.candidate_remove(actor=chair, candidate=extra)
    voting.candidate_add(actor=chair, session=leading, unit=extra.unit)
    leading = voting.session_open(actor=chair, session=leading)
    round_counts = {c.candidate_id: 0 for c in leading.rounds.get().counts.all()}
    voting.vote_paper_tally(actor=chair, session=leading, ballots_cast=6, counts=round_counts)
    voting.vote_next_round(actor=chair, session=leading)
    leading.refresh_from_db()
    second = leading.rounds.order_by("-number").first()
    dongda = leading.candidates.get(unit=w.unit("dongda")).pk
    # Two ballots only: the round is void and the parent body decides the matter.
    counts = {c.candidate_id: (2 if c.candidate_id == dongda else 0) for c in second.counts.all()}
    voting.vote_paper_tally(actor=chair, session=leading, ballots_cast=2, counts=counts)
    voting.vote_decide(
        actor=w.user("bantt"),
        session=leading,
        elected_ids=[dongda],
        reason="Vòng hai chỉ có hai phiếu; Ban Thường trực quyết định theo kết quả xếp hạng.",
    )

    certificates = voting.session_create(
        actor=chair, meeting=meeting, purpose=purpose.CERTIFICATES, mode=VoteSession.Mode.PAPER
    )
    certificates = voting.session_open(actor=chair, session=certificates)
    zeros = {c.candidate_id: 0 for c in certificates.rounds.get().counts.all()}
    voting.vote_paper_tally(actor=chair, session=certificates, ballots_cast=6, counts=zeros)
    voting.vote_finish(actor=chair, session=certificates)

    _vote(w, meeting, purpose.HEAD)  # online: each chair casts a ballot, then the close
    _vote(w, meeting, purpose.DEPUTY)  # closing it creates the next year (a rollover)
    ClusterYear.objects.filter(cluster=w.cluster, year=2021).update(year=2051)
    voting.election_rollover(actor=chair, meeting=meeting)
    voting.minutes_issue(actor=chair, meeting=meeting, date=MEETING_AT.date())


def case_proposal(w):
    from awards.models import AwardType
    from awards.services import proposals
    from demo.awards import DECIDED_ON, SUBMITTED_ON

    case_vote(w)
    staff, head, chair = w.user("bantt"), w.user("canbo.dongda"), w.user("dongda")
    extra = proposals.award_type_create(
        actor=staff,
        parent=w.parent,
        year=2020,
        order=9,
        form=AwardType.Form.MERIT,
        name="Giấy khen thử",
        issuer="Ủy ban MTTQ Việt Nam thành phố Hà Nội",
        recipient=AwardType.Recipient.COLLECTIVE,
        quota_kind=AwardType.Quota.NUMBER,
        quota_value=Decimal("1"),
    )
    proposals.award_type_update(
        actor=staff, award_type=extra, expected_version=extra.version, name="Giấy khen (sửa)"
    )
    proposals.award_type_remove(actor=staff, award_type=extra)
    proposals.catalogue_copy(actor=staff, parent=w.parent, year=2022)
    due = timezone.now() + datetime.timedelta(days=20)
    proposals.proposal_deadline_set_all(actor=staff, parent=w.parent, year=2020, due=due)
    proposals.proposal_deadline_set(actor=staff, cluster_year=w.cluster_year, due=due)
    proposal = proposals.proposal_create(actor=head, cluster_year=w.cluster_year)
    individual = AwardType.objects.get(
        parent=w.parent, year=2020, recipient=AwardType.Recipient.INDIVIDUAL
    )
    person = proposals.proposal_item_add(
        actor=head,
        proposal=proposal,
        award_type=individual,
        unit=w.unit("dongda"),
        person_name="Nguyễn Văn M",
        person_title="Cán bộ",
        reason="Có thành tích xuất sắc",
    )
    proposals.proposal_item_update(
        actor=head, item=person, expected_version=person.version, reason="Thành tích (sửa)"
    )
    proposals.proposal_item_remove(actor=head, item=person)
    items = list(proposal.items.all())
    for item in items:
        proposals.item_report_save(
            actor=head,
            item=item,
            expected_version=item.version,
            sections={"results": "Báo cáo thành tích"},
        )
    proposals.item_report_upload(
        actor=head, item=items[0], upload=pdf_upload("bao-cao.pdf", "Bao cao thanh tich")
    )
    proposals.proposal_submit(actor=chair, proposal=proposal, date=SUBMITTED_ON)
    proposals.proposal_return(actor=staff, proposal=proposal, reason="Bổ sung hồ sơ")
    proposals.proposal_submit(actor=chair, proposal=proposal, date=SUBMITTED_ON)
    accepted = [item.pk for item in items]
    proposals.proposal_accept(actor=staff, proposal=proposal, accepted=accepted)
    proposals.proposal_start_decision(actor=staff, proposal=proposal)
    proposals.proposal_decide(
        actor=staff,
        proposal=proposal,
        number="9/QĐ-MTTQ-BTT",
        date=DECIDED_ON,
        signer_name="Nguyễn Lan Hương",
        granted=accepted,
        scan=SimpleUploadedFile("qd.pdf", pdf_upload("qd.pdf", "QD").read(), "application/pdf"),
    )
    proposals.decision_revoke(actor=staff, proposal=proposal, reason="Khai man thành tích")


def case_second_factor(w):
    from core import otp
    from tests.trust.test_second_factor import code

    user = w.user("badinh")
    device = otp.pending_device(user)
    otp.totp_device_confirm(actor=user, device=device, token=code(device))
    otp.totp_device_remove(actor=user, token=code(device, 1))


def case_digital(w):
    from agreements import services as agreement_services
    from agreements.signing.digital import services
    from agreements.signing.digital.models import Certificate, DocumentRevision, SignatureSlot
    from demo.digital import seal_png
    from demo.pki import config
    from tests.agreements.signing.digital import support

    head = w.user("hoankiem")
    amendment = agreement_services.agreement_amend(
        actor=head, agreement=w.agreement_2021, reason="Sửa đổi thử"
    )
    agreement_services.agreement_circulate(actor=head, agreement=amendment)
    amendment = agreement_services.agreement_adopt(actor=head, agreement=amendment)
    services.digital_signing_open(actor=head, agreement=amendment)
    # Ba Đình's chair signs remotely (approving at the provider); its clerk adds the unit's.
    support.sign_remotely(w, amendment, "badinh")
    support.sign_organisation(w, amendment, "badinh")
    # Long Biên's chair joins the line, then leaves it.
    field = SignatureSlot.objects.get(
        agreement=amendment, unit=w.unit("longbien"), kind=SignatureSlot.Kind.PERSONAL
    )
    turn = services.turn_request(
        actor=w.user("longbien"),
        agreement=amendment,
        slot=field,
        channel=DocumentRevision.Channel.REMOTE,
    )
    services.turn_cancel(actor=w.user("longbien"), turn=turn)
    # Registrations: confirmed by a second person, or refused with a reason.
    chair = w.user("badinh")
    record = services.certificate_register(
        actor=chair,
        kind=Certificate.Kind.PERSONAL,
        der=support.certificate_der(config.SERVICE, config.REVOKED),
        person=chair.person,
    )
    services.certificate_refuse(actor=w.user("bantt"), certificate=record, reason="Đã thu hồi")
    clerk = support.clerk(w, "badinh")
    seal = services.seal_image_register(
        actor=clerk, unit=w.unit("badinh"), image=seal_png("BA ĐÌNH")
    )
    services.seal_image_confirm(actor=w.user("bantt"), seal_image=seal)
    key = services.organisation_key_install(
        actor=clerk,
        unit=w.unit("badinh"),
        pkcs12_data=support.pki_file(config.SERVICE, f"{config.APP_SEAL}.pfx").read_bytes(),
        password="",
    )
    services.organisation_key_confirm(actor=w.user("bantt"), organisation_key=key)
    services.certificate_confirm(
        actor=w.user("bantt"),
        certificate=services.certificate_register_remote(
            actor=w.user("canbo.badinh"),
            person=chair.person,
            credential=f"{config.SERVICE}/{config.chair_label('dongda')}",
        ),
    )


CASES = {
    "draft": case_draft,
    "digital": case_digital,
    "signing": case_signing,
    "results": case_results,
    "vote": case_vote,
    "proposal": case_proposal,
    "second factor": case_second_factor,
}


@pytest.mark.parametrize("case", list(CASES_OF))
def test_each_service_call_writes_an_audit_entry_with_its_actor(trust_world, recorder, case):
    CASES[case](trust_world)
    called = {name for name, _actor, _entries in recorder}
    missing = [name for name in CASES_OF[case] if name not in called]
    assert not missing, f"The case {case!r} did not call {missing}"
    silent = [name for name, _actor, entries in recorder if not entries]
    assert not silent, f"These calls wrote no audit entry: {silent}"
    for name, actor, entries in recorder:
        if actor is not None and actor.is_authenticated:
            assert any(e.actor_id == actor.pk for e in entries), f"{name}: not by {actor}"
        assert all(e.action and e.object_repr for e in entries), name
        unnamed = sorted({e.action for e in entries if action_label(e.action) == e.action})
        assert not unnamed, f"{name}: give these actions a label (audit_labels.py): {unnamed}"
