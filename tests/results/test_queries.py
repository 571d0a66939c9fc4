"""The results page and the parent's comparison cost as many queries for 60 units as for 6."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from agreements.models import Criterion
from clusters.models import Cluster, ClusterYear, Membership, Unit
from results import services
from results.models import Period, Score
from tests.results.support import build_agreement

pytestmark = pytest.mark.django_db


def cluster_with(world, size, name):
    """A cluster of `size` fresh units under the seed's parent, with an open year-end review."""
    level = world.unit("badinh").level
    units = Unit.objects.bulk_create(
        Unit(
            name=f"Ủy ban MTTQ phường {name} {index:02d}",
            short_name=f"{name} {index:02d}",
            level=level,
            parent=world.parent,
            place_name="Hà Nội",
            header_lines="ỦY BAN MTTQ VIỆT NAM\nPHƯỜNG\nBAN THƯỜNG TRỰC",
        )
        for index in range(size)
    )
    cluster = Cluster.objects.create(parent=world.parent, name=name, header_lines="CỤM")
    cluster_year = ClusterYear.objects.create(
        cluster=cluster, year=2020, status=ClusterYear.Status.ACTIVE
    )
    Membership.objects.bulk_create(
        Membership(
            cluster_year=cluster_year,
            unit=unit,
            order=index,
            role=Membership.Role.HEAD if index == 0 else Membership.Role.MEMBER,
        )
        for index, unit in enumerate(units)
    )
    build_agreement(cluster_year)
    period = services.period_open(
        actor=world.user("admin"),
        cluster_year=cluster_year,
        kind=Period.Kind.YEAR_END,
        deadline=timezone.now() + datetime.timedelta(days=5),
    )
    fill(period)
    return period


def fill(period):
    Score.objects.filter(assessment__period=period, criterion__kind=Criterion.Kind.NORMAL).update(
        achieved=1, self_score=1
    )


def count_queries(client, url, params=None):
    client.get(url, params)  # warm caches (content types, sessions)
    with CaptureQueriesContext(connection) as context:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(context.captured_queries), response


def test_the_results_page_query_count_is_flat(results, client_for):
    small = results.open()
    fill(small)
    large = cluster_with(results.world, 60, "Cụm lớn")
    client = client_for(results.user("bantt"))
    small_count, small_page = count_queries(client, reverse("results:period", args=[small.pk]))
    large_count, large_page = count_queries(client, reverse("results:period", args=[large.pk]))
    assert large_page.text.count("Cụm lớn 59") >= 1
    assert small_page.text.count("<svg") == large_page.text.count("<svg") == 2
    assert small_count == large_count, (small_count, large_count)
    assert small_count < 40


def test_the_comparison_query_count_is_flat_and_pages_hold_fifty(results, client_for):
    results.open()
    client = client_for(results.user("xem"))
    url = reverse("results:comparison", args=[results.parent.pk])
    params = {"year": 2020, "kind": "year_end"}
    before, _page = count_queries(client, url, params)
    cluster_with(results.world, 60, "Cụm lớn")
    after, page = count_queries(client, url, params)
    assert before == after, (before, after)
    assert page.context["page_obj"].paginator.count == 66
    assert len(page.context["page_obj"].object_list) == 50
    second = client.get(url, {**params, "page": 2})
    assert len(second.context["page_obj"].object_list) == 16
    assert "Cụm lớn" in page.text and "Cụm thi đua số 1" in page.text
