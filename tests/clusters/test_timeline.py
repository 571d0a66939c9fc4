"""A cluster year's state and its steps follow from what has happened."""

import pytest
from django.urls import reverse

from clusters import access, selectors, services, timeline
from clusters.models import ClusterYear
from core.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def progress():
    """Register a provider reporting the given states for the test's duration."""
    registered = []

    def report(**states):
        def provider(cluster_year):
            return {key: timeline.Progress(state=state) for key, state in states.items()}

        timeline.register(provider)
        registered.append(provider)

    yield report
    for provider in registered:
        timeline._providers.remove(provider)


LATER = ["year_end", "score_review", "ranking", "election", "proposal", "decision"]


def test_a_step_gone_past_is_not_current_when_later_steps_are_done(world, progress):
    progress(signing=timeline.DONE, midyear=timeline.CURRENT, **dict.fromkeys(LATER, "done"))
    steps = {s.key: s.state for s in timeline.build(world.cluster_year)}
    assert steps["midyear"] == timeline.SKIPPED
    assert timeline.CURRENT not in steps.values()
    assert timeline.is_finished(list(timeline.build(world.cluster_year)))


def test_the_current_step_comes_after_the_last_one_done(world, progress):
    progress(signing=timeline.DONE, year_end=timeline.DONE)
    steps = {s.key: s.state for s in timeline.build(world.cluster_year)}
    assert steps["midyear"] == timeline.SKIPPED
    assert steps["score_review"] == timeline.CURRENT
    assert [s for s in steps.values() if s == timeline.CURRENT] == [timeline.CURRENT]
    assert not timeline.is_finished(list(timeline.build(world.cluster_year)))


def test_a_closed_year_says_finished_with_no_current_step(world, client_for):
    services.cluster_year_close(actor=world.user("bantt"), cluster_year=world.cluster_year)
    cluster_year = ClusterYear.objects.get(pk=world.cluster_year.pk)
    assert cluster_year.status == ClusterYear.Status.CLOSED
    entry = AuditEntry.objects.filter(action="cluster_year.close").get()
    assert entry.before == {"status": "active"} and entry.after == {"status": "closed"}
    page = client_for(world.user("dongda")).get(
        reverse("clusters:cluster_year", args=[cluster_year.pk])
    )
    assert page.status_code == 200
    assert "Đã kết thúc" in page.text and "Đang diễn ra" not in page.text
    assert 'aria-current="step"' not in page.text
    # Closing again changes nothing and records nothing.
    services.cluster_year_close(actor=world.user("bantt"), cluster_year=cluster_year)
    assert AuditEntry.objects.filter(action="cluster_year.close").count() == 1


def test_the_steps_are_read_with_the_year_or_else_in_one_query(world, django_assert_num_queries):
    """The page's query of the year carries what the providers read; a year read without it
    costs one query for every provider, and gives the same steps."""
    plain = ClusterYear.objects.select_related("plan").get(pk=world.cluster_year.pk)
    with django_assert_num_queries(1):
        steps = timeline.build(plain)
    with django_assert_num_queries(1):
        assert timeline.build(plain) == steps  # read again: the year is left as it was
    # The values ride on one row of the members' query, the lowest pk: put it last in order.
    following = services.cluster_year_create(
        actor=world.user("bantt"), cluster=world.cluster, year=world.cluster_year.year + 1
    )
    first = world.cluster_year.memberships.order_by("pk").first()
    world.cluster_year.memberships.filter(pk=first.pk).update(order=99)
    page_year = access.get_cluster_year_with_members(
        world.user("bantt"), world.cluster_year.pk, selectors.cluster_year_page_annotations
    )
    assert page_year.memberships.all()[0].pk != first.pk
    with django_assert_num_queries(0):
        assert timeline.build(page_year) == steps
    assert page_year.next_year_pk == following.pk
