"""Helpers of the vote and proposal tests: a locked ranking, a catalogue, a meeting, ballots.

Built on the results world (tests/awards/conftest.py): the seed foundation plus a signed
2020 agreement. The locked ranking below is, by total: Đống Đa 40, Hoàn Kiếm 39, Ba Đình 38.5,
Hai Bà Trưng 38, Long Biên 37 (all "Hoàn thành xuất sắc nhiệm vụ"), Hoàng Mai 30 ("Hoàn thành
tốt nhiệm vụ").
"""

import datetime
import zoneinfo
from decimal import Decimal

import pytest
from django.utils import timezone

from awards.models import AwardType, VoteRound, VoteSession
from awards.services import proposals
from awards.services import votes as voting
from results import services

HANOI = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture(autouse=True)
def english(settings):
    """Messages in English, the message ids the tests match, whatever the default language.

    Import it into a test module to use it there."""
    settings.LANGUAGE_CODE = "en"


EXCELLENT = "Hoàn thành xuất sắc nhiệm vụ"
GOOD = "Hoàn thành tốt nhiệm vụ"
VALUES = {
    "dongda": "10",
    "hoankiem": "9",
    "badinh": "8.5",
    "haibatrung": "8",
    "longbien": "7",
    "hoangmai": "0",
}
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def username_of(world, unit):
    return next(name for name, u in world.units.items() if u.pk == unit.pk)


def lock_ranking(results, values=VALUES):
    """Open the year-end review, submit and accept every sheet, lock: the snapshot."""
    period = results.open()
    for assessment in period.assessments.select_related("unit"):
        value = values[username_of(results.world, assessment.unit)]
        results.submit(assessment, overrides={"1.1": {"value": value}})
        services.assessment_accept(actor=results.reviewer_for(assessment), assessment=assessment)
    return services.period_lock(actor=results.user("dongda"), period=period)


def build_catalogue(world, year=2020):
    """Flag (rank 1, elected leading), merit (excellent, elected, half the members), and
    merit for individuals (two per cluster)."""
    staff, parent = world.user("bantt"), world.parent
    flag = proposals.award_type_create(
        actor=staff,
        parent=parent,
        year=year,
        order=0,
        form=AwardType.Form.FLAG,
        name="Cờ thi đua của Ủy ban MTTQ Việt Nam thành phố Hà Nội",
        issuer="Ủy ban MTTQ Việt Nam thành phố Hà Nội",
        recipient=AwardType.Recipient.COLLECTIVE,
        rank_one_only=True,
        min_rating=EXCELLENT,
        vote_purpose=AwardType.VotePurpose.LEADING,
        quota_kind=AwardType.Quota.NUMBER,
        quota_value=Decimal("1"),
    )
    merit = proposals.award_type_create(
        actor=staff,
        parent=parent,
        year=year,
        order=1,
        form=AwardType.Form.MERIT,
        name="Bằng khen của Ủy ban MTTQ Việt Nam thành phố Hà Nội",
        issuer="Ủy ban MTTQ Việt Nam thành phố Hà Nội",
        recipient=AwardType.Recipient.COLLECTIVE,
        rank_one_only=False,
        min_rating=EXCELLENT,
        vote_purpose=AwardType.VotePurpose.CERTIFICATES,
        quota_kind=AwardType.Quota.SHARE,
        quota_value=Decimal("50"),
    )
    person = proposals.award_type_create(
        actor=staff,
        parent=parent,
        year=year,
        order=2,
        form=AwardType.Form.MERIT,
        name="Bằng khen cá nhân của Ủy ban MTTQ Việt Nam thành phố Hà Nội",
        issuer="Ủy ban MTTQ Việt Nam thành phố Hà Nội",
        recipient=AwardType.Recipient.INDIVIDUAL,
        rank_one_only=False,
        min_rating="",
        vote_purpose="",
        quota_kind=AwardType.Quota.NUMBER,
        quota_value=Decimal("2"),
    )
    return flag, merit, person


def meeting(world, **fields):
    data = {
        "title": "Hội nghị tổng kết công tác thi đua năm 2020",
        "held_at": datetime.datetime(2020, 12, 18, 14, 0, tzinfo=HANOI),
        "venue": "Trụ sở Ủy ban MTTQ Việt Nam quận Đống Đa",
        "chair_name": "Đỗ Trọng Nam",
        "chair_title": "Chủ tịch Ủy ban MTTQ Việt Nam quận Đống Đa",
        "secretary_name": "Nguyễn Văn M",
        "secretary_title": "Cán bộ Ủy ban MTTQ Việt Nam quận Đống Đa",
        **fields,
    }
    return voting.meeting_create(
        actor=world.user("dongda"), cluster_year=world.cluster_year, **data
    )


def session(world, the_meeting, purpose, **kwargs):
    return voting.session_create(
        actor=world.user("dongda"), meeting=the_meeting, purpose=purpose, **kwargs
    )


def candidate_ids(the_session, *usernames, world):
    by_unit = {c.unit_id: c.pk for c in the_session.candidates.all()}
    return [by_unit[world.unit(name).pk] for name in usernames]


def cast(world, the_session, ballots):
    """Cast ballots: {voter username: [candidate usernames]}."""
    for voter, chosen in ballots.items():
        voting.ballot_cast(
            actor=world.user(voter),
            session=the_session,
            unit=world.unit(voter),
            choices=candidate_ids(the_session, *chosen, world=world),
        )


def deadline_passes(the_session):
    """The open round's deadline is behind us: it may close whoever has not voted."""
    VoteRound.objects.filter(session=the_session, status=VoteRound.Status.OPEN).update(
        deadline=timezone.now() - datetime.timedelta(seconds=1)
    )


def run_vote(world, the_meeting, purpose, ballots, **kwargs):
    """Create, open, vote and close a session (at its deadline); returns it refreshed."""
    the_session = session(world, the_meeting, purpose, **kwargs)
    voting.session_open(actor=world.user("dongda"), session=the_session)
    cast(world, the_session, ballots)
    deadline_passes(the_session)
    voting.vote_close(actor=world.user("dongda"), session=the_session)
    the_session.refresh_from_db()
    return the_session


ALL = ["haibatrung", "dongda", "badinh", "hoankiem", "longbien", "hoangmai"]


def everyone(*choice):
    return {voter: list(choice) for voter in ALL}


def full_meeting(world):
    """A meeting whose four votes are closed: Đống Đa leads; Hoàn Kiếm, Ba Đình and Hai Bà
    Trưng for certificates; Hoàn Kiếm next head, Ba Đình deputy (2021 created)."""
    the_meeting = meeting(world)
    run_vote(world, the_meeting, VoteSession.Purpose.LEADING, everyone("dongda"))
    run_vote(
        world,
        the_meeting,
        VoteSession.Purpose.CERTIFICATES,
        everyone("hoankiem", "badinh", "haibatrung"),
    )
    run_vote(world, the_meeting, VoteSession.Purpose.HEAD, everyone("hoankiem"))
    run_vote(world, the_meeting, VoteSession.Purpose.DEPUTY, everyone("badinh"))
    the_meeting.refresh_from_db()
    return the_meeting
