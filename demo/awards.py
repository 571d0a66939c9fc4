"""Stage "decided" of the demo: the 2020 story to its end, and 2021 ready to sign.

2020: the parent's award catalogue and vote rules; the year-end meeting of Cluster No. 1 votes
by secret ballot online (Đống Đa leads and is proposed for the flag; Hoàn Kiếm, Hai Bà Trưng
and Ba Đình for certificates of merit, within the quota of half the members), elects Hoàn Kiếm
head and Ba Đình deputy for 2021 (which creates the 2021 cluster year) and issues its minutes;
the cluster head sends the proposal file, the parent accepts it and records its decision.

2021: the year starts with the parent's 2021 plan; the cluster head drafts the agreement from
the parent's 2021 template, circulates and adopts it: it awaits the members' signatures, so a
visitor can log in as a chair (e.g. "hoankiem") and sign.

The 2021 year is open: its steps still ahead carry deadlines counted from the day the demo is
loaded (its past is dated when it happened): the signing closes in two days — within the
reminders' window (REMINDER_DAYS), so `send_reminders` has the units that have not signed to
remind, and after two days the signing shows late — and the parent body wants the proposal files
of its 2021 clusters in sixty days. The later steps (the reviews' self-assessments and review,
the vote) get their deadlines when they open, after the signing.

Every ballot here is cast for the demo by the chairs' accounts; the ballots themselves are not
stored anywhere (see awards/voting.py). Dates are moved back to when the story happened.
Safe to run twice.
"""

import datetime
import zoneinfo
from decimal import Decimal

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from agreements import services as agreement_services
from agreements.models import IN_FORCE, Agreement
from awards import reports
from awards.documents import decision_pdf
from awards.models import (
    AwardType,
    Decision,
    Meeting,
    Proposal,
    ProposalDeadline,
    ProposalStatusChange,
    VoteRound,
    VoteSession,
)
from awards.services import proposals
from awards.services import votes as voting
from clusters import services as cluster_services
from clusters.models import ClusterYear, Plan
from demo.results import placeholder_pdf

HANOI = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
MEETING_AT = datetime.datetime(2020, 12, 24, 8, 30, tzinfo=HANOI)
SUBMITTED_ON = datetime.date(2020, 12, 28)
DECIDED_ON = datetime.date(2021, 1, 15)
CONFERENCE_2021 = datetime.date(2021, 2, 4)
# The 2021 year's deadlines still ahead, counted from the day the demo is loaded.
SIGNING_OPEN_FOR = datetime.timedelta(days=2)
PROPOSAL_FILE_IN = datetime.timedelta(days=60)
ISSUER = "Ủy ban MTTQ Việt Nam thành phố Hà Nội"
EXCELLENT = "Hoàn thành xuất sắc nhiệm vụ"
P = VoteSession.Purpose

# Each member's ballot (made up for the demo): {voter: [chosen units]}.
BALLOTS = {
    P.LEADING: {
        "haibatrung": ["dongda"],
        "dongda": [],
        "badinh": ["dongda"],
        "hoankiem": ["dongda"],
        "longbien": ["dongda"],
        "hoangmai": ["dongda"],
    },
    P.CERTIFICATES: {
        "haibatrung": ["hoankiem", "badinh", "longbien"],
        "dongda": ["hoankiem", "haibatrung", "badinh"],
        "badinh": ["hoankiem", "haibatrung", "hoangmai"],
        "hoankiem": ["haibatrung", "badinh", "longbien"],
        "longbien": ["hoankiem", "haibatrung", "badinh"],
        "hoangmai": ["hoankiem", "haibatrung", "badinh"],
    },
    P.HEAD: {
        "haibatrung": ["hoankiem"],
        "dongda": ["hoankiem"],
        "badinh": ["hoankiem"],
        "hoankiem": ["badinh"],
        "longbien": ["hoankiem"],
        "hoangmai": ["hoankiem"],
    },
    P.DEPUTY: {
        "haibatrung": ["badinh"],
        "dongda": ["badinh"],
        "badinh": ["longbien"],
        "hoankiem": ["badinh"],
        "longbien": ["badinh"],
        "hoangmai": ["badinh"],
    },
}


