"""core.compiled: a queryset built and compiled once per shape, run with each call's values."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clusters import access
from clusters.models import ClusterYear, Position, Unit
from core import compiled as compiled_module
from core.compiled import compiled

pytestmark = pytest.mark.django_db

built = []


@compiled
def units_named(pks, kind):
    built.append((pks, kind))
    return Unit.objects.filter(pk__in=pks, kind=kind).order_by("pk")


@compiled
def years_of_parent(parent, year):
    query = ClusterYear.objects.filter(cluster__parent_id=parent)
    if year is not None:
        query = query.filter(year=year)  # a small integer field: psycopg's Int2 around it
    return query.order_by("year", "pk").values_list("pk", "year")


@compiled
def positions_on(roles, on):
    return Position.objects.current(on).filter(unit_id__in=access.unit_ids(roles)).order_by("pk")


def test_a_shape_is_built_once_and_each_call_gets_its_own_rows(world):
    units = list(Unit.objects.order_by("pk")[:4])
    built.clear()
    first = units_named(pks=[units[0].pk, units[1].pk], kind=units[0].kind)
    second = units_named(pks=[units[2].pk, units[3].pk], kind=units[2].kind)
    expected = [u for u in units[2:] if u.kind == units[2].kind]
    assert [u.pk for u in second] == [u.pk for u in expected]
    assert [u.pk for u in first] == [u.pk for u in units[:2] if u.kind == units[0].kind]
    # Built with marks once (and afresh by CHECK for each call), never with marks again.
    marked = [call for call in built if 32700 <= call[0][0] < 32767]
    assert len(marked) == 1
    # Another length of the list is another shape.
    assert [u.pk for u in units_named(pks=[units[0].pk], kind=units[0].kind)] == [units[0].pk]
    assert len([call for call in built if 32700 <= call[0][0] < 32767]) == 2


def test_repeated_values_count_once_and_an_empty_list_matches_nothing(world):
    unit = Unit.objects.order_by("pk").first()
    assert [u.pk for u in units_named(pks=[unit.pk, unit.pk], kind=unit.kind)] == [unit.pk]
    with CaptureQueriesContext(connection) as queries:
        assert units_named(pks=[], kind=unit.kind) == []
    assert len(queries) == 0


def test_none_is_part_of_the_shape_and_typed_parameters_keep_their_type(world):
    parent = world.cluster_year.cluster.parent_id
    every = years_of_parent(parent=parent, year=None)
    assert every == list(
        ClusterYear.objects.filter(cluster__parent_id=parent)
        .order_by("year", "pk")
        .values_list("pk", "year")
    )
    for year in {year for _pk, year in every}:
        assert years_of_parent(parent=parent, year=year) == [r for r in every if r[1] == year]
    assert years_of_parent(parent=parent, year=1901) == []


def test_a_users_roles_are_marks_and_each_user_gets_their_own_rows(world):
    today = datetime.date.today()
    for username in ("dongda", "badinh", "canbo.dongda", "bantt"):
        user = world.user(username)
        access.forget(user)
        rows = positions_on(roles=access.Roles(user), on=today)
        expected = Position.objects.current(today).filter(unit_id__in=access.unit_ids(user))
        assert [p.pk for p in rows] == list(expected.order_by("pk").values_list("pk", flat=True))
        assert rows, username


def test_the_check_finds_a_function_that_reads_anything_but_its_keywords(world):
    state = {"kind": Unit.objects.first().kind}

    @compiled
    def reads_a_global(pk):
        return Unit.objects.filter(pk=pk, kind=state["kind"])

    pk = Unit.objects.first().pk
    assert len(reads_a_global(pk=pk)) == 1
    state["kind"] = "something else"
    with pytest.raises(AssertionError, match="differs from the one built now"):
        reads_a_global(pk=pk)


def test_without_the_check_the_compiled_sql_is_run_as_it_is(world, monkeypatch):
    monkeypatch.setattr(compiled_module, "CHECK", False)
    unit = Unit.objects.order_by("pk").first()
    built.clear()
    units_named(pks=[unit.pk, unit.pk + 1, unit.pk + 2], kind=unit.kind)
    units_named(pks=[unit.pk, unit.pk + 1, unit.pk + 2], kind=unit.kind)
    assert len(built) <= 1  # at most the first, marked build; no fresh build without CHECK


def test_a_boolean_is_refused(world):
    @compiled
    def by_flag(flag):
        return Unit.objects.filter(pk__gt=0) if flag else Unit.objects.none()

    with pytest.raises(TypeError):
        by_flag(flag=True)


def test_an_integer_beyond_its_fields_range_matches_nothing_as_django_says(world, client_for):
    unit = Unit.objects.order_by("pk").first()
    assert units_named(pks=[unit.pk], kind=unit.kind)
    assert units_named(pks=[2**70], kind=unit.kind) == []
    assert years_of_parent(parent=world.cluster_year.cluster.parent_id, year=2**20) == []
    # A page read compiled once: an address with such a number is a 404, never an error.
    response = client_for(world.user("bantt")).get(f"/agreements/{2**70}/")
    assert response.status_code == 404


def test_on_another_database_the_queryset_is_built_on_every_call(world, monkeypatch):
    """SQLite (make run's default) compiles dates as text, where marks cannot be found."""
    monkeypatch.setattr(connection, "vendor", "sqlite")
    unit = Unit.objects.order_by("pk").first()
    built.clear()
    for _ in range(2):
        assert [u.pk for u in units_named(pks=[unit.pk], kind=unit.kind)] == [unit.pk]
    assert built == [([unit.pk], unit.kind)] * 2  # the real values, never marks
