"""The vote: rules, meeting, sessions, ballots and their refusals, counting, rounds, election,
minutes. Every refusal leaves the database as it was."""

import datetime
from decimal import Decimal

import pytest

from awards import access, selectors
from awards.models import (
    Attendance,
    Candidate,
    Meeting,
    Participation,
    VoteBase,
    VoteCount,
    VoteRound,
    VoteRules,
    VoteSession,
    VoteTieBreak,
)
from awards.selectors import round_results
from awards.services import votes as voting
from clusters import services as cluster_services
from clusters.models import ClusterYear, IssuedNumber, Membership, Position, Unit
from core.errors import DomainError
from core.models import AuditEntry
from tests.awards.support import (
    candidate_ids,
    cast,
    english,  # noqa: F401  (autouse: messages in English)
    everyone,
    full_meeting,
    meeting,
    run_vote,
    session,
)

pytestmark = pytest.mark.django_db
P = VoteSession.Purpose


def state(the_session):
    """Everything a ballot could change: participations, counters, ballots cast."""
    return (
        sorted(Participation.objects.filter(round__session=the_session).values_list("unit_id")),
        sorted(VoteCount.objects.filter(round__session=the_session).values_list("pk", "votes")),
        list(VoteRound.objects.filter(session=the_session).values_list("ballots_cast")),
        AuditEntry.objects.count(),
    )


def opened(world, the_meeting, purpose=P.LEADING, **kwargs):
    the_session = session(world, the_meeting, purpose, **kwargs)
    return voting.session_open(actor=world.user("dongda"), session=the_session)


# --- rules ---------------------------------------------------------------------------------


def test_vote_rules_default_to_more_than_half_of_those_present_in_two_rounds(world):
    rules = selectors.vote_rules_for(world.parent.pk, 2020)
    assert rules.pk is None
    assert (rules.threshold_percent, rules.strictly_more, rules.base, rules.rounds) == (
        Decimal("50"),
        True,
        VoteBase.PRESENT,
        2,
    )


def test_parent_staff_save_the_vote_rules_and_the_change_is_audited(world):
    rules = voting.vote_rules_save(
        actor=world.user("bantt"),
        parent=world.parent,
        year=2020,
        threshold_percent=Decimal("66.67"),
        strictly_more=False,
        base=VoteBase.ALL,
        rounds=3,
        tie_break=VoteTieBreak.ANOTHER_ROUND,
    )
    assert VoteRules.objects.get() == rules and rules.base == VoteBase.ALL
    assert AuditEntry.objects.filter(action="vote_rules.save").exists()


@pytest.mark.parametrize(
    ("field", "value"), [("threshold_percent", Decimal("101")), ("rounds", 0), ("rounds", 9)]
)
def test_vote_rules_out_of_range_are_refused(world, field, value):
    data = {"threshold_percent": Decimal("50"), "rounds": 2, field: value}
    with pytest.raises(DomainError):
        voting.vote_rules_save(actor=world.user("bantt"), parent=world.parent, year=2020, **data)
    assert not VoteRules.objects.exists()


# --- the meeting ---------------------------------------------------------------------------


def test_the_meeting_needs_the_locked_ranking(results):
    with pytest.raises(DomainError, match="not locked"):
        meeting(results.world)
    assert not Meeting.objects.exists()


def test_the_meeting_marks_every_member_present_and_is_once_per_year(the_meeting, ranked):
    assert Attendance.objects.filter(meeting=the_meeting, present=True).count() == 6
    with pytest.raises(DomainError, match="already"):
        meeting(ranked)
    assert Meeting.objects.count() == 1


def test_attendance_cannot_change_while_a_vote_is_open(ranked, the_meeting):
    opened(ranked, the_meeting)
    with pytest.raises(DomainError, match="open"):
        voting.attendance_set(actor=ranked.user("dongda"), meeting=the_meeting, present_unit_ids=[])
    assert Attendance.objects.filter(present=True).count() == 6


def test_attendance_accepts_only_members(ranked, the_meeting):
    outsider = Unit.objects.get(short_name="Lê Chân")
    with pytest.raises(DomainError, match="member"):
        voting.attendance_set(
            actor=ranked.user("dongda"), meeting=the_meeting, present_unit_ids=[outsider.pk]
        )


