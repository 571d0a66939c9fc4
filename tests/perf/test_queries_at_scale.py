"""A page costs the same number of queries at the seed's size and at a much bigger one.

Not a timed test: the timings are `make bench`'s (docs/benchmarks.md). Here the same pages of
a province are counted in a small generated dataset (about 8 members, 16 criteria) and in a
big one (about 22 members, 50 criteria, ten clusters a province, three years).
"""

import pytest
from django.contrib.auth import get_user_model

from tests.perf.support import measure, pages_of, table_rows

pytestmark = pytest.mark.django_db

LIST_LIMIT = 50


def test_every_page_costs_the_same_queries_whatever_its_rows(client, small, big):
    small_pages, big_pages = pages_of("small"), pages_of("big")
    counts = {}
    for name in small_pages.urls:
        client.force_login(small_pages.staff)
        status_small, queries_small, _ = measure(client, small_pages.urls[name])
        client.force_login(big_pages.staff)
        status_big, queries_big, html = measure(client, big_pages.urls[name])
        assert (status_small, status_big) == (200, 200), name
        counts[name] = (queries_small, queries_big)
    grew = {name: c for name, c in counts.items() if c[0] != c[1]}
    assert not grew, f"query counts (small, big) that differ: {grew}"


LISTS = ["/cluster-years/", "/units/", "/people/", "/practices/", "/plans/"]


def test_list_pages_show_at_most_fifty_rows(client, big):
    admin = get_user_model().objects.create_superuser("perf.admin", "admin@perf.invalid", "x")
    client.force_login(admin)
    for url in LISTS:
        response = client.get(url)
        assert response.status_code == 200, url
        assert 0 < table_rows(response.content.decode()) <= LIST_LIMIT, url


def test_the_comparison_of_a_big_province_is_paginated(client, big):
    pages = pages_of("big")
    client.force_login(pages.staff)
    response = client.get(pages.urls["parent comparison, open year"])
    html = response.content.decode()
    assert response.status_code == 200
    assert table_rows(html) <= LIST_LIMIT + 10  # 50 units, and one line per cluster above
    assert "page=2" in html
