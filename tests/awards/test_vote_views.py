"""The vote pages: status, redirect and database row; 404 to outsiders, 403 to readers."""

import datetime

import pytest
from django.urls import reverse

from awards.models import Attendance, Candidate, Meeting, Participation, VoteRound, VoteSession
from awards.services import votes as voting
from clusters.models import ClusterYear
from core.models import AuditEntry
from tests.awards.support import (
    cast,
    english,  # noqa: F401  (autouse: messages in English)
    everyone,
    run_vote,
    session,
)
from tests.prepared_support import download

pytestmark = pytest.mark.django_db
P = VoteSession.Purpose


def url(name, *args):
    return reverse(f"awards:{name}", args=args)


def messages_of(response):
    return [str(m) for m in response.wsgi_request._messages]


MEETING_POST = {
    "title": "Hội nghị tổng kết công tác thi đua năm 2020",
    "held_at": "2020-12-18T14:00",
    "venue": "Trụ sở Ủy ban MTTQ Việt Nam quận Đống Đa",
    "chair_name": "Đỗ Trọng Nam",
    "chair_title": "Chủ tịch",
    "secretary_name": "Nguyễn Văn M",
    "secretary_title": "",
    "notes": "",
}


def test_the_head_records_the_meeting_from_the_awards_page(ranked, client_for):
    client = client_for(ranked.user("canbo.dongda"))
    page = client.get(url("award_overview", ranked.cluster_year.pk))
    assert page.status_code == 200 and "Đỗ Trọng Nam" in page.text  # chair pre-filled
    response = client.post(url("meeting_create", ranked.cluster_year.pk), MEETING_POST)
    assert response.status_code == 302
    assert response.url == url("award_overview", ranked.cluster_year.pk)
    created = Meeting.objects.get()
    assert created.venue == MEETING_POST["venue"] and created.attendance.count() == 6


def test_an_invalid_meeting_form_is_refused_with_messages(ranked, client_for):
    client = client_for(ranked.user("canbo.dongda"))
    response = client.post(
        url("meeting_create", ranked.cluster_year.pk), {**MEETING_POST, "venue": ""}
    )
    assert response.status_code == 302 and messages_of(response)
    assert not Meeting.objects.exists()


def test_readers_see_the_awards_page_outsiders_do_not(ranked, the_meeting, client_for):
    assert (
        client_for(ranked.user("xem"))
        .get(url("award_overview", ranked.cluster_year.pk))
        .status_code
        == 200
    )
    assert (
        client_for(ranked.user("ngoai"))
        .get(url("award_overview", ranked.cluster_year.pk))
        .status_code
        == 404
    )
    page = client_for(ranked.user("badinh")).get(url("award_overview", ranked.cluster_year.pk))
    assert page.status_code == 200 and "Prepare the vote" not in page.text


def test_meeting_details_and_attendance(ranked, the_meeting, client_for):
    client = client_for(ranked.user("dongda"))
    response = client.post(
        url("meeting_update", the_meeting.pk),
        {**MEETING_POST, "venue": "Hội trường quận", "version": the_meeting.version},
    )
    assert response.status_code == 302
    the_meeting.refresh_from_db()
    assert the_meeting.venue == "Hội trường quận"
    present = [ranked.unit(n).pk for n in ("dongda", "badinh", "hoankiem")]
    response = client.post(url("meeting_attendance", the_meeting.pk), {"present": present})
    assert response.status_code == 302
    assert set(Attendance.objects.filter(present=True).values_list("unit_id", flat=True)) == set(
        present
    )


def test_preparing_editing_and_opening_a_vote(ranked, the_meeting, client_for):
    client = client_for(ranked.user("canbo.dongda"))
    response = client.post(
        url("vote_create", the_meeting.pk), {"purpose": "head", "mode": "online", "seats": ""}
    )
    head = VoteSession.objects.get()
    assert response.status_code == 302 and response.url == url("vote", head.pk)
    removed = head.candidates.get(unit=ranked.unit("hoangmai"))
    assert client.post(url("candidate_remove", removed.pk)).status_code == 302
    assert not Candidate.objects.filter(pk=removed.pk).exists()
    response = client.post(url("candidate_add", head.pk), {"unit": ranked.unit("hoangmai").pk})
    assert response.status_code == 302 and head.candidates.count() == 5
    response = client.post(url("vote_update", head.pk), {"mode": "paper", "seats": 1})
    head.refresh_from_db()
    assert response.status_code == 302 and head.mode == "paper"
    page = client.get(url("vote", head.pk))
    assert page.status_code == 200 and "Open the vote" in page.text
    assert client.post(url("vote_open", head.pk)).status_code == 302
    head.refresh_from_db()
    assert head.status == VoteSession.Status.OPEN and head.rounds.count() == 1


