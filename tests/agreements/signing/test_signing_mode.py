"""The cluster year says how its agreement is signed: parent staff choose it on the cluster-year
page until the signing begins; both pages show it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clusters.models import ClusterYear
from core.models import AuditEntry
from tests.agreements.signing.support import adopt_agreement, sign

pytestmark = pytest.mark.django_db

STAFF, VIEWER, MEMBER_OFFICER, HEAD, OUTSIDER = "bantt", "xem", "canbo.badinh", "dongda", "ngoai"


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def url(cluster_year):
    return reverse("clusters:cluster_year_signing_mode", args=[cluster_year.pk])


def page(cluster_year):
    return reverse("clusters:cluster_year", args=[cluster_year.pk])


def messages_of(response):
    return [str(m) for m in response.wsgi_request._messages]


def mode_of(cluster_year):
    return ClusterYear.objects.get(pk=cluster_year.pk).signing_mode


def test_parent_staff_choose_it_and_the_pages_show_it(world, client_for):
    cy = world.cluster_year
    client = client_for(world.user(STAFF))
    shown = client.get(page(cy))
    assert shown.status_code == 200
    assert 'data-signing-mode="simple"' in shown.text
    assert url(cy) in shown.text  # the form is offered
    response = client.post(url(cy), {"mode": "digital"})
    assert response.status_code == 302
    assert response["Location"] == page(cy)
    assert mode_of(cy) == "digital"
    entry = AuditEntry.objects.get(action="cluster_year.signing_mode")
    assert entry.before == {"signing_mode": "simple"}
    assert entry.after == {"signing_mode": "digital"}
    assert 'data-signing-mode="digital"' in client.get(page(cy)).text
    agreement = adopt_agreement(world)
    detail = client_for(world.user(HEAD)).get(reverse("agreements:detail", args=[agreement.pk]))
    assert 'data-signing-mode="digital"' in detail.text
    assert "Digital signatures of every unit" in detail.text


@pytest.mark.parametrize(
    ("username", "status"), [(OUTSIDER, 404), (VIEWER, 403), (MEMBER_OFFICER, 403), (HEAD, 403)]
)
def test_only_parent_staff_choose_it(world, client_for, username, status):
    cy = world.cluster_year
    response = client_for(world.user(username)).post(url(cy), {"mode": "digital"})
    assert response.status_code == status
    assert mode_of(cy) == "simple"
    assert not AuditEntry.objects.filter(action="cluster_year.signing_mode").exists()


def test_readers_see_it_without_the_form(world, client_for):
    cy = world.cluster_year
    shown = client_for(world.user(VIEWER)).get(page(cy))
    assert 'data-signing-mode="simple"' in shown.text
    assert url(cy) not in shown.text


def test_a_bad_choice_is_a_message_not_an_error(world, client_for):
    cy = world.cluster_year
    response = client_for(world.user(STAFF)).post(url(cy), {"mode": "paper"})
    assert response.status_code == 302
    assert len(messages_of(response)) == 1
    assert mode_of(cy) == "simple"


def test_get_is_refused(world, client_for):
    assert client_for(world.user(STAFF)).get(url(world.cluster_year)).status_code == 405


def test_it_cannot_change_once_the_signing_has_begun(world, client_for):
    cy = world.cluster_year
    agreement = adopt_agreement(world)
    client = client_for(world.user(STAFF))
    # Adopted, nobody signed yet: it may still change.
    assert client.post(url(cy), {"mode": "mixed"}).status_code == 302
    assert mode_of(cy) == "mixed"
    client.get(page(cy))  # reads the success message
    sign(world, "hoankiem", agreement)
    response = client.post(url(cy), {"mode": "simple"})
    assert response.status_code == 302
    assert messages_of(response) == [
        "The signing of this year's agreement has begun: how it is signed can no longer change."
    ]
    assert mode_of(cy) == "mixed"
    assert AuditEntry.objects.filter(action="cluster_year.signing_mode").count() == 1
    shown = client.get(page(cy))
    assert url(cy) not in shown.text
    assert "can no longer change" in shown.text


def test_the_cluster_year_page_costs_the_same_before_and_after_signing(world, client_for):
    cy = world.cluster_year
    client = client_for(world.user(STAFF))
    agreement = adopt_agreement(world)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(page(cy)).status_code == 200
        return len(queries)

    before = count()
    for username in ("hoankiem", "badinh", "longbien"):
        sign(world, username, agreement)
    assert count() == before