def _catalogue(world):
    staff, parent = world.user("bantt"), world.parent
    if AwardType.objects.filter(parent=parent, year=2020).exists():
        return
    voting.vote_rules_save(
        actor=staff,
        parent=parent,
        year=2020,
        threshold_percent=Decimal("50"),
        strictly_more=True,
        base="present",
        rounds=2,
        tie_break="ranking",
    )
    common = {"actor": staff, "parent": parent, "year": 2020, "issuer": ISSUER}
    proposals.award_type_create(
        **common,
        order=0,
        form=AwardType.Form.FLAG,
        name=f"Cờ thi đua của {ISSUER}",
        recipient=AwardType.Recipient.COLLECTIVE,
        rank_one_only=True,
        min_rating=EXCELLENT,
        vote_purpose=AwardType.VotePurpose.LEADING,
        quota_kind=AwardType.Quota.NUMBER,
        quota_value=Decimal("1"),
    )
    proposals.award_type_create(
        **common,
        order=1,
        form=AwardType.Form.MERIT,
        name=f"Bằng khen của {ISSUER}",
        recipient=AwardType.Recipient.COLLECTIVE,
        min_rating=EXCELLENT,
        vote_purpose=AwardType.VotePurpose.CERTIFICATES,
        quota_kind=AwardType.Quota.SHARE,
        quota_value=Decimal("50"),
    )
    proposals.award_type_create(
        **common,
        order=2,
        form=AwardType.Form.MERIT,
        name=f"Bằng khen của {ISSUER} (cá nhân)",
        recipient=AwardType.Recipient.INDIVIDUAL,
        quota_kind=AwardType.Quota.NUMBER,
        quota_value=Decimal("2"),
    )


def _plan_2021(world):
    plan = Plan.objects.filter(parent=world.parent, year=2021).first()
    return plan or cluster_services.plan_create(
        actor=world.user("bantt"),
        parent=world.parent,
        year=2021,
        number=25,
        symbol="KH-MTTQ-BTT",
        date=datetime.date(2021, 1, 18),
        title="Kế hoạch công tác thi đua, khen thưởng năm 2021",
    )


def _vote(world, meeting, purpose):
    session = VoteSession.objects.filter(meeting=meeting, purpose=purpose).first()
    if session is None:
        session = voting.session_create(
            actor=world.user("dongda"), meeting=meeting, purpose=purpose
        )
    if session.status == VoteSession.Status.PREPARING:
        session = voting.session_open(actor=world.user("dongda"), session=session)
    if session.status == VoteSession.Status.OPEN:
        by_unit = {c.unit_id: c.pk for c in session.candidates.all()}
        for voter, chosen in BALLOTS[purpose].items():
            voting.ballot_cast(
                actor=world.user(voter),
                session=session,
                unit=world.unit(voter),
                choices=[by_unit[world.unit(name).pk] for name in chosen],
            )
        voting.vote_close(actor=world.user("dongda"), session=session)
    return session


def _meeting(world):
    meeting = Meeting.objects.filter(cluster_year=world.cluster_year).first()
    if meeting is None:
        meeting = voting.meeting_create(
            actor=world.user("canbo.dongda"),
            cluster_year=world.cluster_year,
            title="Hội nghị tổng kết công tác thi đua năm 2020",
            held_at=MEETING_AT,
            venue="Trụ sở Ủy ban MTTQ Việt Nam quận Đống Đa",
            chair_name="Đỗ Trọng Nam",
            chair_title="Chủ tịch Ủy ban MTTQ Việt Nam quận Đống Đa, Cụm trưởng",
            secretary_name="Nguyễn Văn M",
            secretary_title="Cán bộ Ủy ban MTTQ Việt Nam quận Đống Đa",
            notes=(
                "Các đơn vị thống nhất kết quả chấm điểm và xếp hạng; hội nghị biểu dương mô "
                "hình của quận Hoàn Kiếm và quận Đống Đa. (Dữ liệu minh họa.)"
            ),
        )
    _plan_2021(world)  # so that next year's cluster year links the 2021 plan
    for purpose in (P.LEADING, P.CERTIFICATES, P.HEAD, P.DEPUTY):
        _vote(world, meeting, purpose)
    meeting.refresh_from_db()
    if not meeting.minutes_issued:
        voting.minutes_issue(actor=world.user("dongda"), meeting=meeting, date=MEETING_AT.date())
        meeting.refresh_from_db()
    return meeting