# --- sessions and their candidates ---------------------------------------------------------


def test_the_leading_vote_starts_with_the_unit_ranked_first(ranked, the_meeting):
    leading = session(ranked, the_meeting, P.LEADING)
    assert [c.unit_name for c in leading.candidates.all()] == [ranked.unit("dongda").name]
    assert leading.seats == 1 and leading.status == VoteSession.Status.PREPARING


def test_certificates_follow_the_leading_vote_and_take_the_eligible_others(ranked, the_meeting):
    with pytest.raises(DomainError, match="leading unit first"):
        session(ranked, the_meeting, P.CERTIFICATES)
    run_vote(ranked, the_meeting, P.LEADING, everyone("dongda"))
    certificates = session(ranked, the_meeting, P.CERTIFICATES)
    names = [c.unit.short_name for c in certificates.candidates.order_by("rank")]
    # Đống Đa leads already; Hoàng Mai is rated below the catalogue's minimum.
    assert names == ["Hoàn Kiếm", "Ba Đình", "Hai Bà Trưng", "Long Biên"]
    assert certificates.seats == 3  # 50% of the six members


def test_the_deputy_is_elected_after_the_head_and_never_the_same_unit(ranked, the_meeting):
    with pytest.raises(DomainError, match="head before the deputy"):
        session(ranked, the_meeting, P.DEPUTY)
    head = session(ranked, the_meeting, P.HEAD)
    assert ranked.unit("dongda").pk not in {c.unit_id for c in head.candidates.all()}
    voting.session_open(actor=ranked.user("dongda"), session=head)
    cast(ranked, head, everyone("hoankiem"))
    voting.vote_close(actor=ranked.user("dongda"), session=head)
    deputy = session(ranked, the_meeting, P.DEPUTY)
    assert ranked.unit("hoankiem").pk not in {c.unit_id for c in deputy.candidates.all()}
    with pytest.raises(DomainError, match="cannot also be the deputy"):
        voting.candidate_add(
            actor=ranked.user("dongda"), session=deputy, unit=ranked.unit("hoankiem")
        )


def test_candidates_change_only_before_the_vote_opens(ranked, the_meeting):
    leading = session(ranked, the_meeting, P.LEADING)
    added = voting.candidate_add(
        actor=ranked.user("dongda"), session=leading, unit=ranked.unit("hoankiem")
    )
    assert added.rank == 2
    voting.candidate_remove(actor=ranked.user("dongda"), candidate=added)
    outsider = Unit.objects.get(short_name="Lê Chân")
    with pytest.raises(DomainError, match="member"):
        voting.candidate_add(actor=ranked.user("dongda"), session=leading, unit=outsider)
    voting.session_open(actor=ranked.user("dongda"), session=leading)
    with pytest.raises(DomainError, match="started"):
        voting.candidate_add(
            actor=ranked.user("dongda"), session=leading, unit=ranked.unit("badinh")
        )
    assert leading.candidates.count() == 1


def test_a_purpose_is_voted_once_per_meeting_and_single_seats_elect_one(ranked, the_meeting):
    session(ranked, the_meeting, P.LEADING)
    with pytest.raises(DomainError, match="already"):
        session(ranked, the_meeting, P.LEADING)
    with pytest.raises(DomainError, match="exactly one"):
        session(ranked, the_meeting, P.HEAD, seats=2)


def test_opening_freezes_the_rules_and_creates_round_one_with_hidden_counters(ranked, the_meeting):
    voting.vote_rules_save(actor=ranked.user("bantt"), parent=ranked.parent, year=2020, rounds=3)
    leading = opened(ranked, the_meeting)
    assert leading.status == VoteSession.Status.OPEN and leading.rounds_allowed == 3
    vote_round = leading.rounds.get()
    assert (vote_round.number, vote_round.present_count, vote_round.base_count) == (1, 6, 6)
    assert vote_round.counts.count() == 1 and round_results(vote_round) is None


def test_a_vote_without_candidates_does_not_open(ranked, the_meeting):
    leading = session(ranked, the_meeting, P.LEADING)
    Candidate.objects.filter(session=leading).delete()
    with pytest.raises(DomainError, match="at least one candidate"):
        voting.session_open(actor=ranked.user("dongda"), session=leading)
    leading.refresh_from_db()
    assert leading.status == VoteSession.Status.PREPARING and not leading.rounds.exists()


