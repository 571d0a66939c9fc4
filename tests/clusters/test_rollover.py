"""The roll-over is offered wherever a year starts: one cluster, or every cluster of a parent."""

import pytest
from django.urls import reverse

from clusters import rollover, services
from clusters.models import ClusterYear
from core.models import AuditEntry

pytestmark = pytest.mark.django_db

URL = reverse("clusters:cluster_year_rollover_all")


def login(client, user):
    client.force_login(user)
    return client


def test_the_confirmation_page_lists_every_cluster_of_the_parent(client, world):
    page = login(client, world.user("bantt")).get(URL)
    assert page.status_code == 200
    rows = page.context["rows"]
    assert [row.cluster_year for row in rows] == [world.cluster_year]
    assert (rows[0].head, rows[0].deputy) == (world.unit("dongda"), world.unit("hoankiem"))
    other = reverse("clusters:cluster_year", args=[world.other_cluster_year.pk])
    assert f'href="{other}"' not in page.text  # another parent's
    assert not ClusterYear.objects.filter(year=2021).exists()  # nothing before confirming
    assert "Tạo 1 năm 2021 của các cụm" in page.text


def test_confirming_creates_next_year_for_each_cluster_once(client, world):
    client = login(client, world.user("bantt"))
    data = {"parent": world.parent.pk, "year": 2020}
    response = client.post(URL, data)
    new = ClusterYear.objects.get(cluster=world.cluster, year=2021)
    assert response.status_code == 302
    listed = reverse("clusters:cluster_year_list") + f"?parent={world.parent.pk}&year=2021"
    assert response.url == listed
    assert new.memberships.count() == 6
    assert new.head == world.unit("dongda") and new.deputy == world.unit("hoankiem")
    entries = AuditEntry.objects.filter(action="cluster_year.rollover", object_id=str(new.pk))
    assert entries.exists()
    # Again: the cluster has its 2021 already; nothing is created, the page says why.
    again = client.post(URL, data)
    assert again.status_code == 400
    assert ClusterYear.objects.filter(cluster=world.cluster, year=2021).count() == 1
    assert "Đã có năm 2021" in again.text


@pytest.mark.parametrize(
    ("username", "status"), [("xem", 403), ("canbo.dongda", 403), ("ngoai", 400)]
)
def test_only_the_parents_staff_roll_its_clusters_over(client, world, username, status):
    data = {"parent": world.parent.pk, "year": 2020}
    response = login(client, world.user(username)).post(URL, data)
    assert response.status_code == status
    assert not ClusterYear.objects.filter(cluster=world.cluster, year=2021).exists()


def test_a_new_year_page_and_the_cluster_page_offer_the_roll_over(client, world):
    client = login(client, world.user("bantt"))
    one = reverse("clusters:cluster_year_rollover", args=[world.cluster_year.pk])
    create = client.get(reverse("clusters:cluster_year_create") + f"?cluster={world.cluster.pk}")
    assert one in create.text and URL in create.text
    cluster = client.get(reverse("clusters:cluster", args=[world.cluster.pk]))
    assert one in cluster.text
    assert URL in client.get(reverse("clusters:cluster_year_list")).text


def test_the_single_roll_over_offers_this_years_roles(client, world):
    client = login(client, world.user("bantt"))
    form = client.get(
        reverse("clusters:cluster_year_rollover", args=[world.cluster_year.pk])
    ).context["form"]
    assert form["head"].value() == world.unit("dongda").pk
    assert form["deputy"].value() == world.unit("hoankiem").pk


def test_a_year_without_a_head_is_left_out(world):
    services.cluster_year_create(actor=world.user("bantt"), cluster=world.cluster, year=2021)
    [row] = rollover.plan(world.parent, 2021)
    assert row.skipped