def _report(item, year):
    """The achievement report as a unit would complete it: the application's draft (results,
    ranking, earlier awards) with the sections the unit writes itself."""
    return {
        **reports.prefill(item),
        "situation": (
            f"{item.unit_name} (dữ liệu minh họa) có 15 cán bộ, công chức; Ban Thường trực gồm "
            "Chủ tịch và 02 Phó Chủ tịch; 100% khu dân cư có Ban Công tác Mặt trận."
        ),
        "duties": (
            "Tập hợp, xây dựng khối đại đoàn kết toàn dân tộc; đại diện, bảo vệ quyền và lợi ích "
            "hợp pháp, chính đáng của Nhân dân; giám sát và phản biện xã hội."
        ),
        "measures": (
            f"Năm {year}, đơn vị tổ chức tốt Ngày hội Đại đoàn kết toàn dân tộc ở 100% khu dân "
            "cư; triển khai hiệu quả các phong trào thi đua và cuộc vận động; xây dựng được mô "
            "hình mới được biểu dương."
        ),
        "policies": (
            "Thực hiện nghiêm chủ trương của Đảng, chính sách, pháp luật của Nhà nước; công tác "
            "xây dựng Đảng, đoàn thể được quan tâm; không có cán bộ vi phạm kỷ luật."
        ),
    }


def _proposal(world):
    cluster_year = world.cluster_year
    proposal = Proposal.objects.filter(cluster_year=cluster_year).first()
    if proposal is None:
        proposal = proposals.proposal_create(
            actor=world.user("canbo.dongda"), cluster_year=cluster_year
        )
    if proposal.status == Proposal.Status.TO_SEND:
        for item in proposal.items.all():
            if not item.has_report:
                proposals.item_report_save(
                    actor=world.user("canbo.dongda"),
                    item=item,
                    expected_version=item.version,
                    sections=_report(item, cluster_year.year),
                )
        proposals.proposal_submit(actor=world.user("dongda"), proposal=proposal, date=SUBMITTED_ON)
        proposal.refresh_from_db()
    staff = world.user("bantt")
    if proposal.is_under_review:
        proposals.proposal_accept(
            actor=staff,
            proposal=proposal,
            accepted=list(proposal.items.values_list("pk", flat=True)),
        )
        proposals.proposal_start_decision(actor=staff, proposal=proposal)
        proposal.refresh_from_db()
    if proposal.status == Proposal.Status.BEING_DECIDED:
        scan = SimpleUploadedFile(
            "quyet-dinh-khen-thuong-2020.pdf",
            placeholder_pdf("Quyet dinh khen thuong nam 2020 - Cum thi dua so 1"),
            content_type="application/pdf",
        )
        decision = proposals.proposal_decide(
            actor=staff,
            proposal=proposal,
            number="125/QĐ-MTTQ-BTT",
            date=DECIDED_ON,
            signer_name="Nguyễn Lan Hương",
            signer_title="Chủ tịch Ủy ban MTTQ Việt Nam thành phố Hà Nội",
            granted=list(proposal.items.values_list("pk", flat=True)),
            scan=scan,
        )
        # The file attached as the signed decision is the decision itself, in the official
        # layout (drafted from what was recorded), not a one-line placeholder.
        drafted = ContentFile(decision_pdf(decision))
        decision.scan.delete(save=False)
        decision.scan.save("quyet-dinh-khen-thuong-2020.pdf", drafted, save=True)
        proposal.refresh_from_db()
        _backdate(world, proposal)
    return proposal