# --- the secret ballot ---------------------------------------------------------------------


def test_a_ballot_records_that_the_unit_voted_and_adds_its_choice(ranked, the_meeting):
    leading = opened(ranked, the_meeting)
    cast(ranked, leading, {"badinh": ["dongda"]})
    vote_round = leading.rounds.get()
    assert list(vote_round.participations.values_list("unit__short_name", flat=True)) == ["Ba Đình"]
    assert list(vote_round.counts.values_list("votes", flat=True)) == [1]
    assert VoteRound.objects.get(pk=vote_round.pk).ballots_cast == 1
    entry = AuditEntry.objects.get(action="vote.ballot")
    assert entry.after == {"unit": ranked.unit("badinh").pk, "round": 1}


def test_a_blank_ballot_counts_as_taking_part(ranked, the_meeting):
    leading = opened(ranked, the_meeting)
    voting.ballot_cast(
        actor=ranked.user("badinh"), session=leading, unit=ranked.unit("badinh"), choices=[]
    )
    vote_round = leading.rounds.get()
    assert vote_round.participations.count() == 1
    assert list(vote_round.counts.values_list("votes", flat=True)) == [0]


def test_a_second_ballot_is_refused_and_changes_nothing(ranked, the_meeting):
    leading = opened(ranked, the_meeting)
    cast(ranked, leading, {"badinh": ["dongda"]})
    before = state(leading)
    with pytest.raises(DomainError, match="already voted"):
        cast(ranked, leading, {"badinh": ["dongda"]})
    assert state(leading) == before


def test_a_ballot_from_a_non_member_is_refused(ranked, the_meeting):
    leading = opened(ranked, the_meeting)
    outsider = Unit.objects.get(short_name="Lê Chân")
    Position.objects.create(
        person=ranked.user("hoangmai").person,
        unit=outsider,
        title=Position.Title.CHAIR,
        can_sign=True,
        confirmation="confirmed",
    )
    before = state(leading)
    with pytest.raises(DomainError, match="member unit"):
        voting.ballot_cast(
            actor=ranked.user("hoangmai"),
            session=leading,
            unit=outsider,
            choices=candidate_ids(leading, "dongda", world=ranked),
        )
    assert state(leading) == before


def test_a_ballot_from_an_absent_unit_is_refused(ranked, the_meeting):
    present = [ranked.unit(n).pk for n in ("dongda", "badinh", "hoankiem", "longbien")]
    voting.attendance_set(
        actor=ranked.user("dongda"), meeting=the_meeting, present_unit_ids=present
    )
    leading = opened(ranked, the_meeting)
    assert leading.rounds.get().present_count == 4
    before = state(leading)
    with pytest.raises(DomainError, match="absent"):
        cast(ranked, leading, {"hoangmai": ["dongda"]})
    assert state(leading) == before


def test_only_the_units_signatory_casts_its_ballot(ranked, the_meeting):
    leading = opened(ranked, the_meeting)
    before = state(leading)
    with pytest.raises(DomainError, match="chair"):
        voting.ballot_cast(
            actor=ranked.user("canbo.badinh"),
            session=leading,
            unit=ranked.unit("badinh"),
            choices=[],
        )
    assert state(leading) == before


def test_a_ballot_on_a_closed_vote_is_refused(ranked, the_meeting):
    counted = run_vote(
        ranked, the_meeting, P.HEAD, {"badinh": ["hoankiem"], "dongda": [], "longbien": []}
    )
    assert counted.status == VoteSession.Status.COUNTED
    with pytest.raises(DomainError, match="counted"):
        cast(ranked, counted, {"hoankiem": ["hoankiem"]})
    leading = run_vote(
        ranked,
        the_meeting,
        P.LEADING,
        {"badinh": ["dongda"], "dongda": ["dongda"]}
        | {"hoankiem": ["dongda"], "longbien": ["dongda"]},
    )
    assert leading.status == VoteSession.Status.CLOSED
    before = state(leading)
    with pytest.raises(DomainError, match="closed"):
        cast(ranked, leading, {"hoangmai": ["dongda"]})
    assert state(leading) == before


