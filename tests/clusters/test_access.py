"""Who gets which status on every clusters page: 404 for outsiders, 403 for readers."""

import datetime

import pytest
from django.db.models import OuterRef
from django.urls import reverse

from clusters import access
from clusters.models import ClusterYear, Membership

pytestmark = pytest.mark.django_db

STAFF, VIEWER, MEMBER_OFFICER, OUTSIDER = "bantt", "xem", "canbo.badinh", "ngoai"


def _object_urls(world):
    cy = world.cluster_year
    membership = cy.memberships.get(unit=world.unit("badinh"))
    dongda = world.unit("dongda")
    position = dongda.positions.get(title="chair")
    return {
        "cluster_year": reverse("clusters:cluster_year", args=[cy.pk]),
        "cluster_year_edit": reverse("clusters:cluster_year_edit", args=[cy.pk]),
        "cluster_year_rollover": reverse("clusters:cluster_year_rollover", args=[cy.pk]),
        "membership_add": reverse("clusters:membership_add", args=[cy.pk]),
        "membership_edit": reverse("clusters:membership_edit", args=[cy.pk, membership.pk]),
        "cluster": reverse("clusters:cluster", args=[world.cluster.pk]),
        "cluster_edit": reverse("clusters:cluster_edit", args=[world.cluster.pk]),
        "plan_edit": reverse("clusters:plan_edit", args=[world.plan.pk]),
        "unit": reverse("clusters:unit", args=[dongda.pk]),
        "unit_edit": reverse("clusters:unit_edit", args=[dongda.pk]),
        "succession_create": reverse("clusters:succession_create", args=[dongda.pk]),
        "position_create": reverse("clusters:position_create", args=[dongda.pk]),
        "position_edit": reverse("clusters:position_edit", args=[position.pk]),
        "person": reverse("clusters:person", args=[position.person.pk]),
        "person_edit": reverse("clusters:person_edit", args=[position.person.pk]),
    }


READ_PAGES = ["cluster_year", "cluster", "unit", "person"]
MANAGE_PAGES = [
    "cluster_year_edit",
    "cluster_year_rollover",
    "membership_add",
    "membership_edit",
    "cluster_edit",
    "plan_edit",
    "unit_edit",
    "succession_create",
    "position_create",
    "position_edit",
    "person_edit",
]


@pytest.mark.parametrize("page", READ_PAGES + MANAGE_PAGES)
def test_parent_staff_open_every_page(world, client_for, page):
    assert client_for(world.user(STAFF)).get(_object_urls(world)[page]).status_code == 200


@pytest.mark.parametrize("page", READ_PAGES + MANAGE_PAGES)
def test_outsider_of_another_parent_gets_404(world, client_for, page):
    assert client_for(world.user(OUTSIDER)).get(_object_urls(world)[page]).status_code == 404


@pytest.mark.parametrize("page", READ_PAGES)
@pytest.mark.parametrize("username", [VIEWER, MEMBER_OFFICER])
def test_readers_open_the_read_pages(world, client_for, page, username):
    assert client_for(world.user(username)).get(_object_urls(world)[page]).status_code == 200


@pytest.mark.parametrize("page", MANAGE_PAGES)
@pytest.mark.parametrize("username", [VIEWER, MEMBER_OFFICER])
def test_readers_get_403_on_manage_pages(world, client_for, page, username):
    response = client_for(world.user(username)).get(_object_urls(world)[page])
    assert response.status_code == 403


@pytest.mark.parametrize(
    "name",
    [
        "clusters:cluster_year_create",
        "clusters:cluster_create",
        "clusters:plan_create",
        "clusters:unit_create",
        "clusters:import",
    ],
)
def test_create_pages_are_for_parent_staff_only(world, client_for, name):
    url = reverse(name)
    assert client_for(world.user(STAFF)).get(url).status_code == 200
    assert client_for(world.user(OUTSIDER)).get(url).status_code == 200  # staff elsewhere
    assert client_for(world.user(VIEWER)).get(url).status_code == 403
    assert client_for(world.user(MEMBER_OFFICER)).get(url).status_code == 403