def _backdate(world, proposal):
    """Move the vote's and the file's times back to when the story happened."""
    meeting = proposal.cluster_year.award_meeting
    for index, session in enumerate(meeting.sessions.order_by("pk")):
        opened = MEETING_AT + datetime.timedelta(minutes=30 + 25 * index)
        closed = opened + datetime.timedelta(minutes=15)
        VoteSession.objects.filter(pk=session.pk).update(opened_at=opened, closed_at=closed)
        VoteRound.objects.filter(session=session).update(opened_at=opened, closed_at=closed)
    times = {
        Proposal.Status.TO_SEND: datetime.datetime(2020, 12, 25, 9, 0, tzinfo=HANOI),
        Proposal.Status.AWAITING_REVIEW: datetime.datetime(2020, 12, 28, 10, 0, tzinfo=HANOI),
        Proposal.Status.ACCEPTED: datetime.datetime(2021, 1, 6, 15, 0, tzinfo=HANOI),
        Proposal.Status.BEING_DECIDED: datetime.datetime(2021, 1, 8, 9, 0, tzinfo=HANOI),
        Proposal.Status.DECIDED: datetime.datetime(2021, 1, 15, 16, 0, tzinfo=HANOI),
    }
    for status, at in times.items():
        ProposalStatusChange.objects.filter(proposal=proposal, to_status=status).update(at=at)
    Proposal.objects.filter(pk=proposal.pk).update(
        submitted_at=times[Proposal.Status.AWAITING_REVIEW]
    )
    Decision.objects.filter(proposal=proposal).update(recorded_at=times[Proposal.Status.DECIDED])


def _year_2021(world):
    """2021: the year started, the catalogue copied, the agreement adopted and open to sign."""
    cluster_year = ClusterYear.objects.get(cluster=world.cluster, year=2021)
    if cluster_year.status == ClusterYear.Status.PREPARING:
        cluster_year = cluster_services.cluster_year_start(
            actor=world.user("bantt"), cluster_year=cluster_year
        )
    if not AwardType.objects.filter(parent=world.parent, year=2021).exists():
        proposals.catalogue_copy(actor=world.user("bantt"), parent=world.parent, year=2021)
    existing = Agreement.objects.filter(cluster_year=cluster_year, status__in=IN_FORCE).first()
    if existing is not None:
        return cluster_year, existing
    head = world.user("hoankiem")
    agreement = Agreement.objects.filter(
        cluster_year=cluster_year, kind=Agreement.Kind.AGREEMENT
    ).first() or agreement_services.agreement_create(
        actor=head, cluster_year=cluster_year, origin=Agreement.Origin.TEMPLATE, is_demo=True
    )
    if agreement.status == Agreement.Status.DRAFT:
        agreement_services.agreement_update(
            actor=head,
            agreement=agreement,
            expected_version=agreement.version,
            title=agreement.title,
            place=agreement.place,
            date=CONFERENCE_2021,
            legal_basis=agreement.legal_basis,
            closing=agreement.closing,
        )
        agreement = agreement_services.agreement_circulate(actor=head, agreement=agreement)
    agreement = agreement_services.agreement_adopt(
        actor=head, agreement=agreement, signing_deadline=_ahead(SIGNING_OPEN_FOR)
    )
    Agreement.objects.filter(pk=agreement.pk).update(
        adopted_at=datetime.datetime(2021, 2, 4, 15, 0, tzinfo=HANOI)
    )
    agreement.refresh_from_db()
    return cluster_year, agreement


def _ahead(delta):
    """A deadline `delta` from now, to the minute (as the deadline fields take it)."""
    return (timezone.now() + delta).replace(second=0, microsecond=0)


def _proposal_deadline_2021(world):
    """The parent body's date for its 2021 clusters' proposal files."""
    if not ProposalDeadline.objects.filter(cluster_year=world.cluster_year_2021).exists():
        proposals.proposal_deadline_set_all(
            actor=world.user("bantt"),
            parent=world.parent,
            year=2021,
            due=_ahead(PROPOSAL_FILE_IN),
        )


def build(world):
    """Build (or find) the end of the 2020 story and the 2021 agreement awaiting signatures."""
    _catalogue(world)
    world.meeting = _meeting(world)
    world.proposal = _proposal(world)
    world.cluster_year_2021, world.agreement_2021 = _year_2021(world)
    _proposal_deadline_2021(world)
    return world