def test_a_ballot_before_the_vote_opens_is_refused(ranked, the_meeting):
    leading = session(ranked, the_meeting, P.LEADING)
    with pytest.raises(DomainError, match="not been opened"):
        cast(ranked, leading, {"badinh": ["dongda"]})
    assert not Participation.objects.exists()


def test_ballots_choose_only_candidates_and_at_most_the_seats(ranked, the_meeting):
    leading = opened(ranked, the_meeting)
    before = state(leading)
    dongda = candidate_ids(leading, "dongda", world=ranked)[0]
    for choices in ([dongda, dongda], [987654], ["x"], [dongda, 987654]):
        with pytest.raises(DomainError):
            voting.ballot_cast(
                actor=ranked.user("badinh"),
                session=leading,
                unit=ranked.unit("badinh"),
                choices=choices,
            )
    assert state(leading) == before


def test_a_paper_vote_takes_no_online_ballot(ranked, the_meeting):
    leading = opened(ranked, the_meeting, mode=VoteSession.Mode.PAPER)
    with pytest.raises(DomainError, match="paper"):
        cast(ranked, leading, {"badinh": ["dongda"]})
    assert not Participation.objects.exists()


def test_who_may_vote_now(ranked, the_meeting):
    leading = opened(ranked, the_meeting)
    assert [u.pk for u in access.may_vote(ranked.user("badinh"), leading)] == [
        ranked.unit("badinh").pk
    ]
    cast(ranked, leading, {"badinh": ["dongda"]})
    assert access.may_vote(ranked.user("badinh"), leading) == []
    assert access.may_vote(ranked.user("canbo.badinh"), leading) == []
    assert access.may_vote(ranked.user("xem"), leading) == []


# --- counting, rounds and ties -------------------------------------------------------------


def test_closing_counts_against_the_threshold_and_shows_the_results(ranked, the_meeting):
    leading = run_vote(
        ranked,
        the_meeting,
        P.LEADING,
        {
            "dongda": ["dongda"],
            "badinh": ["dongda"],
            "hoankiem": ["dongda"],
            "longbien": ["dongda"],
        },
    )
    winner = leading.candidates.get()
    assert (winner.outcome, winner.elected_round, winner.share) == (
        Candidate.Outcome.ELECTED,
        1,
        Decimal("66.67"),
    )
    rows = round_results(leading.rounds.get())
    assert [(r.votes, r.elected_here) for r in rows] == [(4, True)]
    entry = AuditEntry.objects.get(action="vote.count")
    assert entry.after["counts"] == {ranked.unit("dongda").name: 4}


def test_closing_before_everyone_voted_and_before_the_deadline_is_refused(ranked, the_meeting):
    leading = opened(ranked, the_meeting)
    with pytest.raises(DomainError, match="every unit present has voted"):
        voting.vote_close(actor=ranked.user("dongda"), session=leading)
    assert leading.rounds.get().status == VoteRound.Status.OPEN


def test_exactly_half_is_not_more_than_half_so_another_round_follows(ranked, the_meeting):
    leading = run_vote(
        ranked,
        the_meeting,
        P.LEADING,
        {"dongda": ["dongda"], "badinh": ["dongda"], "hoankiem": ["dongda"], "longbien": []},
    )
    assert leading.status == VoteSession.Status.COUNTED
    assert leading.candidates.get().outcome == Candidate.Outcome.PENDING
    voting.vote_next_round(actor=ranked.user("dongda"), session=leading)
    leading.refresh_from_db()
    second = leading.rounds.get(number=2)
    assert leading.status == VoteSession.Status.OPEN and second.counts.count() == 1
    cast(ranked, leading, everyone("dongda"))
    voting.vote_close(actor=ranked.user("dongda"), session=leading)
    leading.refresh_from_db()
    assert leading.status == VoteSession.Status.CLOSED
    assert leading.candidates.get().elected_round == 2


def test_when_no_round_is_left_the_vote_closes_without_a_winner(ranked, the_meeting):
    voting.vote_rules_save(actor=ranked.user("bantt"), parent=ranked.parent, year=2020, rounds=1)
    leading = run_vote(
        ranked, the_meeting, P.LEADING, {"badinh": [], "dongda": ["dongda"], "longbien": []}
    )
    assert leading.status == VoteSession.Status.CLOSED
    assert leading.candidates.get().outcome == Candidate.Outcome.NOT_ELECTED
    with pytest.raises(DomainError):
        voting.vote_next_round(actor=ranked.user("dongda"), session=leading)


