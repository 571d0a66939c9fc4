"""core.expressions: lists of values read with a row, membership in such a list, and constants
written into the SQL."""

import re

import pytest
from django.db.models import OuterRef, Q

from clusters.models import ClusterYear, Membership, Unit
from core.expressions import AmongValues, Constant, ListOf

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


def test_a_constant_is_written_into_the_sql_and_selects_as_a_parameter_would(world):
    query = Membership.objects.filter(role=Constant(Membership.Role.HEAD))
    sql, params = query.query.sql_with_params()
    assert "= 'head'" in sql and "head" not in [str(p) for p in params]
    assert sorted(m.pk for m in query) == sorted(
        m.pk for m in Membership.objects.filter(role=Membership.Role.HEAD)
    )
    assert query.exists()
    years = ClusterYear.objects.filter(year=Constant(world.cluster_year.year))
    assert world.cluster_year in years


def test_a_constant_quotes_its_text_and_takes_only_text_or_integers(world):
    quoted = Unit.objects.filter(name=Constant("Đống Đa'); DROP TABLE x; --"))
    assert list(quoted) == []
    assert "'Đống Đa''); DROP TABLE x; --'" in str(quoted.query)
    for wrong in (True, None, 1.5, ["head"]):
        with pytest.raises(TypeError):
            Constant(wrong)


def test_the_pending_appointments_use_their_partial_index_in_a_generic_plan(world):
    """The dashboard's appointments query, prepared and planned for any parameters, reads the
    pending positions from their partial index (it scanned every position before)."""
    from django.db import connection

    from clusters.models import Position

    query = Position.objects.pending().filter(unit_id=world.parent.pk).order_by("requested_at")
    sql, params = query.query.sql_with_params()
    numbered = iter(range(1, len(params) + 1))
    prepared = re.sub(r"%s", lambda _: f"${next(numbered)}", sql)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a tiny test table: ask for the index
        cursor.execute("SET LOCAL plan_cache_mode = force_generic_plan")
        cursor.execute(f"PREPARE pending_query AS {prepared}")
        literals = ", ".join(str(int(p)) for p in params)
        cursor.execute(f"EXPLAIN EXECUTE pending_query({literals})")
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("DEALLOCATE pending_query")
    assert "position_pending" in plan, plan
