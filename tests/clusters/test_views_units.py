"""Units, successions, people, positions and search: pages, writes, bad input and conflicts."""

import pytest
from django.urls import reverse

from clusters.models import Membership, Person, Position, Succession, Unit
from core.models import AuditEntry
from tests.clusters.test_views import field_errors, initial_data, login, vi

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(world):
    return login(world.user("bantt"))


def _new_unit_data(world, **changes):
    return {
        "name": "Ủy ban MTTQ Việt Nam phường Thử Nghiệm",
        "short_name": "Thử Nghiệm",
        "kind": "committee",
        "level": world.unit("dongda").level_id,
        "parent": world.parent.pk,
        "place_name": "Hà Nội",
        "header_lines": "ỦY BAN MTTQ VIỆT NAM\nPHƯỜNG THỬ NGHIỆM\nBAN THƯỜNG TRỰC",
        "collective_name": "Ban Thường trực",
        "valid_from": "2025-07-01",
        **changes,
    }


# --- the unit list and page ------------------------------------------------------------------


def test_unit_list_searches_without_diacritics(world, staff):
    response = staff.get(reverse("clusters:unit_list"), {"q": "dong da"})
    assert [u.pk for u in response.context["page_obj"]] == [world.unit("dongda").pk]


def test_unit_list_answers_htmx_with_the_rows_only(world, staff):
    response = staff.get(
        reverse("clusters:unit_list"), {"q": "hoan kiem"}, headers={"HX-Request": "true"}
    )
    body = response.content.decode()
    assert 'id="unit-rows"' in body
    assert "<html" not in body
    assert "Hoàn Kiếm" in body


def test_unit_page_shows_clusters_positions_and_history(world):
    unit = world.unit("dongda")
    response = login(world.user("canbo.badinh")).get(reverse("clusters:unit", args=[unit.pk]))
    assert response.status_code == 200
    memberships = list(response.context["memberships"])
    assert [(m.cluster_year, m.role) for m in memberships] == [(world.cluster_year, "head")]
    names = {p.person.full_name for p in response.context["positions"]}
    assert {"Đỗ Trọng Nam", "Nguyễn Văn M"} <= names
    assert response.context["audit_entries"]
    assert not response.context["can_manage"]


# --- units ---------------------------------------------------------------------------------


def test_parent_staff_create_a_unit(world, staff):
    response = staff.post(reverse("clusters:unit_create"), _new_unit_data(world))
    unit = Unit.objects.get(short_name="Thử Nghiệm")
    assert response.status_code == 302
    assert response["Location"] == reverse("clusters:unit", args=[unit.pk])
    assert unit.parent == world.parent
    assert AuditEntry.objects.for_object(unit).filter(action="unit.create").exists()


def test_an_end_date_before_the_start_date_is_refused_on_the_field(world, staff):
    response = staff.post(
        reverse("clusters:unit_create"), _new_unit_data(world, valid_to="2025-06-30")
    )
    assert response.status_code == 200
    assert field_errors(response, "valid_to") == [
        vi("The end date must not be before the start date.")
    ]
    assert not Unit.objects.filter(short_name="Thử Nghiệm").exists()


def test_a_unit_under_another_parent_body_is_refused(world, staff):
    response = staff.post(
        reverse("clusters:unit_create"), _new_unit_data(world, parent=world.other_parent.pk)
    )
    assert response.context["form"].errors["parent"]
    assert not Unit.objects.filter(short_name="Thử Nghiệm").exists()


def test_edit_a_unit(world, staff):
    unit = world.unit("longbien")
    url = reverse("clusters:unit_edit", args=[unit.pk])
    data = initial_data(staff.get(url).context["form"])
    response = staff.post(url, {**data, "email": "moi@demo.thidua.invalid"})
    assert response.status_code == 302
    unit.refresh_from_db()
    assert unit.email == "moi@demo.thidua.invalid"
    assert unit.version == 2


def test_an_edit_without_changes_saves_nothing(world, staff):
    unit = world.unit("longbien")
    url = reverse("clusters:unit_edit", args=[unit.pk])
    response = staff.post(url, initial_data(staff.get(url).context["form"]))
    assert response.status_code == 302
    unit.refresh_from_db()
    assert unit.version == 1


def test_unit_edit_conflict_keeps_the_first_and_shows_it(world, staff):
    unit = world.unit("longbien")
    url = reverse("clusters:unit_edit", args=[unit.pk])
    data = initial_data(staff.get(url).context["form"])
    other = login(world.user("bantt"))
    assert other.post(url, {**data, "place_name": "Gia Lâm"}).status_code == 302
    response = staff.post(url, {**data, "place_name": "Long Biên mới"})
    assert response.status_code == 200
    assert response.context["conflict"] is not None
    assert "Gia Lâm" in response.content.decode()
    assert response.context["form"]["place_name"].value() == "Long Biên mới"
    unit.refresh_from_db()
    assert unit.place_name == "Gia Lâm"


# --- successions ---------------------------------------------------------------------------


def test_a_unit_merged_into_itself_is_refused_on_the_field(world, staff):
    unit = world.unit("hoankiem")
    response = staff.post(
        reverse("clusters:succession_create", args=[unit.pk]),
        {"successor": unit.pk, "kind": "merge", "effective_date": "2025-07-01"},
    )
    assert response.status_code == 200
    assert field_errors(response, "successor") == [vi("A unit cannot succeed itself.")]
    assert not Succession.objects.exists()
    unit.refresh_from_db()
    assert unit.status == Unit.Status.ACTIVE


