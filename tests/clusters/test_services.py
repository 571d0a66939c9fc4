import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from clusters import services
from clusters.models import ClusterYear, Membership, Position, Succession, Unit, signature_block
from core.errors import DomainError
from core.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_seed_cluster_has_six_members_with_head_and_deputy(world):
    cy = world.cluster_year
    assert cy.memberships.count() == 6
    assert cy.head == world.unit("dongda")
    assert cy.deputy == world.unit("hoankiem")
    assert cy.status == ClusterYear.Status.ACTIVE


def test_a_new_head_takes_the_role_from_the_former_head_in_one_step(world):
    membership = world.cluster_year.memberships.get(unit=world.unit("badinh"))
    services.membership_update(
        actor=world.user("bantt"), membership=membership, role=Membership.Role.HEAD, order=3
    )
    cy = world.cluster_year
    assert cy.memberships.get(role=Membership.Role.HEAD).unit == world.unit("badinh")
    assert cy.memberships.get(unit=world.unit("dongda")).role == Membership.Role.MEMBER
    assert cy.memberships.get(role=Membership.Role.DEPUTY).unit == world.unit("hoankiem")


def test_the_deputy_becoming_head_swaps_the_two(world):
    deputy = world.cluster_year.memberships.get(role=Membership.Role.DEPUTY)
    services.membership_update(
        actor=world.user("bantt"), membership=deputy, role=Membership.Role.HEAD, order=1
    )
    cy = world.cluster_year
    assert cy.memberships.get(role=Membership.Role.HEAD).unit == world.unit("hoankiem")
    assert cy.memberships.get(role=Membership.Role.DEPUTY).unit == world.unit("dongda")


def test_the_database_holds_one_head_per_cluster_year(world):
    membership = world.cluster_year.memberships.get(unit=world.unit("badinh"))
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.filter(pk=membership.pk).update(role=Membership.Role.HEAD)


def test_a_unit_twice_in_a_cluster_year_is_refused(world):
    with pytest.raises(ValidationError):
        services.membership_add(
            actor=world.user("bantt"), cluster_year=world.cluster_year, unit=world.unit("badinh")
        )
    assert world.cluster_year.memberships.count() == 6


def test_starting_a_year_requires_a_head(world):
    cy = services.cluster_year_create(actor=world.user("bantt"), cluster=world.cluster, year=2030)
    with pytest.raises(DomainError):
        services.cluster_year_start(actor=world.user("bantt"), cluster_year=cy)
    services.membership_add(
        actor=world.user("bantt"), cluster_year=cy, unit=world.unit("badinh"), role="head"
    )
    services.cluster_year_start(actor=world.user("bantt"), cluster_year=cy)
    cy.refresh_from_db()
    assert cy.status == ClusterYear.Status.ACTIVE


def test_rollover_creates_next_year_with_new_roles(world):
    new = services.year_rollover(
        actor=world.user("bantt"),
        cluster_year=world.cluster_year,
        head=world.unit("hoankiem"),
        deputy=world.unit("badinh"),
    )
    assert new.year == 2021
    assert new.memberships.count() == 6
    assert new.memberships.get(role="head").unit == world.unit("hoankiem")
    assert new.memberships.get(role="deputy").unit == world.unit("badinh")
    assert AuditEntry.objects.for_object(new).filter(action="cluster_year.rollover").exists()


def test_merge_hands_memberships_to_the_successor(world):
    admin = world.admin
    successor = services.unit_create(
        actor=admin,
        name="Ủy ban MTTQ Việt Nam phường Thử Nghiệm",
        short_name="Thử Nghiệm",
        level=world.unit("badinh").level,
        place_name="Hà Nội",
        header_lines="ỦY BAN MTTQ VIỆT NAM\nPHƯỜNG THỬ NGHIỆM",
    )
    services.succession_record(
        actor=admin,
        predecessor=world.unit("longbien"),
        successor=successor,
        kind=Succession.Kind.MERGE,
        effective_date=datetime.date(2020, 7, 1),
    )
    old = world.cluster_year.memberships.get(unit=world.unit("longbien"))
    assert old.ended_on == datetime.date(2020, 7, 1)
    assert old.replaced_by.unit == successor
    world.unit("longbien").refresh_from_db()
    assert world.unit("longbien").status == Unit.Status.MERGED


def test_a_unit_cannot_be_merged_into_itself(world):
    with pytest.raises(ValidationError):
        services.succession_record(
            actor=world.admin,
            predecessor=world.unit("longbien"),
            successor=world.unit("longbien"),
            kind=Succession.Kind.MERGE,
            effective_date=datetime.date(2020, 7, 1),
        )
    assert not Succession.objects.exists()


def test_signature_block_follows_unit_and_position(world):
    unit = world.unit("hoankiem")
    assert signature_block(unit, Position.Title.CHAIR) == ["TM. BAN THƯỜNG TRỰC", "CHỦ TỊCH"]
    assert signature_block(unit, Position.Title.VICE_CHAIR) == [
        "TM. BAN THƯỜNG TRỰC",
        "KT. CHỦ TỊCH",
        "PHÓ CHỦ TỊCH",
    ]


def test_numbers_are_never_reused(world):
    unit = world.unit("dongda")
    first = services.number_allocate(
        actor=world.user("dongda"), unit=unit, year=2020, symbol="TTr-MTTQ", purpose="a"
    )
    second = services.number_allocate(
        actor=world.user("dongda"), unit=unit, year=2020, symbol="BB-MTTQ", purpose="b"
    )
    next_year = services.number_allocate(
        actor=world.user("dongda"), unit=unit, year=2021, symbol="TTr-MTTQ", purpose="c"
    )
    assert (first.number, second.number, next_year.number) == (1, 2, 1)
    assert first.reference == "01/TTr-MTTQ"
