"""core.expressions: lists of values read with a row, and membership in such a list."""

import pytest
from django.db.models import OuterRef, Q

from clusters.models import ClusterYear, Membership, Unit
from core.expressions import AmongValues, ListOf

pytestmark = pytest.mark.django_db


def test_a_list_of_values_is_read_with_each_row(world):
    members = Membership.objects.filter(cluster_year=OuterRef("pk")).order_by("unit_id")
    years = ClusterYear.objects.annotate(units=ListOf(members.values("unit_id"))).order_by("pk")
    for cluster_year in years:
        expected = list(
            Membership.objects.filter(cluster_year=cluster_year)
            .order_by("unit_id")
            .values_list("unit_id", flat=True)
        )
        assert cluster_year.units == expected


def test_among_values_selects_the_rows_in_of_a_subquery_inside_an_or(world):
    members = Membership.objects.filter(cluster_year=world.cluster_year).values("unit_id")
    named = Unit.objects.order_by("pk").first()
    among = Unit.objects.filter(Q(AmongValues("pk", members)) | Q(pk=named.pk))
    usual = Unit.objects.filter(Q(pk__in=members) | Q(pk=named.pk))
    assert sorted(u.pk for u in among) == sorted(u.pk for u in usual)
    assert len(usual) > 1
    nothing = Unit.objects.filter(AmongValues("pk", members.none()))
    assert list(nothing) == []
