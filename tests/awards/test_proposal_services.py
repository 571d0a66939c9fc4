"""The proposal file: pre-fill from the vote, eligibility and quotas, reports, sending,
return ⇄ resubmission, acceptance, decision, revocation, history and e-mails."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from awards.models import (
    AwardType,
    Decision,
    Proposal,
    ProposalDocument,
    ProposalItem,
    ProposalStatusChange,
)
from awards.selectors import unit_awards
from awards.services import proposals
from awards.services import votes as voting
from clusters.models import IssuedNumber
from core.errors import DomainError
from tests.awards.support import (
    PDF_BYTES,
    english,  # noqa: F401  (autouse: messages in English)
    lock_ranking,
)

pytestmark = pytest.mark.django_db
S = Proposal.Status


@pytest.fixture
def proposal(voted):
    return proposals.proposal_create(
        actor=voted.user("canbo.dongda"), cluster_year=voted.cluster_year
    )


def write_reports(world, proposal):
    for item in proposal.items.all():
        proposals.item_report_save(
            actor=world.user("canbo.dongda"),
            item=item,
            expected_version=item.version,
            sections={"results": f"Báo cáo thành tích năm 2020 của {item.unit_name}."},
        )


def issue_minutes(world):
    voting.minutes_issue(
        actor=world.user("dongda"), meeting=world.meeting, date=datetime.date(2020, 12, 18)
    )


@pytest.fixture
def sent(voted, proposal):
    write_reports(voted, proposal)
    issue_minutes(voted)
    proposals.proposal_submit(
        actor=voted.user("canbo.dongda"), proposal=proposal, date=datetime.date(2020, 12, 20)
    )
    proposal.refresh_from_db()
    return proposal


def scan():
    return SimpleUploadedFile("qd.pdf", PDF_BYTES, content_type="application/pdf")


def decide(world, proposal, granted=None, **fields):
    data = {
        "number": "125/QĐ-MTTQ-BTT",
        "date": datetime.date(2021, 1, 15),
        "signer_name": "Nguyễn Lan Hương",
        "signer_title": "Chủ tịch",
        "scan": scan(),
        **fields,
    }
    if granted is None:
        granted = [i.pk for i in proposal.items.filter(status=ProposalItem.Status.ACCEPTED)]
    return proposals.proposal_decide(
        actor=world.user("bantt"), proposal=proposal, granted=granted, **data
    )


def accept_all(world, proposal):
    return proposals.proposal_accept(
        actor=world.user("bantt"),
        proposal=proposal,
        accepted=list(proposal.items.values_list("pk", flat=True)),
    )


# --- creating the file ---------------------------------------------------------------------


def test_the_file_starts_with_the_units_the_vote_elected(voted, proposal):
    items = list(proposal.items.select_related("award_type"))
    got = [(i.award_type.form, i.unit.short_name) for i in items]
    assert got == [
        ("flag", "Đống Đa"),
        ("merit", "Hoàn Kiếm"),
        ("merit", "Ba Đình"),
        ("merit", "Hai Bà Trưng"),
    ]
    flag = items[0]
    assert (flag.score, flag.rank, flag.vote_share) == (Decimal("40"), 1, Decimal("100.00"))
    assert flag.rating == "Hoàn thành xuất sắc nhiệm vụ" and "xếp thứ 1/6" in flag.reason
    assert proposal.status == S.TO_SEND and proposal.head_name == voted.unit("dongda").name
    assert list(proposal.history.values_list("from_status", "to_status")) == [("", S.TO_SEND)]


def test_the_file_needs_the_locked_ranking_and_a_catalogue(results):
    with pytest.raises(DomainError, match="not locked"):
        proposals.proposal_create(actor=results.user("dongda"), cluster_year=results.cluster_year)
    lock_ranking(results)
    with pytest.raises(DomainError, match="catalogue"):
        proposals.proposal_create(actor=results.user("dongda"), cluster_year=results.cluster_year)
    assert not Proposal.objects.exists()


def test_one_file_per_cluster_year(voted, proposal):
    with pytest.raises(DomainError, match="already"):
        proposals.proposal_create(actor=voted.user("dongda"), cluster_year=voted.cluster_year)


# --- eligibility and quotas ----------------------------------------------------------------


def add(world, proposal, award_type, username, **kwargs):
    kwargs.setdefault("reason", "Thành tích xuất sắc.")
    return proposals.proposal_item_add(
        actor=world.user("canbo.dongda"),
        proposal=proposal,
        award_type=award_type,
        unit=world.unit(username),
        **kwargs,
    )


@pytest.mark.parametrize(
    ("award", "username", "message"),
    [
        ("flag", "hoankiem", "ranked first"),
        ("merit", "hoangmai", "rating"),
        ("merit", "longbien", "not elected"),
        ("flag", "dongda", "already proposed"),
        ("person", "badinh", "name the person"),
    ],
)
def test_ineligible_nominations_are_refused_with_the_reason(
    voted, proposal, award, username, message
):
    count = proposal.items.count()
    with pytest.raises(DomainError, match=message):
        add(voted, proposal, getattr(voted, award), username)
    assert proposal.items.count() == count


def test_a_collective_award_is_not_for_a_person(voted, proposal):
    with pytest.raises(DomainError, match="collectives"):
        add(voted, proposal, voted.merit, "longbien", person_name="Nguyễn Văn X")


def test_individuals_are_nominated_within_their_quota(voted, proposal):
    first = add(
        voted, proposal, voted.person, "badinh", person_name="Lý Thị N", person_title="Cán bộ"
    )
    add(voted, proposal, voted.person, "hoangmai", person_name="Vũ Văn G")
    assert first.nominee == "Lý Thị N, Cán bộ" and first.vote_share is None
    with pytest.raises(DomainError, match="quota .* is 2 per cluster; the file proposes 3"):
        add(voted, proposal, voted.person, "longbien", person_name="Hoàng Thị E")
    assert proposal.items.filter(award_type=voted.person).count() == 2


def test_a_share_quota_counts_the_cluster_members(voted, proposal):
    # Merit: 50% of 6 members = 3, all taken by the vote; a fourth is refused even if elected.
    voted.merit.vote_purpose = ""
    voted.merit.save()
    with pytest.raises(DomainError, match="50% of the 6 member units, that is 3"):
        add(voted, proposal, voted.merit, "longbien")


def test_an_award_of_another_year_or_parent_is_refused(voted, proposal):
    other = proposals.award_type_create(
        actor=voted.user("bantt"),
        parent=voted.parent,
        year=2019,
        form=AwardType.Form.COMMENDATION,
        name="Giấy khen 2019",
        issuer="Ủy ban MTTQ",
        quota_kind=AwardType.Quota.NONE,
    )
    with pytest.raises(DomainError, match="catalogue for 2020"):
        add(voted, proposal, other, "longbien")


def test_the_reason_is_required(voted, proposal):
    with pytest.raises(DomainError):
        add(voted, proposal, voted.person, "badinh", person_name="Lý Thị N", reason=" ")


# --- reports and sending -------------------------------------------------------------------


def test_sending_without_every_achievement_report_is_refused_and_names_them(voted, proposal):
    issue_minutes(voted)
    numbers = IssuedNumber.objects.count()
    with pytest.raises(DomainError, match="Missing: .*Hoàn Kiếm"):
        proposals.proposal_submit(actor=voted.user("dongda"), proposal=proposal)
    proposal.refresh_from_db()
    assert proposal.status == S.TO_SEND
    assert IssuedNumber.objects.count() == numbers and not ProposalDocument.objects.exists()


def test_sending_needs_the_minutes(voted, proposal):
    write_reports(voted, proposal)
    with pytest.raises(DomainError, match="minutes"):
        proposals.proposal_submit(actor=voted.user("dongda"), proposal=proposal)
    assert Proposal.objects.get().status == S.TO_SEND


def test_a_report_may_be_a_file_of_an_accepted_type(voted, proposal):
    item = proposal.items.first()
    with pytest.raises(DomainError):
        proposals.item_report_upload(
            actor=voted.user("dongda"),
            item=item,
            upload=SimpleUploadedFile("bao-cao.pdf", b"not a pdf at all"),
        )
    proposals.item_report_upload(
        actor=voted.user("dongda"), item=item, upload=SimpleUploadedFile("Báo cáo.pdf", PDF_BYTES)
    )
    item.refresh_from_db()
    assert item.has_report and item.report_file_name == "Báo cáo.pdf"
    assert not item.report_file.name.endswith("Báo cáo.pdf")  # stored under a generated name


def test_a_stale_report_edit_is_refused_with_the_other_version(voted, proposal):
    item = proposal.items.first()
    proposals.item_report_save(
        actor=voted.user("dongda"),
        item=item,
        expected_version=item.version,
        sections={"results": "Bản 1"},
    )
    with pytest.raises(DomainError):
        proposals.item_report_save(
            actor=voted.user("canbo.dongda"),
            item=item,
            expected_version=1,
            sections={"results": "Bản cũ"},
        )
    item.refresh_from_db()
    assert item.report_sections["results"] == "Bản 1"


def test_sending_numbers_the_submission_from_the_heads_register(voted, sent):
    document = ProposalDocument.objects.get()
    # The minutes took 01 of Đống Đa's 2020 register; the submission takes 02.
    assert document.number.reference == "02/TTr-MTTQ"
    assert document.number.register.unit == voted.unit("dongda")
    assert document.content["minutes"]["reference"] == "01/BB-MTTQ"
    assert len(document.content["items"]) == 4
    assert sent.status == S.AWAITING_REVIEW and sent.submitted_at is not None


def test_a_sent_file_no_longer_changes(voted, sent):
    item = sent.items.first()
    with pytest.raises(DomainError, match="sent"):
        add(voted, sent, voted.person, "badinh", person_name="Lý Thị N")
    with pytest.raises(DomainError, match="sent"):
        proposals.proposal_item_remove(actor=voted.user("dongda"), item=item)
    with pytest.raises(DomainError, match="sent"):
        proposals.item_report_save(
            actor=voted.user("dongda"),
            item=item,
            expected_version=item.version,
            sections={"results": "x"},
        )
    with pytest.raises(DomainError, match="already been sent"):
        proposals.proposal_submit(actor=voted.user("dongda"), proposal=sent)
    assert sent.items.count() == 4


# --- the parent body -----------------------------------------------------------------------


def test_a_return_needs_a_reason_and_notifies_the_cluster_head(
    voted, sent, django_capture_on_commit_callbacks
):
    with pytest.raises(DomainError):
        proposals.proposal_return(actor=voted.user("bantt"), proposal=sent, reason=" ")
    with django_capture_on_commit_callbacks(execute=True):
        proposals.proposal_return(
            actor=voted.user("bantt"), proposal=sent, reason="Bổ sung báo cáo của Ba Đình."
        )
    sent.refresh_from_db()
    assert sent.status == S.RETURNED and sent.return_reason == "Bổ sung báo cáo của Ba Đình."
    recipients = {m.to[0] for m in mail.outbox}
    assert voted.unit("dongda").email in recipients and voted.user("dongda").email in recipients
    assert all("Bổ sung báo cáo của Ba Đình." in m.body for m in mail.outbox)


def test_a_decision_on_a_returned_file_is_refused_and_changes_nothing(voted, sent):
    proposals.proposal_return(actor=voted.user("bantt"), proposal=sent, reason="Thiếu hồ sơ.")
    with pytest.raises(DomainError, match="returned to the cluster"):
        decide(voted, sent, granted=[i.pk for i in sent.items.all()])
    sent.refresh_from_db()
    assert sent.status == S.RETURNED and not Decision.objects.exists()
    assert not sent.items.exclude(status=ProposalItem.Status.PROPOSED).exists()


def test_returned_then_resubmitted_with_a_new_number(voted, sent):
    proposals.proposal_return(actor=voted.user("bantt"), proposal=sent, reason="Thiếu hồ sơ.")
    add(voted, sent, voted.person, "badinh", person_name="Lý Thị N", reason="Cán bộ xuất sắc.")
    item = sent.items.get(person_name="Lý Thị N")
    proposals.item_report_save(
        actor=voted.user("canbo.badinh"),
        item=item,
        expected_version=item.version,
        sections={"results": "BC"},
    )
    proposals.proposal_submit(
        actor=voted.user("dongda"), proposal=sent, date=datetime.date(2020, 12, 28)
    )
    sent.refresh_from_db()
    assert sent.status == S.RESUBMITTED and sent.return_reason == ""
    assert [d.number.reference for d in sent.documents.all()] == ["03/TTr-MTTQ", "02/TTr-MTTQ"]


def test_accept_decide_and_the_whole_history(voted, sent, django_capture_on_commit_callbacks):
    items = list(sent.items.order_by("pk"))
    with pytest.raises(DomainError, match="at least one"):
        proposals.proposal_accept(actor=voted.user("bantt"), proposal=sent, accepted=[])
    proposals.proposal_accept(
        actor=voted.user("bantt"), proposal=sent, accepted=[i.pk for i in items[:3]]
    )
    statuses = dict(sent.items.values_list("unit__short_name", "status"))
    assert statuses["Hai Bà Trưng"] == ProposalItem.Status.NOT_ACCEPTED
    proposals.proposal_start_decision(actor=voted.user("bantt"), proposal=sent)
    with pytest.raises(DomainError, match="accepted"):
        decide(voted, sent, granted=[items[3].pk])
    with pytest.raises(DomainError):
        decide(voted, sent, scan=None)
    with django_capture_on_commit_callbacks(execute=True):
        decision = decide(voted, sent, granted=[i.pk for i in items[:2]])
    sent.refresh_from_db()
    assert sent.status == S.DECIDED and decision.number == "125/QĐ-MTTQ-BTT"
    statuses = dict(sent.items.values_list("unit__short_name", "status"))
    assert statuses == {
        "Đống Đa": "granted",
        "Hoàn Kiếm": "granted",
        "Ba Đình": "not_granted",
        "Hai Bà Trưng": "not_accepted",
    }
    assert list(ProposalStatusChange.objects.values_list("to_status", flat=True)) == [
        S.TO_SEND,
        S.AWAITING_REVIEW,
        S.ACCEPTED,
        S.BEING_DECIDED,
        S.DECIDED,
    ]
    recipients = {m.to[0] for m in mail.outbox}
    assert voted.unit("hoankiem").email in recipients
    assert any("125/QĐ-MTTQ-BTT" in m.subject for m in mail.outbox)
    assert [a.award_type.form for a in unit_awards(voted.unit("dongda"))] == ["flag"]
    assert unit_awards(voted.unit("badinh")) == []


def test_a_decision_from_an_accepted_file_passes_through_being_decided(voted, sent):
    accept_all(voted, sent)
    decide(voted, sent)
    assert list(sent.history.values_list("to_status", flat=True))[-2:] == [
        S.BEING_DECIDED,
        S.DECIDED,
    ]
    # The decision is the year's last step: the cluster year is finished, and says so.
    cluster_year = sent.cluster_year
    cluster_year.refresh_from_db()
    assert cluster_year.status == cluster_year.Status.CLOSED
    assert cluster_year.get_status_display() == "Closed"


def test_only_a_file_awaiting_review_is_returned_or_accepted(voted, proposal):
    with pytest.raises(DomainError, match="awaiting review"):
        proposals.proposal_return(actor=voted.user("bantt"), proposal=proposal, reason="x")
    with pytest.raises(DomainError, match="awaiting review"):
        accept_all(voted, proposal)
    with pytest.raises(DomainError, match="accepted file"):
        decide(voted, proposal, granted=[])


def test_revoking_some_awards_then_the_whole_decision(
    voted, sent, django_capture_on_commit_callbacks
):
    accept_all(voted, sent)
    decide(voted, sent)
    flag = sent.items.get(award_type=voted.flag)
    with pytest.raises(DomainError):
        proposals.decision_revoke(actor=voted.user("bantt"), proposal=sent, reason="")
    with django_capture_on_commit_callbacks(execute=True):
        proposals.decision_revoke(
            actor=voted.user("bantt"),
            proposal=sent,
            reason="Kê khai thành tích không đúng.",
            items=[flag.pk],
        )
    flag.refresh_from_db()
    sent.refresh_from_db()
    assert flag.status == ProposalItem.Status.REVOKED and sent.status == S.DECIDED
    assert any("Kê khai thành tích không đúng." in m.body for m in mail.outbox)
    assert unit_awards(voted.unit("dongda"))[0].status == ProposalItem.Status.REVOKED
    proposals.decision_revoke(actor=voted.user("bantt"), proposal=sent, reason="Hủy quyết định.")
    sent.refresh_from_db()
    assert sent.status == S.REVOKED and sent.decision.is_revoked
    assert not sent.items.filter(status=ProposalItem.Status.GRANTED).exists()
    with pytest.raises(DomainError):
        proposals.decision_revoke(actor=voted.user("bantt"), proposal=sent, reason="x")
