"""The review's own deadline: set when the review opens or later, shown, late when passed."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from core.dashboard import tasks_for
from results.models import Assessment, Period

pytestmark = pytest.mark.django_db


def local(days, hour=17):
    day = timezone.localtime() + datetime.timedelta(days=days)
    return day.strftime(f"%Y-%m-%dT{hour:02d}:00")


def test_the_review_deadline_is_set_when_the_review_opens(results, client_for):
    client = client_for(results.user("canbo.dongda"))
    response = client.post(
        reverse("results:period_open", args=[results.cluster_year.pk]),
        {"kind": "year_end", "deadline": local(10), "review_deadline": local(20)},
    )
    period = Period.objects.get()
    assert response.status_code == 302
    assert f"{timezone.localtime(period.review_deadline):%Y-%m-%dT%H:%M}" == local(20)
    page = client.get(reverse("results:period", args=[period.pk]))
    assert f"{timezone.localtime(period.review_deadline):%d/%m/%Y %H:%M}" in page.text
    assert "deadline-late" not in page.text


def test_a_review_due_before_the_self_assessments_is_refused(results, client_for):
    response = client_for(results.user("canbo.dongda")).post(
        reverse("results:period_open", args=[results.cluster_year.pk]),
        {"kind": "year_end", "deadline": local(10), "review_deadline": local(5)},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["review_deadline"]
    assert not Period.objects.exists()


def test_the_head_moves_the_review_deadline(results, client_for):
    period = results.open()
    response = client_for(results.user("canbo.dongda")).post(
        reverse("results:period_update", args=[period.pk]),
        {
            "version": period.version,
            "deadline": local(7),
            "review_deadline": local(12),
            "cross_checking": "",
            "note": "",
        },
    )
    assert response.status_code == 302
    period.refresh_from_db()
    assert f"{timezone.localtime(period.review_deadline):%Y-%m-%dT%H:%M}" == local(12)


def test_a_review_still_open_after_its_deadline_is_late_on_the_page_and_dashboard(
    results, client_for
):
    period = results.open()
    Period.objects.filter(pk=period.pk).update(
        review_deadline=timezone.now() - datetime.timedelta(hours=2)
    )
    Assessment.objects.filter(period=period).update(status=Assessment.Status.SUBMITTED)
    head = results.user("canbo.dongda")
    page = client_for(head).get(reverse("results:period", args=[period.pk]))
    assert "deadline-late" in page.text
    review = [t for t in tasks_for(head) if t.url == reverse("results:period", args=[period.pk])]
    assert review and review[0].late
