"""The agreement pages' query counts do not grow with sections, criteria, comments, revisions."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from agreements import services
from tests.agreements.test_views import add_criterion, url


def fill(agreement, head, sections, criteria):
    for n in range(sections):
        section = services.section_add(
            actor=head, agreement=agreement, heading=f"Mục {n}", text=f"Nội dung {n}"
        )
        for m in range(criteria):
            add_criterion(head, section, code=f"{n}.{m}")


def count(client, address):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(address)
    assert response.status_code == 200
    return len(queries)


@pytest.fixture
def head(world):
    return world.user("canbo.dongda")


@pytest.fixture
def agreement(world, head):
    return services.agreement_create(actor=head, cluster_year=world.cluster_year, origin="blank")


@pytest.mark.parametrize("username", ["canbo.dongda", "canbo.badinh"])
def test_the_agreement_page_is_flat_from_1_to_30_sections_with_criteria(
    world, client_for, head, agreement, username
):
    fill(agreement, head, 1, 1)
    client = client_for(world.user(username))
    one = count(client, agreement.get_absolute_url())
    fill(agreement, head, 29, 3)
    thirty = count(client, agreement.get_absolute_url())
    assert one == thirty
    assert thirty < 40


def test_the_agreement_page_is_flat_with_comments_and_a_conference(
    world, client_for, head, agreement
):
    import datetime

    from django.utils import timezone

    fill(agreement, head, 2, 1)
    services.agreement_circulate(actor=head, agreement=agreement)
    member = world.user("canbo.badinh")
    services.conference_save(
        actor=head,
        agreement=agreement,
        starts_at=timezone.make_aware(datetime.datetime(2020, 2, 5, 14)),
        venue="Đống Đa",
        hosts=[world.unit("dongda")],
        guests=[{"name": "Khách 1", "title": "", "organisation": ""}],
    )
    services.comment_add(actor=member, agreement=agreement, unit=world.unit("badinh"), text="1")
    client = client_for(head)
    one = count(client, agreement.get_absolute_url())
    for n in range(15):
        comment = services.comment_add(
            actor=member, agreement=agreement, unit=world.unit("badinh"), text=f"Ý kiến {n}"
        )
        services.comment_answer(actor=head, comment=comment, answer=f"Trả lời {n}")
    many = count(client, agreement.get_absolute_url())
    assert one == many


def test_the_revisions_page_is_flat(world, client_for, head, agreement):
    fill(agreement, head, 1, 0)
    client = client_for(head)
    one = count(client, url("revisions", agreement.pk))
    fill(agreement, head, 20, 1)
    many = count(client, url("revisions", agreement.pk))
    assert one == many


def test_the_cluster_year_list_is_flat(world, client_for, head, agreement):
    client = client_for(head)
    address = url("cluster_year_agreements", world.cluster_year.pk)
    one = count(client, address)
    fill(agreement, head, 1, 1)
    services.agreement_circulate(actor=head, agreement=agreement)
    adopted = services.agreement_adopt(actor=head, agreement=agreement)
    amendment = services.agreement_amend(actor=head, agreement=adopted, reason="Sửa")
    services.agreement_circulate(actor=head, agreement=amendment)
    services.agreement_adopt(actor=head, agreement=amendment)
    services.agreement_amend(actor=head, agreement=amendment, reason="Sửa lần hai")
    assert count(client, address) == one