def test_the_head_may_end_a_counted_vote_with_seats_unfilled(ranked, the_meeting):
    leading = run_vote(ranked, the_meeting, P.LEADING, {"badinh": [], "dongda": [], "longbien": []})
    voting.vote_finish(actor=ranked.user("dongda"), session=leading)
    leading.refresh_from_db()
    assert leading.status == VoteSession.Status.CLOSED
    assert leading.candidates.get().outcome == Candidate.Outcome.NOT_ELECTED


def test_the_base_of_all_members_counts_the_absent_against(ranked, the_meeting):
    present = [ranked.unit(n).pk for n in ("dongda", "badinh", "hoankiem", "longbien")]
    voting.attendance_set(
        actor=ranked.user("dongda"), meeting=the_meeting, present_unit_ids=present
    )
    voting.vote_rules_save(
        actor=ranked.user("bantt"), parent=ranked.parent, year=2020, base=VoteBase.ALL
    )
    ballots = {"dongda": ["dongda"], "badinh": ["dongda"], "hoankiem": ["dongda"]}
    leading = run_vote(ranked, the_meeting, P.LEADING, ballots)
    vote_round = leading.rounds.get()
    assert (vote_round.present_count, vote_round.base_count) == (4, 6)
    assert leading.status == VoteSession.Status.COUNTED  # 3 of 6 is not more than half


TIED_BALLOTS = {  # Hoàn Kiếm, Ba Đình and Long Biên get 4 of 6 each
    "haibatrung": ["hoankiem", "longbien"],
    "dongda": ["hoankiem", "badinh"],
    "badinh": ["hoankiem", "longbien"],
    "hoankiem": ["badinh", "longbien"],
    "longbien": ["hoankiem", "badinh"],
    "hoangmai": ["badinh", "longbien"],
}


def test_certificates_elect_up_to_the_seats_and_a_tie_goes_to_the_better_rank(ranked, the_meeting):
    run_vote(ranked, the_meeting, P.LEADING, everyone("dongda"))
    certificates = run_vote(ranked, the_meeting, P.CERTIFICATES, TIED_BALLOTS, seats=2)
    # Three tie on 4 votes for 2 seats: Hoàn Kiếm (rank 2) and Ba Đình (rank 3) beat
    # Long Biên (rank 5).
    assert {c.unit.short_name for c in certificates.elected()} == {"Hoàn Kiếm", "Ba Đình"}
    assert certificates.status == VoteSession.Status.CLOSED
    shares = {c.unit.short_name: c.share for c in certificates.candidates.all()}
    assert shares["Long Biên"] == Decimal("66.67") and shares["Hai Bà Trưng"] == Decimal("0")


def test_a_tie_goes_to_another_round_between_the_tied_when_the_rule_says_so(ranked, the_meeting):
    voting.vote_rules_save(
        actor=ranked.user("bantt"),
        parent=ranked.parent,
        year=2020,
        tie_break=VoteTieBreak.ANOTHER_ROUND,
    )
    run_vote(ranked, the_meeting, P.LEADING, everyone("dongda"))
    certificates = run_vote(ranked, the_meeting, P.CERTIFICATES, TIED_BALLOTS, seats=2)
    assert certificates.status == VoteSession.Status.COUNTED and not certificates.elected()
    voting.vote_next_round(actor=ranked.user("dongda"), session=certificates)
    second = certificates.rounds.get(number=2)
    standing = {c.candidate.unit.short_name for c in second.counts.select_related("candidate")}
    assert standing == {"Hoàn Kiếm", "Ba Đình", "Long Biên"} and second.seats == 2


def test_paper_tallies_are_entered_by_the_head_and_checked(ranked, the_meeting):
    leading = opened(ranked, the_meeting, mode=VoteSession.Mode.PAPER)
    dongda = candidate_ids(leading, "dongda", world=ranked)[0]
    before = state(leading)
    for ballots_cast, votes in ((7, 5), (5, 6), (0, 0)):
        with pytest.raises(DomainError):
            voting.vote_paper_tally(
                actor=ranked.user("dongda"),
                session=leading,
                ballots_cast=ballots_cast,
                counts={dongda: votes},
            )
    with pytest.raises(DomainError, match="every candidate"):
        voting.vote_paper_tally(
            actor=ranked.user("dongda"), session=leading, ballots_cast=6, counts={}
        )
    assert state(leading) == before
    voting.vote_paper_tally(
        actor=ranked.user("dongda"), session=leading, ballots_cast=6, counts={dongda: 5}
    )
    leading.refresh_from_db()
    assert leading.status == VoteSession.Status.CLOSED
    assert leading.candidates.get().share == Decimal("83.33")
    assert not Participation.objects.exists()


