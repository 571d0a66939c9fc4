"""Issue 17: the three pages that only their address reached have links now.

The account menu links "my signature" for those who may sign for a unit, and the certificates
page for those who hold a position (their personal certificate, their unit's organisation key
and seal image, the parent body's confirmations); a unit's page links the unit's awards
(awards adds the link through core.unit_links: clusters does not know awards).
"""

import pytest
from django.test import Client
from django.urls import reverse

from core import unit_links

pytestmark = pytest.mark.django_db

SIGNATURE = reverse("agreements:saved_signature")
CERTIFICATES = reverse("agreements:certificates")


def page_as(world, username, url):
    client = Client()
    if username is not None:
        client.force_login(world.user(username))
    return client.get(url)


def links_in(response):
    return response.content.decode()


@pytest.mark.parametrize(
    ("username", "signature", "certificates"),
    [
        ("badinh", True, True),  # a member's chair: signs for the unit
        ("dongda", True, True),  # the head's chair
        ("canbo.badinh", False, True),  # a member's officer: the unit's keys, not a signature
        ("bantt", False, True),  # parent staff: confirm the registrations
        ("xem", False, False),  # a viewer holds no position
        ("admin", False, False),  # the administrator holds no position either
    ],
)
def test_the_account_menu_links_the_signature_and_certificates_to_who_uses_them(
    world, username, signature, certificates
):
    html = links_in(page_as(world, username, reverse("dashboard")))
    assert (f'href="{SIGNATURE}"' in html) is signature
    assert (f'href="{CERTIFICATES}"' in html) is certificates
    for url, linked in ((SIGNATURE, signature), (CERTIFICATES, certificates)):
        if linked:  # the link leads to a page that opens
            assert page_as(world, username, url).status_code == 200


def test_a_chair_whose_position_may_not_sign_gets_no_signature_link(world):
    from clusters.models import Position

    Position.objects.filter(person__user=world.user("badinh")).update(can_sign=False)
    html = links_in(page_as(world, "badinh", reverse("dashboard")))
    assert f'href="{SIGNATURE}"' not in html
    assert f'href="{CERTIFICATES}"' in html  # the position still holds


def test_a_visitor_sees_neither_link_and_the_pages_ask_to_log_in(world):
    html = links_in(page_as(world, None, reverse("login")))
    assert SIGNATURE not in html and CERTIFICATES not in html
    for url in (SIGNATURE, CERTIFICATES):
        response = page_as(world, None, url)
        assert response.status_code == 302 and response.url.startswith(reverse("login"))


@pytest.mark.parametrize("username", ["bantt", "xem", "badinh", "canbo.dongda", "admin"])
def test_a_units_page_links_its_awards_for_whoever_sees_it(world, username):
    unit = world.unit("dongda")
    awards = reverse("awards:unit_awards", args=[unit.pk])
    response = page_as(world, username, reverse("clusters:unit", args=[unit.pk]))
    assert response.status_code == 200
    html = links_in(response)
    assert f'href="{awards}"' in html
    assert "Khen thưởng của đơn vị" in html  # in Vietnamese
    assert page_as(world, username, awards).status_code == 200


def test_an_outsider_opens_neither_the_unit_nor_its_awards(world):
    unit = world.unit("dongda")
    assert page_as(world, "ngoai", reverse("clusters:unit", args=[unit.pk])).status_code == 404
    awards = reverse("awards:unit_awards", args=[unit.pk])
    assert page_as(world, "ngoai", awards).status_code == 404


def test_the_awards_link_is_registered_by_awards_and_spends_no_query(
    world, django_assert_num_queries
):
    unit = world.unit("dongda")
    with django_assert_num_queries(0):
        links = unit_links.links_for(world.user("bantt"), unit)
    assert [link.url for link in links] == [reverse("awards:unit_awards", args=[unit.pk])]