def test_the_chair_casts_the_ballot_and_a_second_one_is_refused(ranked, the_meeting, client_for):
    head = session(ranked, the_meeting, P.HEAD)
    voting.session_open(actor=ranked.user("dongda"), session=head)
    candidate = head.candidates.get(unit=ranked.unit("hoankiem"))
    client = client_for(ranked.user("badinh"))
    page = client.get(url("ballot", head.pk))
    assert page.status_code == 200 and candidate.unit_name in page.text
    response = client.post(
        url("ballot", head.pk), {"unit": ranked.unit("badinh").pk, "choices": [candidate.pk]}
    )
    assert response.status_code == 302 and response.url == url("vote", head.pk)
    assert candidate.unit_name not in " ".join(messages_of(response))
    assert Participation.objects.filter(unit=ranked.unit("badinh")).count() == 1
    response = client.post(
        url("ballot", head.pk), {"unit": ranked.unit("badinh").pk, "choices": [candidate.pk]}
    )
    assert response.status_code == 302 and response.url == url("ballot", head.pk)
    assert any("already voted" in m for m in messages_of(response))
    assert Participation.objects.count() == 1
    assert VoteRound.objects.get().ballots_cast == 1


def test_the_ballot_page_is_for_signatories_only(ranked, the_meeting, client_for):
    head = session(ranked, the_meeting, P.HEAD)
    voting.session_open(actor=ranked.user("dongda"), session=head)
    assert client_for(ranked.user("ngoai")).get(url("ballot", head.pk)).status_code == 404
    assert client_for(ranked.user("xem")).get(url("ballot", head.pk)).status_code == 403
    assert client_for(ranked.user("canbo.badinh")).get(url("ballot", head.pk)).status_code == 403
    response = client_for(ranked.user("xem")).post(
        url("ballot", head.pk), {"unit": ranked.unit("badinh").pk, "choices": []}
    )
    assert response.status_code == 403 and not Participation.objects.exists()


def test_a_ballot_for_another_unit_or_an_absent_one_is_refused(ranked, the_meeting, client_for):
    voting.attendance_set(
        actor=ranked.user("dongda"),
        meeting=the_meeting,
        present_unit_ids=[ranked.unit(n).pk for n in ("dongda", "hoankiem")],
    )
    head = session(ranked, the_meeting, P.HEAD)
    voting.session_open(actor=ranked.user("dongda"), session=head)
    client = client_for(ranked.user("badinh"))
    page = client.get(url("ballot", head.pk))
    assert page.status_code == 200 and "marked absent" in page.text
    for unit in ("badinh", "hoankiem"):
        response = client.post(url("ballot", head.pk), {"unit": ranked.unit(unit).pk})
        assert response.status_code == 302 and messages_of(response)
    response = client.post(url("ballot", head.pk), {"unit": "x"})
    assert response.status_code == 302
    assert not Participation.objects.exists()


def test_closing_the_round_and_the_results(ranked, the_meeting, client_for):
    head = session(ranked, the_meeting, P.HEAD)
    voting.session_open(actor=ranked.user("dongda"), session=head)
    cast(ranked, head, everyone("hoankiem"))
    client = client_for(ranked.user("canbo.dongda"))
    assert client.post(url("vote_close", head.pk)).status_code == 302
    head.refresh_from_db()
    assert head.status == VoteSession.Status.CLOSED
    page = client_for(ranked.user("xem")).get(url("vote", head.pk))
    assert page.status_code == 200 and "vote-count" in page.text


def test_paper_tallies_another_round_and_the_end(ranked, the_meeting, client_for):
    head = session(ranked, the_meeting, P.HEAD, mode=VoteSession.Mode.PAPER)
    voting.session_open(actor=ranked.user("dongda"), session=head)
    client = client_for(ranked.user("canbo.dongda"))
    counts = {f"votes_{c.pk}": 1 for c in head.candidates.all()}
    response = client.post(url("vote_tally", head.pk), {"ballots_cast": 5, **counts})
    head.refresh_from_db()
    assert response.status_code == 302 and head.status == VoteSession.Status.COUNTED
    assert client.post(url("vote_next_round", head.pk)).status_code == 302
    assert head.rounds.count() == 2
    bad = client.post(url("vote_tally", head.pk), {"ballots_cast": 99, **counts})
    assert bad.status_code == 302 and messages_of(bad)
    assert head.rounds.get(number=2).status == VoteRound.Status.OPEN
    counts = {f"votes_{c.candidate_id}": 0 for c in head.rounds.get(number=2).counts.all()}
    client.post(url("vote_tally", head.pk), {"ballots_cast": 3, **counts})
    head.refresh_from_db()
    assert head.status == VoteSession.Status.CLOSED  # two rounds allowed, none left