def test_record_a_merger(world, staff):
    old, new = world.unit("hoankiem"), world.unit("badinh")
    response = staff.post(
        reverse("clusters:succession_create", args=[old.pk]),
        {"successor": new.pk, "kind": "merge", "effective_date": "2020-07-01", "basis": "NQ 1"},
    )
    assert response.status_code == 302
    assert Succession.objects.filter(predecessor=old, successor=new).exists()
    old.refresh_from_db()
    assert old.status == Unit.Status.MERGED
    page = staff.get(reverse("clusters:unit", args=[new.pk]))
    assert [s.predecessor for s in page.context["predecessions"]] == [old]
    assert Membership.objects.get(cluster_year=world.cluster_year, unit=old).ended_on


# --- people and positions ------------------------------------------------------------------


def test_appoint_a_new_person(world, staff):
    unit = world.unit("longbien")
    response = staff.post(
        reverse("clusters:position_create", args=[unit.pk]),
        {
            "full_name": "Đặng Văn Q",
            "new_email": "q@demo.thidua.invalid",
            "title": "vice_chair",
            "can_sign": "on",
            "start": "2021-01-01",
        },
    )
    assert response.status_code == 302
    position = Position.objects.get(person__full_name="Đặng Văn Q")
    assert (position.unit, position.title, position.can_sign) == (unit, "vice_chair", True)
    assert position.person.email == "q@demo.thidua.invalid"


def test_appoint_an_existing_person(world, staff):
    person = Person.objects.get(full_name="Bùi Thị L")
    unit = world.unit("longbien")
    response = staff.post(
        reverse("clusters:position_create", args=[unit.pk]),
        {"person": person.pk, "title": "standing_member", "start": "2021-01-01"},
    )
    assert response.status_code == 302
    assert Position.objects.filter(person=person, unit=unit).exists()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"end": "2020-12-31"}, "end", "The end date must not be before the start date."),
        (
            {"can_sign": "on", "title": "officer"},
            "can_sign",
            "Only a chair or a vice-chair may sign for a unit.",
        ),
        ({"full_name": ""}, "person", "Choose a person or enter a new person's name."),
    ],
)
def test_bad_positions_are_refused_on_the_field(world, staff, changes, field, message):
    unit = world.unit("longbien")
    data = {"full_name": "Đặng Văn Q", "title": "vice_chair", "start": "2021-01-01", **changes}
    response = staff.post(reverse("clusters:position_create", args=[unit.pk]), data)
    assert response.status_code == 200
    assert field_errors(response, field) == [vi(message)]
    assert not Person.objects.filter(full_name="Đặng Văn Q").exists()


def test_end_a_position(world, staff):
    position = world.unit("hoankiem").positions.get(title="vice_chair")
    url = reverse("clusters:position_edit", args=[position.pk])
    data = initial_data(staff.get(url).context["form"])
    response = staff.post(url, {**data, "end": "2024-12-31"})
    assert response.status_code == 302
    position.refresh_from_db()
    assert str(position.end) == "2024-12-31"


def test_edit_a_person_and_the_lost_update_guard(world, staff):
    person = Person.objects.get(full_name="Bùi Thị L")
    url = reverse("clusters:person_edit", args=[person.pk])
    data = initial_data(staff.get(url).context["form"])
    assert staff.post(url, {**data, "phone": "0901"}).status_code == 302
    response = staff.post(url, {**data, "phone": "0902"})
    assert response.context["conflict"] is not None
    person.refresh_from_db()
    assert person.phone == "0901"


def test_person_page_lists_positions_in_visible_units(world):
    person = Person.objects.get(full_name="Đỗ Trọng Nam")
    response = login(world.user("xem")).get(reverse("clusters:person", args=[person.pk]))
    assert [p.unit for p in response.context["positions"]] == [world.unit("dongda")]
    assert "TM. BAN THƯỜNG TRỰC" in response.content.decode()


# --- search --------------------------------------------------------------------------------


def test_search_ignores_diacritics_and_case(world, staff):
    response = staff.get(reverse("clusters:search"), {"q": "dong da"})
    results = response.context["results"]
    assert world.unit("dongda") in results["units"]["items"]
    response = staff.get(reverse("clusters:search"), {"q": "DO TRONG NAM"})
    assert [p.full_name for p in response.context["results"]["people"]["items"]] == ["Đỗ Trọng Nam"]
    assert "Đống Đa" in response.content.decode()  # the person's unit is shown


def test_search_finds_clusters_only_of_the_users_parent_body(world, staff):
    results = staff.get(reverse("clusters:search"), {"q": "cum thi dua"}).context["results"]
    assert results["clusters"]["items"] == [world.cluster]


def test_search_is_limited_to_what_the_user_may_see(world):
    response = login(world.user("ngoai")).get(reverse("clusters:search"), {"q": "dong da"})
    results = response.context["results"]
    assert not results["units"]["items"]
    assert not results["people"]["items"]
    assert not results["clusters"]["items"]


def test_search_without_words_shows_the_hint(world, staff):
    response = staff.get(reverse("clusters:search"))
    assert response.status_code == 200
    assert response.context["results"] is None