def test_an_online_vote_takes_no_paper_tally(ranked, the_meeting):
    leading = opened(ranked, the_meeting)
    with pytest.raises(DomainError, match="online"):
        voting.vote_paper_tally(
            actor=ranked.user("dongda"), session=leading, ballots_cast=1, counts={}
        )


# --- the election and the minutes ----------------------------------------------------------


def test_electing_the_head_and_deputy_creates_next_years_cluster_year(ranked):
    the_meeting = full_meeting(ranked)
    next_year = ClusterYear.objects.get(cluster=ranked.cluster, year=2021)
    roles = {m.unit.short_name: m.role for m in next_year.memberships.select_related("unit")}
    assert roles["Hoàn Kiếm"] == Membership.Role.HEAD
    assert roles["Ba Đình"] == Membership.Role.DEPUTY
    assert len(roles) == 6
    assert AuditEntry.objects.filter(action="meeting.rollover").exists()
    with pytest.raises(DomainError, match="already has a year"):
        voting.election_rollover(actor=ranked.user("dongda"), meeting=the_meeting)


def test_the_rollover_can_be_asked_for_when_no_deputy_is_voted(ranked, the_meeting):
    with pytest.raises(DomainError, match="not been elected"):
        voting.election_rollover(actor=ranked.user("dongda"), meeting=the_meeting)
    run_vote(ranked, the_meeting, P.HEAD, everyone("hoankiem"))
    voting.election_rollover(actor=ranked.user("dongda"), meeting=the_meeting)
    next_year = ClusterYear.objects.get(cluster=ranked.cluster, year=2021)
    assert next_year.head == ranked.unit("hoankiem") and next_year.deputy is None


def test_an_existing_next_year_is_left_alone_when_the_deputy_is_elected(ranked, the_meeting):
    cluster_services.cluster_year_create(
        actor=ranked.user("bantt"), cluster=ranked.cluster, year=2021
    )
    run_vote(ranked, the_meeting, P.HEAD, everyone("hoankiem"))
    run_vote(ranked, the_meeting, P.DEPUTY, everyone("badinh"))
    assert ClusterYear.objects.get(cluster=ranked.cluster, year=2021).memberships.count() == 0


def test_the_minutes_need_every_vote_closed_then_take_a_number_and_freeze(ranked, the_meeting):
    with pytest.raises(DomainError, match="at least one vote"):
        voting.minutes_issue(actor=ranked.user("dongda"), meeting=the_meeting)
    leading = opened(ranked, the_meeting)
    with pytest.raises(DomainError, match="Close every vote"):
        voting.minutes_issue(actor=ranked.user("dongda"), meeting=the_meeting)
    cast(ranked, leading, everyone("dongda"))
    voting.vote_close(actor=ranked.user("dongda"), session=leading)
    issued = voting.minutes_issue(
        actor=ranked.user("dongda"), meeting=the_meeting, date=datetime.date(2020, 12, 18)
    )
    number = IssuedNumber.objects.get(register__unit=ranked.unit("dongda"))
    assert issued.minutes_number == number and number.reference == "01/BB-MTTQ"
    assert issued.minutes_snapshot["leading"] == [ranked.unit("dongda").name]
    assert issued.minutes_snapshot["number"] == "01/BB-MTTQ"
    with pytest.raises(DomainError, match="issued"):
        voting.minutes_issue(actor=ranked.user("dongda"), meeting=the_meeting)
    with pytest.raises(DomainError, match="issued"):
        session(ranked, the_meeting, P.HEAD)
    with pytest.raises(DomainError, match="issued"):
        voting.meeting_update(
            actor=ranked.user("dongda"),
            meeting=the_meeting,
            expected_version=the_meeting.version,
            venue="Nơi khác",
        )
    assert IssuedNumber.objects.count() == 1