# Three ballots (a round counts), one vote for Hoàn Kiếm: below the threshold.
THREE_UNDECIDED = {"badinh": ["hoankiem"], "dongda": [], "longbien": []}


def test_finishing_a_counted_vote(ranked, the_meeting, client_for):
    head = run_vote(ranked, the_meeting, P.HEAD, THREE_UNDECIDED)
    response = client_for(ranked.user("dongda")).post(url("vote_finish", head.pk))
    head.refresh_from_db()
    assert response.status_code == 302 and head.status == VoteSession.Status.CLOSED


def test_the_minutes_are_issued_and_downloaded(ranked, the_meeting, client_for):
    run_vote(ranked, the_meeting, P.LEADING, everyone("dongda"))
    client = client_for(ranked.user("canbo.dongda"))
    preview = download(client, url("minutes_pdf", the_meeting.pk))
    assert preview.status_code == 200 and preview["Content-Type"] == "application/pdf"
    response = client.post(url("minutes_issue", the_meeting.pk), {"date": "2020-12-18"})
    the_meeting.refresh_from_db()
    assert response.status_code == 302 and the_meeting.minutes_date == datetime.date(2020, 12, 18)
    assert the_meeting.minutes_number.reference == "01/BB-MTTQ"
    reader = download(client_for(ranked.user("xem")), url("minutes_pdf", the_meeting.pk))
    assert reader.status_code == 200 and reader.content.startswith(b"%PDF")
    outsider = client_for(ranked.user("ngoai"))
    assert outsider.get(url("minutes_pdf", the_meeting.pk)).status_code == 404
    assert outsider.post(url("minutes_pdf", the_meeting.pk)).status_code == 404


def test_the_rollover_button(ranked, the_meeting, client_for):
    run_vote(ranked, the_meeting, P.HEAD, everyone("hoankiem"))
    response = client_for(ranked.user("dongda")).post(url("election_rollover", the_meeting.pk))
    assert response.status_code == 302
    assert ClusterYear.objects.get(cluster=ranked.cluster, year=2021).head == ranked.unit(
        "hoankiem"
    )


def test_readers_and_outsiders_cannot_run_the_vote(ranked, the_meeting, client_for):
    head = session(ranked, the_meeting, P.HEAD)
    candidate = head.candidates.first()
    posts = [
        url("meeting_create", ranked.cluster_year.pk),
        url("meeting_update", the_meeting.pk),
        url("meeting_attendance", the_meeting.pk),
        url("vote_create", the_meeting.pk),
        url("minutes_issue", the_meeting.pk),
        url("election_rollover", the_meeting.pk),
        url("vote_update", head.pk),
        url("candidate_add", head.pk),
        url("candidate_remove", candidate.pk),
        url("vote_open", head.pk),
        url("vote_close", head.pk),
        url("vote_tally", head.pk),
        url("vote_next_round", head.pk),
        url("vote_finish", head.pk),
    ]
    audit = AuditEntry.objects.count()
    for username, expected in (("xem", 403), ("badinh", 403), ("ngoai", 404)):
        client = client_for(ranked.user(username))
        for path in posts:
            assert client.post(path, {}).status_code == expected, (username, path)
    assert client_for(ranked.user("ngoai")).get(url("vote", head.pk)).status_code == 404
    assert client_for(ranked.user("xem")).get(url("vote", head.pk)).status_code == 200
    assert client_for(ranked.user("xem")).get(url("vote", 987654)).status_code == 404
    assert AuditEntry.objects.count() == audit
    head.refresh_from_db()
    assert head.status == VoteSession.Status.PREPARING and head.candidates.count() == 5


def test_state_changes_need_post(ranked, the_meeting, client_for):
    head = session(ranked, the_meeting, P.HEAD)
    client = client_for(ranked.user("dongda"))
    assert client.get(url("vote_open", head.pk)).status_code == 405
    assert client.get(url("minutes_issue", the_meeting.pk)).status_code == 405


def test_the_session_page_query_count_does_not_grow_with_rounds(
    ranked, the_meeting, client_for, django_assert_max_num_queries
):
    head = run_vote(ranked, the_meeting, P.HEAD, THREE_UNDECIDED)
    client = client_for(ranked.user("canbo.dongda"))
    client.get(url("vote", head.pk))
    with django_assert_max_num_queries(14) as one_round:
        client.get(url("vote", head.pk))
    voting.vote_next_round(actor=ranked.user("dongda"), session=head)
    cast(ranked, head, everyone("hoankiem"))
    voting.vote_close(actor=ranked.user("dongda"), session=head)
    with django_assert_max_num_queries(len(one_round.captured_queries) + 4):
        assert client.get(url("vote", head.pk)).status_code == 200
