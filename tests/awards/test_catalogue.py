"""The award catalogue and the vote rules: data per parent body and year, edited by its staff."""

from decimal import Decimal

import pytest
from django.urls import reverse

from awards.models import AwardType, Proposal, ProposalItem, VoteRules
from awards.services import proposals
from core.errors import DomainError
from core.models import AuditEntry
from tests.awards.support import (
    build_catalogue,
    english,  # noqa: F401  (autouse: messages in English)
)

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"awards:{name}", args=args)


AWARD_POST = {
    "order": 3,
    "form": "commendation",
    "name": "Giấy khen của Ban Thường trực",
    "issuer": "Ủy ban MTTQ Việt Nam thành phố Hà Nội",
    "recipient": "collective",
    "min_rating": "Hoàn thành tốt nhiệm vụ",
    "vote_purpose": "",
    "quota_kind": "share",
    "quota_value": "30",
}


@pytest.mark.parametrize(
    ("kind", "value"),
    [("number", None), ("number", Decimal("0")), ("share", Decimal("120")), ("share", None)],
)
def test_a_quota_must_fit_its_kind(world, kind, value):
    with pytest.raises(DomainError):
        proposals.award_type_create(
            actor=world.user("bantt"),
            parent=world.parent,
            year=2020,
            form=AwardType.Form.MERIT,
            name="Bằng khen",
            issuer="MTTQ",
            quota_kind=kind,
            quota_value=value,
        )
    assert not AwardType.objects.exists()


def test_no_quota_drops_any_value_and_names_are_unique_per_year(world):
    first = proposals.award_type_create(
        actor=world.user("bantt"),
        parent=world.parent,
        year=2020,
        form=AwardType.Form.MERIT,
        name="Bằng khen",
        issuer="MTTQ",
        quota_kind=AwardType.Quota.NONE,
        quota_value=Decimal("3"),
    )
    assert first.quota_value is None
    with pytest.raises(DomainError):
        proposals.award_type_create(
            actor=world.user("bantt"),
            parent=world.parent,
            year=2020,
            form=AwardType.Form.MERIT,
            name="Bằng khen",
            issuer="MTTQ",
        )
    assert AuditEntry.objects.filter(action="award_type.create").count() == 1


def test_the_catalogue_is_copied_from_the_previous_year_with_its_vote_rules(world):
    build_catalogue(world, year=2020)
    VoteRules.objects.create(parent=world.parent, year=2020, rounds=3)
    copied = proposals.catalogue_copy(actor=world.user("bantt"), parent=world.parent, year=2021)
    assert len(copied) == 3
    assert set(AwardType.objects.filter(year=2021).values_list("name", flat=True)) == set(
        AwardType.objects.filter(year=2020).values_list("name", flat=True)
    )
    assert VoteRules.objects.get(year=2021).rounds == 3
    with pytest.raises(DomainError, match="already"):
        proposals.catalogue_copy(actor=world.user("bantt"), parent=world.parent, year=2021)
    with pytest.raises(DomainError, match="no earlier"):
        proposals.catalogue_copy(actor=world.user("bantt"), parent=world.parent, year=2019)


def test_an_award_in_use_is_not_removed(world):
    flag, _merit, person = build_catalogue(world)
    proposal = Proposal.objects.create(
        cluster_year=world.cluster_year, head=world.unit("dongda"), head_name="Đống Đa"
    )
    ProposalItem.objects.create(
        proposal=proposal, award_type=flag, unit=world.unit("dongda"), unit_name="Đống Đa"
    )
    with pytest.raises(DomainError, match="used"):
        proposals.award_type_remove(actor=world.user("bantt"), award_type=flag)
    proposals.award_type_remove(actor=world.user("bantt"), award_type=person)
    assert set(AwardType.objects.values_list("form", flat=True)) == {"flag", "merit"}
    assert AuditEntry.objects.filter(action="award_type.remove").count() == 1


def test_parent_staff_edit_the_catalogue_and_the_rules_from_its_page(world, client_for):
    client = client_for(world.user("bantt"))
    page = client.get(url("catalogue", world.parent.pk, 2020))
    assert page.status_code == 200 and "Add an award" in page.text
    response = client.post(url("award_type_add", world.parent.pk, 2020), AWARD_POST)
    assert response.status_code == 302
    award = AwardType.objects.get()
    assert award.quota_value == Decimal("30") and award.min_rating == "Hoàn thành tốt nhiệm vụ"
    bad = client.post(
        url("award_type_add", world.parent.pk, 2020), {**AWARD_POST, "quota_value": "150"}
    )
    assert bad.status_code == 400 and AwardType.objects.count() == 1
    edit = client.get(url("award_type_edit", award.pk))
    assert edit.status_code == 200
    response = client.post(
        url("award_type_edit", award.pk),
        {**AWARD_POST, "name": "Giấy khen", "version": award.version},
    )
    assert response.status_code == 302 and AwardType.objects.get().name == "Giấy khen"
    stale = client.post(
        url("award_type_edit", award.pk), {**AWARD_POST, "name": "Cũ", "version": 1}
    )
    assert stale.status_code == 400 and AwardType.objects.get().name == "Giấy khen"
    response = client.post(
        url("vote_rules", world.parent.pk, 2020),
        {
            "threshold_percent": "50",
            "strictly_more": "on",
            "base": "all",
            "rounds": "3",
            "tie_break": "another_round",
        },
    )
    assert response.status_code == 302 and VoteRules.objects.get().base == "all"
    assert client.post(url("award_type_remove", award.pk)).status_code == 302
    assert not AwardType.objects.exists()


def test_the_copy_button(world, client_for):
    build_catalogue(world, year=2020)
    response = client_for(world.user("bantt")).post(url("catalogue_copy", world.parent.pk, 2021))
    assert response.status_code == 302 and AwardType.objects.filter(year=2021).count() == 3


def test_viewers_read_the_catalogue_members_and_outsiders_do_not(world, client_for):
    award = build_catalogue(world)[0]
    assert (
        client_for(world.user("xem")).get(url("catalogue", world.parent.pk, 2020)).status_code
        == 200
    )
    for path in (
        url("award_type_add", world.parent.pk, 2020),
        url("vote_rules", world.parent.pk, 2020),
        url("catalogue_copy", world.parent.pk, 2021),
        url("award_type_edit", award.pk),
        url("award_type_remove", award.pk),
    ):
        assert client_for(world.user("xem")).post(path, AWARD_POST).status_code == 403
        assert client_for(world.user("ngoai")).post(path, AWARD_POST).status_code == 404
    assert (
        client_for(world.user("ngoai")).get(url("catalogue", world.parent.pk, 2020)).status_code
        == 404
    )
    member = client_for(world.user("canbo.badinh"))
    assert member.get(url("catalogue", world.parent.pk, 2020)).status_code == 200
    assert member.post(url("award_type_add", world.parent.pk, 2020), AWARD_POST).status_code == 404
    assert client_for(world.user("ngoai")).get(url("catalogue", 987654, 2020)).status_code == 404
    assert AwardType.objects.count() == 3 and not VoteRules.objects.exists()
