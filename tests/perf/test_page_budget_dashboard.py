"""The dashboard's query budget: at most 12 queries (the 4 of every page included), the same
at the seed's size and at a much bigger one, for each kind of person who opens it.

Parent staff see the year board and their tasks; a cluster head's chair (the head's officer)
and a member's chair see their tasks; a viewer sees the comparisons they may read.
"""

import pytest
from django.contrib.auth import get_user_model

from clusters.models import ClusterYear, Membership, Position
from tests.perf.support import LAST_YEAR, measure, pages_of

pytestmark = pytest.mark.django_db

BUDGET = 12


def _chair(cluster_year, role):
    memberships = Membership.objects.filter(
        cluster_year=cluster_year, role=role, ended_on__isnull=True
    ).order_by("order", "pk")
    unit = memberships.first().unit
    return Position.objects.get(unit=unit, title=Position.Title.CHAIR).person.user


def people_of(prefix):
    """{who: (user, url)}: the pages of province 01's people, this year and last year."""
    pages = pages_of(prefix)
    province = pages.staff.person.positions.get().unit
    current = (
        ClusterYear.objects.filter(cluster__parent=province, year=LAST_YEAR).order_by("pk").first()
    )
    viewer = get_user_model().objects.get(username=f"{prefix}.t01.xem")
    return {
        "parent staff": (pages.staff, "/"),
        "parent staff, last year's board": (pages.staff, f"/?year={LAST_YEAR - 1}"),
        "head's chair": (_chair(current, Membership.Role.HEAD), "/"),
        "deputy's chair": (_chair(current, Membership.Role.DEPUTY), "/"),
        "member's chair": (_chair(current, Membership.Role.MEMBER), "/"),
        "viewer": (viewer, "/"),
    }


def test_the_dashboard_keeps_its_budget_for_everyone_at_both_sizes(client, small, big):
    small_people, big_people = people_of("small"), people_of("big")
    counts = {}
    for who in small_people:
        sizes = []
        for people in (small_people, big_people):
            user, url = people[who]
            client.force_login(user)
            status, queries, html = measure(client, url)
            assert status == 200, who
            sizes.append(queries)
        counts[who] = tuple(sizes)
    over = {who: c for who, c in counts.items() if max(c) > BUDGET}
    grew = {who: c for who, c in counts.items() if c[0] != c[1]}
    assert not over, f"dashboards over {BUDGET} queries (small, big): {over}"
    assert not grew, f"dashboards whose queries differ (small, big): {grew}"


def test_the_staff_board_shows_every_cluster_of_the_year_and_the_year_asked_for(client, big):
    pages = pages_of("big")
    province = pages.staff.person.positions.get().unit
    client.force_login(pages.staff)
    response = client.get(f"/?year={LAST_YEAR - 1}")
    board = response.context["board"]
    assert board["year"] == LAST_YEAR - 1
    expected = ClusterYear.objects.filter(cluster__parent=province, year=LAST_YEAR - 1).count()
    assert len(board["rows"]) == expected > 1
    assert board["years"] == sorted(
        set(ClusterYear.objects.filter(cluster__parent=province).values_list("year", flat=True)),
        reverse=True,
    )
    # A year the staff have no cluster in, or no year at all: their latest.
    for asked in ("1990", "abc"):
        assert client.get(f"/?year={asked}").context["board"]["year"] == board["years"][0]


@pytest.mark.parametrize("username", ["bantt", "dongda", "canbo.dongda", "hoankiem", "xem"])
def test_the_demo_world_dashboard_keeps_its_budget(client_for, world, username):
    client = client_for(world.user(username))
    status, queries, _html = measure(client, "/")
    assert status == 200
    assert queries <= BUDGET, username
