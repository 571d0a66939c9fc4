"""The query budget of the cluster-year, results, comparison and award-summary pages.

Each page costs at most 12 queries (the 4 of every logged-in page included) and the same
number at the seed's size and at a much bigger one, for the parent body's staff and, where the
page is theirs too, for a person of the cluster head's unit and of another member unit.
"""

import re

import pytest

from clusters.models import ClusterYear, Membership, Position
from tests.perf.support import measure, pages_of

pytestmark = pytest.mark.django_db

BUDGET = 12
STAFF_PAGES = [
    "cluster year",
    "results",
    "parent comparison",
    "parent comparison, open year",
    "award summary",
]
MEMBER_PAGES = ["cluster year", "results"]


def _people(prefix):
    """{role: (user, urls)}: the province's staff, a person of the head and of a member."""
    pages = pages_of(prefix)
    pk = int(re.search(r"\d+", pages.urls["cluster year"]).group())
    cluster_year = ClusterYear.objects.get(pk=pk)
    head = cluster_year.memberships.get(role=Membership.Role.HEAD).unit
    member = cluster_year.memberships.exclude(unit=head).order_by("order").first().unit

    def person_of(unit):
        position = (
            Position.objects.current()
            .filter(unit=unit, person__user__isnull=False)
            .select_related("person__user")
            .order_by("pk")
            .first()
        )
        return position.person.user

    return {
        "staff": (pages.staff, {name: pages.urls[name] for name in STAFF_PAGES}),
        "head": (person_of(head), {name: pages.urls[name] for name in MEMBER_PAGES}),
        "member": (person_of(member), {name: pages.urls[name] for name in MEMBER_PAGES}),
    }


def _counts(client, people):
    counts = {}
    for role, (user, urls) in people.items():
        client.force_login(user)
        for name, url in urls.items():
            status, queries, _html = measure(client, url)
            assert status == 200, (role, name)
            counts[role, name] = queries
    return counts


def test_the_pages_keep_their_budget_at_both_sizes(client, small, big):
    small_counts = _counts(client, _people("small"))
    big_counts = _counts(client, _people("big"))
    over = {key: n for key, n in {**small_counts, **big_counts}.items() if n > BUDGET}
    assert not over, f"pages over {BUDGET} queries: {over}"
    grew = {
        key: (small_counts[key], big_counts[key])
        for key in small_counts
        if small_counts[key] != big_counts[key]
    }
    assert not grew, f"query counts (small, big) that differ: {grew}"
    # Every role and page was counted.
    assert len(small_counts) == len(STAFF_PAGES) + 2 * len(MEMBER_PAGES)
