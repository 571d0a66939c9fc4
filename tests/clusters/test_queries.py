"""A page's query count does not grow with its rows: 1 row and 50 rows cost the same."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clusters import services
from clusters.models import Cluster, ClusterYear, Membership, Unit, ViewerGrant
from tests.clusters.test_views import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def body(world, django_user_model):
    """A parent body of its own, with a staff member and a viewer, and one cluster year."""
    admin = world.admin
    parent = services.unit_create(
        actor=admin,
        name="Ủy ban MTTQ Việt Nam tỉnh Đo Đếm",
        short_name="MTTQ Đo Đếm",
        level=world.parent.level,
        place_name="Đo Đếm",
        header_lines="ỦY BAN MTTQ VIỆT NAM\nTỈNH ĐO ĐẾM\nBAN THƯỜNG TRỰC",
    )
    staff = django_user_model.objects.create(username="dodem")
    person = services.person_create(actor=admin, full_name="Người Đo", user=staff)
    services.position_create(actor=admin, person=person, unit=parent, title="officer")
    viewer = django_user_model.objects.create(username="dodem.xem")
    ViewerGrant.objects.create(user=viewer, unit=parent)
    cluster = services.cluster_create(actor=admin, parent=parent, name="Cụm 0", header_lines="C")
    cluster_year = services.cluster_year_create(actor=admin, cluster=cluster, year=2020)
    return {"parent": parent, "staff": staff, "viewer": viewer, "cluster_year": cluster_year}


def _units(parent, count, start=0):
    return Unit.objects.bulk_create(
        Unit(
            name=f"Đơn vị thử {start + i:03d}",
            short_name=f"Thử {start + i:03d}",
            search_text=f"don vi thu {start + i:03d}",
            level=parent.level,
            parent=parent,
            place_name="Đo Đếm",
            header_lines="X",
        )
        for i in range(count)
    )


def _members(cluster_year, units, first_order=1):
    Membership.objects.bulk_create(
        Membership(
            cluster_year=cluster_year,
            unit=unit,
            order=first_order + i,
            role=Membership.Role.HEAD if first_order + i == 1 else Membership.Role.MEMBER,
        )
        for i, unit in enumerate(units)
    )


def _count(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response


def test_cluster_year_list_costs_the_same_for_1_and_50_rows(body):
    client = login(body["staff"])
    _members(body["cluster_year"], _units(body["parent"], 3))
    url = reverse("clusters:cluster_year_list")
    one, response = _count(client, url)
    assert response.context["page_obj"].paginator.count == 1

    clusters = Cluster.objects.bulk_create(
        Cluster(parent=body["parent"], name=f"Cụm {i}", header_lines="C") for i in range(1, 50)
    )
    years = ClusterYear.objects.bulk_create(
        ClusterYear(cluster=cluster, year=2020 + i % 5) for i, cluster in enumerate(clusters)
    )
    for index, cluster_year in enumerate(years):
        _members(cluster_year, _units(body["parent"], 3, start=100 + 3 * index))
    many, response = _count(client, url)
    assert response.context["page_obj"].paginator.count == 50
    assert many == one


def test_unit_list_costs_the_same_for_1_and_50_rows(body):
    client = login(body["viewer"])
    url = reverse("clusters:unit_list")
    one, response = _count(client, url)
    assert response.context["page_obj"].paginator.count == 1
    _units(body["parent"], 49)
    many, response = _count(client, url)
    assert response.context["page_obj"].paginator.count == 50
    assert many == one


@pytest.mark.parametrize("who", ["staff", "viewer"])
def test_cluster_year_page_costs_the_same_for_1_and_50_members(body, who):
    client = login(body[who])
    cluster_year = body["cluster_year"]
    _members(cluster_year, _units(body["parent"], 1))
    url = reverse("clusters:cluster_year", args=[cluster_year.pk])
    one, response = _count(client, url)
    assert len(response.context["memberships"]) == 1
    _members(cluster_year, _units(body["parent"], 49, start=1), first_order=2)
    many, response = _count(client, url)
    assert len(response.context["memberships"]) == 50
    assert many == one


def test_unit_page_costs_the_same_for_1_and_50_positions(body):
    client = login(body["staff"])
    unit = _units(body["parent"], 1)[0]
    url = reverse("clusters:unit", args=[unit.pk])
    person = services.person_create(actor=None, full_name="Người 0")
    services.position_create(actor=None, person=person, unit=unit, title="officer")
    one, _response = _count(client, url)
    for i in range(1, 50):
        person = services.person_create(actor=None, full_name=f"Người {i}")
        services.position_create(actor=None, person=person, unit=unit, title="officer")
    many, response = _count(client, url)
    assert len(response.context["positions"]) == 50
    assert many == one


def test_search_costs_the_same_for_1_and_50_results(body):
    client = login(body["staff"])
    url = reverse("clusters:search") + "?q=don+vi+thu"
    _units(body["parent"], 1)
    one, response = _count(client, url)
    assert len(response.context["results"]["units"]["items"]) == 1
    _units(body["parent"], 49, start=1)
    many, response = _count(client, url)
    assert len(response.context["results"]["units"]["items"]) == 25
    assert many == one