@pytest.mark.parametrize(
    "name", ["clusters:cluster_year_start", "clusters:membership_remove", "clusters:delegate"]
)
def test_post_buttons_refuse_readers_and_hide_from_outsiders(world, client_for, name):
    cy = world.cluster_year
    membership = cy.memberships.get(unit=world.unit("badinh"))
    url = {
        "clusters:cluster_year_start": reverse("clusters:cluster_year_start", args=[cy.pk]),
        "clusters:membership_remove": reverse(
            "clusters:membership_remove", args=[cy.pk, membership.pk]
        ),
        "clusters:delegate": reverse("clusters:cluster_year_delegate", args=[cy.pk]),
    }[name]
    assert client_for(world.user(OUTSIDER)).post(url).status_code == 404
    assert client_for(world.user(VIEWER)).post(url).status_code == 403
    assert client_for(world.user(MEMBER_OFFICER)).post(url).status_code == 403
    assert cy.memberships.filter(pk=membership.pk).exists()


def test_writes_refuse_get(world, client_for):
    url = reverse("clusters:cluster_year_start", args=[world.cluster_year.pk])
    assert client_for(world.user(STAFF)).get(url).status_code == 405


def test_list_pages_show_only_what_the_user_may_see(world, client_for):
    client = client_for(world.user(OUTSIDER))
    body = client.get(reverse("clusters:unit_list")).content.decode()
    assert "Hải Phòng" in body
    assert "Đống Đa" not in body
    body = client.get(reverse("clusters:cluster_year_list")).content.decode()
    assert "MTTQ Hà Nội" not in body
    assert reverse("clusters:cluster_year", args=[world.other_cluster_year.pk]) in body


def test_plan_file_is_hidden_from_outsiders(world, client_for):
    url = reverse("clusters:plan_file", args=[world.plan.pk])
    assert client_for(world.user(OUTSIDER)).get(url).status_code == 404


def test_unknown_ids_give_404(world, client_for):
    client = client_for(world.user(STAFF))
    for name in ("clusters:cluster_year", "clusters:unit", "clusters:person", "clusters:cluster"):
        assert client.get(reverse(name, args=[987654])).status_code == 404
    membership_url = reverse("clusters:membership_edit", args=[world.cluster_year.pk, 987654])
    assert client.get(membership_url).status_code == 404
    assert (
        client.get(reverse("clusters:import_template", args=["nothing", "csv"])).status_code == 404
    )


