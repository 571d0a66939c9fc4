import pytest
from django.urls import reverse

from tests.agreements.helpers import adopt, make_draft

pytestmark = pytest.mark.django_db


def _signing_step(client, world):
    response = client.get(reverse("clusters:cluster_year", args=[world.cluster_year.pk]))
    assert response.status_code == 200
    return next(s for s in response.context["timeline"] if s.key == "signing")


def test_without_an_agreement_the_step_links_to_starting_one(client_for, world):
    step = _signing_step(client_for(world.user("canbo.dongda")), world)
    assert step.url == reverse("agreements:cluster_year_agreements", args=[world.cluster_year.pk])
    assert step.state == "current"


def test_an_adopted_agreement_is_the_current_step_and_is_linked(client_for, world):
    agreement = make_draft(world)
    adopt(world, agreement)
    step = _signing_step(client_for(world.user("badinh")), world)
    assert step.url == reverse("agreements:detail", args=[agreement.pk])
    assert step.state == "current"
    assert agreement.title in step.detail
