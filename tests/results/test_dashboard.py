"""Results on the dashboard, on the cluster year's timeline, and in the (read-only) admin."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from clusters import timeline
from core.dashboard import tasks_for
from results import services
from results.models import Period, RankingSnapshot
from tests.results.support import accept_all, sheet

pytestmark = pytest.mark.django_db


def titles(user):
    return [task.title for task in tasks_for(user)]


def test_units_see_their_sheet_to_fill_and_reviewers_what_to_review(results):
    period = results.open()
    period_url = reverse("results:period", args=[period.pk])
    badinh = sheet(period, "badinh", results)
    sheet_url = reverse("results:assessment", args=[badinh.pk])
    mine = [t for t in tasks_for(results.user("canbo.badinh")) if t.url == sheet_url]
    assert len(mine) == 1 and mine[0].due == period.deadline and mine[0].kind == "action"
    assert not [t for t in tasks_for(results.user("canbo.dongda")) if t.url == period_url]
    results.submit(badinh)
    assert not [t for t in tasks_for(results.user("badinh")) if t.url == sheet_url]
    review = [t for t in tasks_for(results.user("canbo.dongda")) if t.url == period_url]
    assert len(review) == 1 and "1" in review[0].title
    services.assessment_return(actor=results.user("dongda"), assessment=badinh, comment="Sửa")
    returned = [t for t in tasks_for(results.user("badinh")) if t.url == sheet_url]
    assert len(returned) == 1 and returned[0].kind == "warning"
    outsider = tasks_for(results.user("ngoai"))
    assert not [t for t in outsider if t.url in (period_url, sheet_url)]


def test_the_head_is_told_to_lock_when_every_sheet_is_accepted(results):
    period = results.open()
    accept_all(results, period)
    lock = [t for t in tasks_for(results.user("dongda")) if t.kind == "action"]
    assert any(t.url == reverse("results:period", args=[period.pk]) for t in lock)
    services.period_lock(actor=results.user("dongda"), period=period)
    assert not [t for t in tasks_for(results.user("dongda")) if "results" in t.url]


def test_the_timeline_shows_the_reviews(results):
    steps = {s.key: s for s in timeline.build(results.cluster_year)}
    assert steps["midyear"].url == reverse(
        "results:cluster_year_results", args=[results.cluster_year.pk]
    )
    period = results.open()
    steps = {s.key: s for s in timeline.build(results.cluster_year)}
    assert steps["year_end"].state == timeline.CURRENT
    assert "0" in steps["year_end"].detail
    accept_all(results, period)
    services.period_lock(actor=results.user("dongda"), period=period)
    steps = {s.key: s for s in timeline.build(results.cluster_year)}
    assert steps["year_end"].state == timeline.DONE
    assert steps["ranking"].url == reverse("results:period", args=[period.pk])
    period.refresh_from_db()
    locked_on = period.locked_at.astimezone(datetime.UTC).strftime("%d/%m/%Y")
    assert steps["ranking"].detail.endswith(locked_on)
    sheets = period.assessments.count()
    assert steps["score_review"].state == timeline.DONE
    assert f"{sheets}" in steps["score_review"].detail and f"{sheets}" in steps["year_end"].detail


def test_the_admin_shows_results_read_only(results, client_for):
    period = results.open()
    accept_all(results, period)
    snapshot = services.period_lock(actor=results.user("dongda"), period=period)
    client = client_for(results.user("admin"))
    for model in ("period", "assessment", "rankingsnapshot", "goodpractice", "resultrules"):
        assert client.get(reverse(f"admin:results_{model}_changelist")).status_code == 200
    assert client.get(reverse("admin:results_rankingsnapshot_add")).status_code == 403
    url = reverse("admin:results_rankingsnapshot_delete", args=[snapshot.pk])
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert RankingSnapshot.objects.filter(pk=snapshot.pk).exists()
    url = reverse("admin:results_period_change", args=[period.pk])
    client.post(url, {"status": Period.Status.OPEN})
    period.refresh_from_db()
    assert period.is_locked


def test_parent_staff_and_viewers_are_pointed_to_the_comparison(results):
    results.open()
    comparison = reverse("results:comparison", args=[results.parent.pk]) + "?year=2020"
    for username in ("bantt", "xem"):
        assert comparison in [t.url for t in tasks_for(results.user(username))]
    assert comparison not in [t.url for t in tasks_for(results.user("ngoai"))]
    assert comparison not in [t.url for t in tasks_for(results.user("badinh"))]


def test_a_late_review_is_marked_late_on_the_parents_board(results, client_for):
    period = results.open()
    Period.objects.filter(pk=period.pk).update(deadline=timezone.now() - datetime.timedelta(days=1))
    response = client_for(results.user("bantt")).get(reverse("dashboard"))
    board = response.context["board"]
    [(_cy, cells)] = board["rows"]
    url = reverse("results:period", args=[period.pk])
    cell = next(c for c in cells if c and c.url == url)
    assert cell.late and cell.text == "0/6 đã nộp, 0 đã chấp nhận"
    assert board["late"] == 1
    assert "1 bước đã trễ hạn." in response.text and "trễ hạn</span>" in response.text
