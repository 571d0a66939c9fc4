"""Deadlines of the awards' steps: a vote round's closing, the proposal file's due date."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from awards.models import ProposalDeadline, VoteSession
from awards.services import proposals
from clusters.models import ClusterYear
from core.dashboard import tasks_for
from tests.awards.support import english, session  # noqa: F401  (autouse: English messages)

pytestmark = pytest.mark.django_db


def local(days, hour=17):
    day = timezone.localtime() + datetime.timedelta(days=days)
    return day.strftime(f"%Y-%m-%dT{hour:02d}:00")


def messages_of(response):
    return [str(m) for m in response.wsgi_request._messages]


def test_an_online_vote_opens_with_the_rounds_deadline_shown_and_late_after_it(
    ranked, the_meeting, client_for
):
    head = session(ranked, the_meeting, VoteSession.Purpose.HEAD)
    client = client_for(ranked.user("canbo.dongda"))
    response = client.post(reverse("awards:vote_open", args=[head.pk]), {"deadline": local(2)})
    assert response.status_code == 302
    vote_round = head.rounds.get()
    assert f"{timezone.localtime(vote_round.deadline):%Y-%m-%dT%H:%M}" == local(2)
    page = client.get(reverse("awards:vote", args=[head.pk]))
    assert f"{timezone.localtime(vote_round.deadline):%d/%m/%Y %H:%M}" in page.text
    assert "deadline-late" not in page.text
    type(vote_round).objects.filter(pk=vote_round.pk).update(
        deadline=timezone.now() - datetime.timedelta(minutes=5)
    )
    assert "deadline-late" in client.get(reverse("awards:vote", args=[head.pk])).text
    ballots = [t for t in tasks_for(ranked.user("badinh")) if "ballot" in t.url]
    assert ballots and ballots[0].late


def test_a_past_round_deadline_is_refused_and_the_vote_stays_closed(
    ranked, the_meeting, client_for
):
    head = session(ranked, the_meeting, VoteSession.Purpose.HEAD)
    client = client_for(ranked.user("canbo.dongda"))
    response = client.post(
        reverse("awards:vote_open", args=[head.pk]), {"deadline": "2001-01-01T17:00"}
    )
    assert response.status_code == 302
    assert any("future" in m for m in messages_of(response))
    head.refresh_from_db()
    assert head.status == VoteSession.Status.PREPARING and not head.rounds.exists()


@pytest.fixture
def parent_page(ranked):
    return reverse("awards:parent_awards", args=[ranked.parent.pk, ranked.cluster_year.year])


def test_parent_staff_set_one_date_for_all_clusters_then_move_one(ranked, client_for, parent_page):
    client = client_for(ranked.user("bantt"))
    year = ranked.cluster_year.year
    response = client.post(
        reverse("awards:proposal_deadline_all", args=[ranked.parent.pk, year]), {"due": local(15)}
    )
    assert response.status_code == 302 and response.url == parent_page + "#deadlines"
    cluster_years = ClusterYear.objects.filter(cluster__parent=ranked.parent, year=year)
    assert ProposalDeadline.objects.filter(cluster_year__in=cluster_years).count() == len(
        cluster_years
    )
    response = client.post(
        reverse("awards:proposal_deadline", args=[ranked.cluster_year.pk]), {"due": local(20)}
    )
    assert response.status_code == 302
    moved = ProposalDeadline.objects.get(cluster_year=ranked.cluster_year)
    assert f"{timezone.localtime(moved.due):%Y-%m-%dT%H:%M}" == local(20)
    page = client.get(parent_page)
    assert f"{timezone.localtime(moved.due):%d/%m/%Y %H:%M}" in page.text


def test_a_past_or_missing_date_is_refused_with_a_message(ranked, client_for):
    client = client_for(ranked.user("bantt"))
    for data in ({"due": "2001-01-01T17:00"}, {"due": ""}, {"due": "mai"}):
        response = client.post(
            reverse("awards:proposal_deadline", args=[ranked.cluster_year.pk]), data
        )
        assert response.status_code == 302 and messages_of(response)
    assert not ProposalDeadline.objects.exists()


@pytest.mark.parametrize(("username", "status"), [("ngoai", 404), ("xem", 403), ("dongda", 404)])
def test_only_parent_staff_set_the_dates(ranked, client_for, username, status):
    client = client_for(ranked.user(username))
    year = ranked.cluster_year.year
    all_url = reverse("awards:proposal_deadline_all", args=[ranked.parent.pk, year])
    one_url = reverse("awards:proposal_deadline", args=[ranked.cluster_year.pk])
    assert client.post(all_url, {"due": local(5)}).status_code == status
    assert client.post(one_url, {"due": local(5)}).status_code == status
    assert client.get(one_url).status_code == 405
    assert not ProposalDeadline.objects.exists()


def test_the_head_is_told_when_the_file_is_due_and_it_is_late_after(ranked, client_for):
    proposals.proposal_deadline_set(
        actor=ranked.user("bantt"),
        cluster_year=ranked.cluster_year,
        due=timezone.now() + datetime.timedelta(days=3),
    )
    proposal = proposals.proposal_create(
        actor=ranked.user("dongda"), cluster_year=ranked.cluster_year
    )
    head = ranked.user("canbo.dongda")
    [task] = [t for t in tasks_for(head) if t.url == proposal.get_absolute_url()]
    assert task.due and not task.late
    ProposalDeadline.objects.update(due=timezone.now() - datetime.timedelta(hours=1))
    [task] = [t for t in tasks_for(head) if t.url == proposal.get_absolute_url()]
    assert task.late
    page = client_for(head).get(proposal.get_absolute_url())
    assert "deadline-late" in page.text