def test_anonymous_users_are_sent_to_log_in(world, client):
    response = client.get(reverse("clusters:cluster_year_list"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_a_position_counts_from_its_first_day_in_vietnam_time(world, monkeypatch):
    """Roles follow the calendar of Hà Nội, not the server's (UTC): 18:30 UTC on 31 December
    is already 1 January there."""
    import datetime

    from django.utils import timezone

    from clusters import access
    from clusters.models import Person, Position

    user = world.user("xem")
    unit = world.unit("hoangmai")
    person = Person.objects.create(full_name="Trịnh Văn Q", user=user)
    position = Position.objects.create(
        person=person,
        unit=unit,
        title="vice_chair",
        start=datetime.date(2026, 1, 1),
        confirmation="confirmed",
    )
    monkeypatch.setattr(
        timezone, "now", lambda: datetime.datetime(2025, 12, 31, 18, 30, tzinfo=datetime.UTC)
    )
    assert position.is_current()
    assert unit.pk in access.unit_ids(user)
    monkeypatch.setattr(
        timezone, "now", lambda: datetime.datetime(2025, 12, 31, 16, 30, tzinfo=datetime.UTC)
    )
    access.forget(user)
    assert not position.is_current()
    assert unit.pk not in access.unit_ids(user)


def _role_queries(queries):
    """The queries that read a user's positions or viewer grants."""
    return [
        q["sql"]
        for q in queries
        if '"clusters_viewergrant"' in q["sql"] or 'FROM "clusters_position"' in q["sql"]
    ]


@pytest.mark.parametrize("who", [STAFF, VIEWER, MEMBER_OFFICER])
def test_the_roles_are_read_in_one_query_per_request(world, client_for, who):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(world.user(who))
    url = reverse("clusters:cluster_year", args=[world.cluster_year.pk])
    for _request in range(2):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        roles = _role_queries(queries.captured_queries)
        assert len(roles) == 1
        assert '"clusters_viewergrant"' in roles[0] and '"clusters_position"' in roles[0]


def test_a_withdrawn_grant_is_withdrawn_from_the_next_request_on(world, client_for):
    from clusters.models import ViewerGrant

    client = client_for(world.user(VIEWER))
    url = reverse("clusters:cluster_year", args=[world.cluster_year.pk])
    assert client.get(url).status_code == 200
    ViewerGrant.objects.filter(user=world.user(VIEWER)).delete()
    assert client.get(url).status_code == 404


def test_an_ended_position_counts_no_more_from_the_next_request_on(world, client_for):
    from django.db.models import F

    from clusters.models import Position

    user = world.user(STAFF)
    client = client_for(user)
    url = reverse("clusters:cluster_year_edit", args=[world.cluster_year.pk])
    assert client.get(url).status_code == 200
    Position.objects.filter(person__user=user).update(end=F("start"))
    assert client.get(url).status_code == 404


def test_positions_and_grants_land_in_their_own_role_sets(world):
    from clusters import access
    from clusters.models import ViewerGrant

    staff, viewer, signer = world.user(STAFF), world.user(VIEWER), world.user("dongda")
    parent, dongda = world.parent, world.unit("dongda")
    assert access.staff_parent_ids(staff) == {parent.pk}
    assert parent.pk in access.unit_ids(staff)
    assert access.viewer_unit_ids(staff) == set()
    assert access.viewer_unit_ids(viewer) == {parent.pk}
    assert access.unit_ids(viewer) == set()
    assert access.staff_parent_ids(viewer) == set()
    assert dongda.pk in access.signer_unit_ids(signer)
    assert access.staff_parent_ids(signer) == set()
    ViewerGrant.objects.create(user=signer, unit=world.unit("hoangmai"))
    access.forget(signer)
    assert access.viewer_unit_ids(signer) == {world.unit("hoangmai").pk}
    assert world.unit("hoangmai").pk not in access.unit_ids(signer)


def test_the_compiled_roles_query_answers_as_the_orm_query_does(world):
    """The roles query is compiled once per process; only the user's id and the day change."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from clusters import access
    from clusters.models import ViewerGrant

    ViewerGrant.objects.create(user=world.user("dongda"), unit=world.unit("hoangmai"))
    today = timezone.localdate()
    users = list(get_user_model().objects.all())
    assert len(users) > 5
    shapes = len(access._role_queryset.shapes)
    for user in users:
        expected = sorted(access._role_queryset.__wrapped__(user.pk, today))
        assert sorted(access._role_rows(user)) == expected, user.username
    assert any(access._role_rows(user) for user in users)
    assert len(access._role_queryset.shapes) <= shapes + 1  # one shape for every user


def test_members_read_as_json_are_the_members_read_as_models(world):
    """clusters.access.members_json read with another row (a page's one query) and made models
    by set_members_from_json: the same memberships, units and values as read_members."""
    cluster_year = world.cluster_year
    first = Membership.objects.filter(cluster_year=cluster_year).order_by("pk").first()
    Membership.objects.filter(pk=first.pk).update(ended_on=datetime.date(2020, 6, 30))
    [row] = ClusterYear.objects.filter(pk=cluster_year.pk).annotate(
        members=access.members_json(OuterRef("pk"))
    )
    from_json = access.set_members_from_json(
        ClusterYear(pk=cluster_year.pk), row.members, "default"
    )
    as_models = access.read_members(ClusterYear.objects.get(pk=cluster_year.pk))

    def values(year):
        return sorted(
            (
                [getattr(m, f.attname) for f in Membership._meta.concrete_fields],
                [getattr(m.unit, f.attname) for f in m.unit._meta.concrete_fields],
                m.is_active,
                m.unit._state.adding,
            )
            for m in year.memberships.all()
        )

    assert values(from_json) == values(as_models)
    assert len(values(from_json)) == Membership.objects.filter(cluster_year=cluster_year).count()
    assert any(not active for _m, _u, active, _a in values(from_json))
