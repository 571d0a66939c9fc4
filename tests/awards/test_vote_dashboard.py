"""What the vote and the proposal files put on "Việc cần làm", the timeline and the admin."""

import datetime

import pytest
from django.urls import reverse

from awards.models import VoteSession
from awards.services import proposals
from awards.services import votes as voting
from clusters import timeline
from core.dashboard import tasks_for
from tests.awards.support import (
    english,  # noqa: F401  (autouse: messages in English)
    everyone,
    full_meeting,
    meeting,
    run_vote,
    session,
)

pytestmark = pytest.mark.django_db


def urls(user):
    return [task.url for task in tasks_for(user)]


def test_chairs_of_present_units_are_asked_to_vote_until_they_have(ranked):
    the_meeting = meeting(ranked)
    head = session(ranked, the_meeting, VoteSession.Purpose.HEAD)
    voting.session_open(actor=ranked.user("dongda"), session=head)
    ballot = reverse("awards:ballot", args=[head.pk])
    assert ballot in urls(ranked.user("badinh"))
    assert ballot not in urls(ranked.user("canbo.badinh"))
    assert ballot not in urls(ranked.user("xem"))
    voting.ballot_cast(
        actor=ranked.user("badinh"), session=head, unit=ranked.unit("badinh"), choices=[]
    )
    assert ballot not in urls(ranked.user("badinh"))


def test_the_head_is_asked_about_another_round(ranked):
    the_meeting = meeting(ranked)
    head = run_vote(
        ranked,
        the_meeting,
        VoteSession.Purpose.HEAD,
        {"badinh": ["hoankiem"], "dongda": [], "longbien": []},
    )
    assert reverse("awards:vote", args=[head.pk]) in urls(ranked.user("canbo.dongda"))


def test_the_parent_body_is_asked_to_decide_a_void_vote(ranked):
    the_meeting = meeting(ranked)
    head = run_vote(ranked, the_meeting, VoteSession.Purpose.HEAD, {"badinh": ["hoankiem"]})
    assert head.status == VoteSession.Status.VOID
    url = reverse("awards:vote", args=[head.pk])
    assert url in urls(ranked.user("bantt"))
    assert url not in urls(ranked.user("canbo.dongda")) and url not in urls(ranked.user("xem"))


def test_files_to_review_and_to_fix(ranked):
    the_meeting = full_meeting(ranked)
    voting.minutes_issue(
        actor=ranked.user("dongda"), meeting=the_meeting, date=datetime.date(2020, 12, 18)
    )
    proposal = proposals.proposal_create(
        actor=ranked.user("dongda"), cluster_year=ranked.cluster_year
    )
    for item in proposal.items.all():
        proposals.item_report_save(
            actor=ranked.user("dongda"),
            item=item,
            expected_version=item.version,
            sections={"results": "BC"},
        )
    link = reverse("awards:proposal", args=[proposal.pk])
    assert link not in urls(ranked.user("bantt"))
    proposals.proposal_submit(actor=ranked.user("dongda"), proposal=proposal)
    assert link in urls(ranked.user("bantt"))
    assert link not in urls(ranked.user("ngoai"))
    proposals.proposal_return(actor=ranked.user("bantt"), proposal=proposal, reason="Thiếu.")
    assert link in urls(ranked.user("canbo.dongda"))
    assert link not in urls(ranked.user("bantt"))


def test_the_timeline_shows_the_vote_the_election_the_file_and_the_decision(ranked):
    the_meeting = meeting(ranked)
    run_vote(ranked, the_meeting, VoteSession.Purpose.LEADING, everyone("dongda"))
    steps = {step.key: step for step in timeline.build(ranked.cluster_year)}
    assert steps["ranking"].state == timeline.DONE
    assert ranked.unit("dongda").name in steps["ranking"].detail
    assert steps["election"].url == reverse("awards:award_overview", args=[ranked.cluster_year.pk])
    run_vote(ranked, the_meeting, VoteSession.Purpose.HEAD, everyone("hoankiem"))
    steps = {step.key: step for step in timeline.build(ranked.cluster_year)}
    assert steps["election"].state == timeline.DONE
    assert ranked.unit("hoankiem").name in steps["election"].detail


def test_the_admin_lists_the_vote_and_the_files_read_only(ranked, admin_client):
    the_meeting = full_meeting(ranked)
    for model in (
        "voterules",
        "awardtype",
        "meeting",
        "votesession",
        "voteround",
        "proposal",
        "proposaldocument",
        "decision",
    ):
        response = admin_client.get(reverse(f"admin:awards_{model}_changelist"))
        assert response.status_code == 200, model
    assert admin_client.get(reverse("admin:awards_votesession_add")).status_code == 403
    change = admin_client.get(reverse("admin:awards_meeting_change", args=[the_meeting.pk]))
    assert change.status_code == 200 and 'type="submit" value="Save"' not in change.text
