"""The ballot's smallest rounds (issue 14): a round closes only when every unit present has
voted or at its deadline; a round of fewer than three ballots is void — never counted nor shown,
the parent body decides with a recorded reason; no extra round can isolate one unit's choice;
one ballot per unit per round, also when the server fails in the middle of a ballot."""

import pytest
from django.db import transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import reverse

from awards.documents import MINUTES_TEMPLATE, minutes_context
from awards.models import Candidate, Participation, VoteCount, VoteRound, VoteSession
from awards.selectors import minutes_content, round_results
from awards.services import votes as voting
from core.errors import DomainError
from core.models import AuditEntry
from tests.awards.support import (
    candidate_ids,
    cast,
    deadline_passes,
    english,  # noqa: F401  (autouse: messages in English)
    everyone,
    run_vote,
    session,
)

pytestmark = pytest.mark.django_db
P = VoteSession.Purpose


def opened(world, the_meeting, purpose=P.HEAD, **kwargs):
    the_session = session(world, the_meeting, purpose, **kwargs)
    return voting.session_open(actor=world.user("dongda"), session=the_session)


def page(client, the_session):
    return client.get(reverse("awards:vote", args=[the_session.pk]))


def void_vote(world, the_meeting):
    """A head election whose first round got two ballots and reached its deadline."""
    head = opened(world, the_meeting)
    cast(world, head, {"badinh": ["hoankiem"], "dongda": ["hoankiem"]})
    deadline_passes(head)
    voting.vote_close(actor=world.user("dongda"), session=head)
    head.refresh_from_db()
    return head


def test_the_head_cannot_close_after_one_ballot(ranked, the_meeting, client_for):
    head = opened(ranked, the_meeting)
    cast(ranked, head, {"badinh": ["hoankiem"]})
    client = client_for(ranked.user("dongda"))
    response = client.post(reverse("awards:vote_close", args=[head.pk]))
    assert response.status_code == 302
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("every unit present has voted (1 of 6 so far)" in m for m in messages), messages
    vote_round = head.rounds.get()
    assert vote_round.status == VoteRound.Status.OPEN and round_results(vote_round) is None
    text = page(client, head).text
    assert "vote-deadline" in text and "vote-count" not in text


def test_the_round_closes_once_every_unit_present_has_voted(ranked, the_meeting):
    head = opened(ranked, the_meeting)
    cast(ranked, head, everyone("hoankiem"))
    voting.vote_close(actor=ranked.user("dongda"), session=head)
    head.refresh_from_db()
    assert head.status == VoteSession.Status.CLOSED
    assert head.rounds.get().deadline is not None


def test_at_its_deadline_a_round_of_three_ballots_is_counted(ranked, the_meeting):
    head = opened(ranked, the_meeting)
    cast(ranked, head, {"badinh": ["hoankiem"], "dongda": ["hoankiem"], "longbien": []})
    deadline_passes(head)
    voting.vote_close(actor=ranked.user("dongda"), session=head)
    assert [r.votes for r in round_results(head.rounds.get()) if r.votes] == [2]


def test_a_round_of_fewer_than_three_ballots_is_void_and_its_result_never_shown(
    ranked, the_meeting, client_for
):
    head = void_vote(ranked, the_meeting)
    vote_round = head.rounds.get()
    assert head.status == VoteSession.Status.VOID
    assert vote_round.status == VoteRound.Status.VOID and vote_round.ballots_cast == 2
    assert round_results(vote_round) is None
    assert set(VoteCount.objects.filter(round=vote_round).values_list("votes", flat=True)) == {0}
    assert all(c.share is None for c in head.candidates.all())
    entry = AuditEntry.objects.get(action="vote.void")
    assert entry.after == {"round": 1, "ballots": 2}
    assert not AuditEntry.objects.filter(action="vote.count").exists()
    text = page(client_for(ranked.user("dongda")), head).text
    assert "a round with fewer than three ballots is void" in text
    assert "vote-count" not in text


def test_no_round_follows_a_void_one_and_the_head_cannot_end_it(ranked, the_meeting):
    head = void_vote(ranked, the_meeting)
    with pytest.raises(DomainError, match="Another round can follow only a counted round"):
        voting.vote_next_round(actor=ranked.user("dongda"), session=head)
    with pytest.raises(DomainError):
        voting.vote_finish(actor=ranked.user("dongda"), session=head)
    assert head.rounds.count() == 1


def test_attendance_is_frozen_between_rounds(ranked, the_meeting):
    """Otherwise a second round without one unit would show that unit's choice by difference."""
    head = run_vote(
        ranked, the_meeting, P.HEAD, {"badinh": ["hoankiem"], "dongda": [], "longbien": []}
    )
    assert head.status == VoteSession.Status.COUNTED
    with pytest.raises(DomainError, match="Attendance cannot change"):
        voting.attendance_set(
            actor=ranked.user("dongda"),
            meeting=the_meeting,
            present_unit_ids=[ranked.unit("badinh").pk],
        )
    assert the_meeting.attendance.filter(present=True).count() == 6


def test_a_paper_round_of_fewer_than_three_ballots_is_void_and_keeps_no_tallies(
    ranked, the_meeting
):
    head = opened(ranked, the_meeting, mode=VoteSession.Mode.PAPER)
    counts = {c.pk: 0 for c in head.candidates.all()}
    counts[candidate_ids(head, "hoankiem", world=ranked)[0]] = 2
    voting.vote_paper_tally(
        actor=ranked.user("dongda"), session=head, ballots_cast=2, counts=counts
    )
    head.refresh_from_db()
    assert head.status == VoteSession.Status.VOID
    assert set(VoteCount.objects.filter(round__session=head).values_list("votes", flat=True)) == {0}


def test_the_parent_body_decides_a_void_vote_with_a_reason(ranked, the_meeting):
    head = void_vote(ranked, the_meeting)
    hoankiem = candidate_ids(head, "hoankiem", world=ranked)
    with pytest.raises(DomainError, match="parent body's staff"):
        voting.vote_decide(
            actor=ranked.user("dongda"), session=head, elected_ids=hoankiem, reason="x"
        )
    with pytest.raises(DomainError) as refused:
        voting.vote_decide(
            actor=ranked.user("bantt"), session=head, elected_ids=hoankiem, reason=" "
        )
    assert "reason" in refused.value.message_dict
    with pytest.raises(DomainError, match="at most 1"):
        voting.vote_decide(
            actor=ranked.user("bantt"),
            session=head,
            elected_ids=candidate_ids(head, "hoankiem", "badinh", world=ranked),
            reason="Hai đơn vị",
        )
    reason = "Chỉ hai đơn vị bỏ phiếu; Ban Thường trực quyết định theo kết quả xếp hạng."
    voting.vote_decide(
        actor=ranked.user("bantt"), session=head, elected_ids=hoankiem, reason=reason
    )
    head.refresh_from_db()
    assert head.status == VoteSession.Status.CLOSED
    assert head.decision_reason == reason and head.decided_by == ranked.user("bantt")
    elected = head.candidates.get(outcome=Candidate.Outcome.ELECTED)
    assert elected.unit == ranked.unit("hoankiem") and elected.elected_round is None
    entry = AuditEntry.objects.get(action="vote.decide")
    assert entry.reason == reason and entry.after == {"elected": [elected.unit_name]}
    with pytest.raises(DomainError, match="Only a vote whose round was void"):
        voting.vote_decide(actor=ranked.user("bantt"), session=head, elected_ids=[], reason="x")


def test_the_decision_page(ranked, the_meeting, client_for):
    head = void_vote(ranked, the_meeting)
    url = reverse("awards:vote_decide", args=[head.pk])
    hoankiem = candidate_ids(head, "hoankiem", world=ranked)
    post = {"elected": hoankiem, "reason": "Quyết định của Ban Thường trực"}
    assert client_for(ranked.user("ngoai")).post(url, post).status_code == 404
    assert client_for(ranked.user("xem")).post(url, post).status_code == 403
    assert client_for(ranked.user("dongda")).post(url, post).status_code == 403
    assert "vote_decide" not in page(client_for(ranked.user("dongda")), head).text
    staff = client_for(ranked.user("bantt"))
    assert f'action="{url}"' in page(staff, head).text
    missing = staff.post(url, {"elected": hoankiem, "reason": ""})
    assert missing.status_code == 302
    head.refresh_from_db()
    assert head.status == VoteSession.Status.VOID
    response = staff.post(url, post)
    assert response.status_code == 302 and response.url == head.get_absolute_url()
    head.refresh_from_db()
    assert head.status == VoteSession.Status.CLOSED
    text = page(staff, head).text
    assert "vote-decision" in text and "Quyết định của Ban Thường trực" in text


def test_one_ballot_per_unit_per_round(ranked, the_meeting):
    head = opened(ranked, the_meeting)
    cast(ranked, head, {"badinh": ["hoankiem"]})
    with pytest.raises(DomainError, match="already voted"):
        cast(ranked, head, {"badinh": ["badinh"]})
    assert head.rounds.get().ballots_cast == 1


def test_a_failure_between_participation_and_choice_loses_nothing_and_counts_nothing_twice(
    ranked, the_meeting, monkeypatch
):
    head = opened(ranked, the_meeting)
    vote_round = head.rounds.get()
    real_update = QuerySet.update

    def failing_update(queryset, **kwargs):  # the server dies after the participation is written
        if queryset.model is VoteCount:
            raise ConnectionError("the server went away")
        return real_update(queryset, **kwargs)

    monkeypatch.setattr(QuerySet, "update", failing_update)
    with pytest.raises(ConnectionError), transaction.atomic():
        cast(ranked, head, {"badinh": ["hoankiem"]})
    monkeypatch.undo()
    assert not Participation.objects.filter(round=vote_round).exists()
    vote_round.refresh_from_db()
    assert vote_round.ballots_cast == 0
    assert set(VoteCount.objects.filter(round=vote_round).values_list("votes", flat=True)) == {0}
    # The unit votes again, and it counts once.
    cast(ranked, head, {"badinh": ["hoankiem"]})
    vote_round.refresh_from_db()
    assert vote_round.ballots_cast == 1
    assert Participation.objects.filter(round=vote_round).count() == 1
    assert (
        sorted(VoteCount.objects.filter(round=vote_round).values_list("votes", flat=True))[-1] == 1
    )


def test_the_minutes_say_the_round_was_void_and_give_the_parent_bodys_reason(ranked, the_meeting):
    head = void_vote(ranked, the_meeting)
    reason = "Chỉ hai đơn vị bỏ phiếu; Ban Thường trực quyết định."
    voting.vote_decide(
        actor=ranked.user("bantt"),
        session=head,
        elected_ids=candidate_ids(head, "hoankiem", world=ranked),
        reason=reason,
    )
    content = minutes_content(the_meeting)
    section = next(s for s in content["sessions"] if s["purpose"] == P.HEAD)
    assert section["rounds"][0]["void"] and section["rounds"][0]["rows"] == []
    assert section["decision_reason"] == reason
    assert section["elected"] == [ranked.unit("hoankiem").name]
    html = render_to_string(MINUTES_TEMPLATE, minutes_context(the_meeting))
    assert "dưới ba phiếu nên vòng bỏ phiếu không hợp lệ" in html and reason in html
