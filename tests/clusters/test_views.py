"""Cluster years, memberships, clusters and plans: pages, writes, bad input and conflicts."""

import datetime

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from clusters import services, timeline
from clusters.models import Cluster, ClusterYear, Membership, Plan
from core.models import AuditEntry
from core.text import vietnamese_key

pytestmark = pytest.mark.django_db

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def initial_data(form):
    """The POST data a browser would send for `form` as it was rendered (files left out)."""
    data = {}
    for bound in form:
        if isinstance(bound.field, forms.FileField):
            continue
        value = bound.value()
        if value is None or value is False:
            continue
        if value is True:
            value = "on"
        elif isinstance(value, datetime.date):
            value = value.isoformat()
        data[bound.html_name] = value
    return data


def vi(message):
    """The message as a Vietnamese user reads it."""
    with translation.override("vi"):
        return translation.gettext(str(message))


def login(user):
    """A client of its own for `user` (tests with several people need several browsers)."""
    client = Client()
    client.force_login(user)
    return client


def read(fieldfile):
    with fieldfile.open("rb") as handle:
        return handle.read()


def shows(response, message):
    """Whether the page shows `message` in Vietnamese (escaped or not, as Django renders it)."""
    text, body = vi(message), response.content.decode()
    return text in body or escape(text) in body


def field_errors(response, field):
    return [vi(e) for e in response.context["form"].errors.get(field, [])]


@pytest.fixture
def staff(world):
    return login(world.user("bantt"))


@pytest.fixture
def preparing_year(world):
    """A 2021 year of Cluster No. 1, being prepared, with no members yet."""
    return services.cluster_year_create(actor=world.user("bantt"), cluster=world.cluster, year=2021)


# --- the list -------------------------------------------------------------------------------


def test_list_shows_the_cluster_year_with_head_and_member_count(world, staff):
    response = staff.get(reverse("clusters:cluster_year_list"))
    assert response.status_code == 200
    rows = list(response.context["page_obj"])
    assert [r.pk for r in rows] == [world.cluster_year.pk]
    assert rows[0].member_count == 6
    assert rows[0].head_name == "Đống Đa"
    assert "Đống Đa" in response.content.decode()


def test_list_filters_by_year_and_parent(world, staff, preparing_year):
    url = reverse("clusters:cluster_year_list")
    rows = staff.get(url, {"year": 2021}).context["page_obj"]
    assert [r.pk for r in rows] == [preparing_year.pk]
    rows = staff.get(url, {"parent": world.parent.pk, "year": 2020}).context["page_obj"]
    assert [r.pk for r in rows] == [world.cluster_year.pk]


def test_list_empty_state_tells_parent_staff_to_create_a_cluster(world, django_user_model):
    admin = world.admin
    province = services.unit_create(
        actor=admin,
        name="Ủy ban MTTQ Việt Nam tỉnh Mới",
        short_name="MTTQ Mới",
        level=world.parent.level,
        place_name="Mới",
        header_lines="ỦY BAN MTTQ VIỆT NAM\nTỈNH MỚI\nBAN THƯỜNG TRỰC",
    )
    officer = django_user_model.objects.create(username="moi")
    person = services.person_create(actor=admin, full_name="Người Mới", user=officer)
    services.position_create(actor=admin, person=person, unit=province, title="officer")
    services.cluster_create(actor=admin, parent=province, name="Cụm 1", header_lines="CỤM 1")
    response = login(officer).get(reverse("clusters:cluster_year_list"))
    assert response.context["page_obj"].paginator.count == 0
    assert response.context["is_parent_staff"]
    assert shows(
        response,
        "Create a cluster for your parent body, then its year: add the member units, choose "
        "the head and the deputy, link the year's plan and start the year.",
    )
    assert reverse("clusters:cluster_year_create") in response.content.decode()


def test_list_filter_without_results_says_so(world, staff, preparing_year):
    services.membership_add(
        actor=world.user("bantt"), cluster_year=preparing_year, unit=world.unit("badinh")
    )
    response = login(world.user("canbo.badinh")).get(
        reverse("clusters:cluster_year_list"), {"year": 2021, "parent": world.parent.pk}
    )
    assert response.context["page_obj"].paginator.count == 1
    response = staff.get(reverse("clusters:cluster_year_list"), {"year": 2021})
    assert [r.pk for r in response.context["page_obj"]] == [preparing_year.pk]


def test_list_empty_state_for_someone_without_clusters(world, django_user_model):
    loner = django_user_model.objects.create(username="loner")
    response = login(loner).get(reverse("clusters:cluster_year_list"))
    assert response.status_code == 200
    assert response.context["page_obj"].paginator.count == 0
    assert not response.context["is_parent_staff"]


def test_list_paginates_25_per_page(world, staff):
    for year in range(2021, 2051):
        ClusterYear.objects.create(cluster=world.cluster, year=year)
    first = staff.get(reverse("clusters:cluster_year_list"))
    assert len(first.context["page_obj"]) == 25
    second = staff.get(reverse("clusters:cluster_year_list"), {"page": 2})
    assert len(second.context["page_obj"]) == 6


# --- the cluster-year page -------------------------------------------------------------------


def test_page_shows_members_in_order_plan_timeline_and_history(world):
    response = login(world.user("dongda")).get(
        reverse("clusters:cluster_year", args=[world.cluster_year.pk])
    )
    assert response.status_code == 200
    members = response.context["memberships"]
    assert [m.unit.short_name for m in members] == [
        "Hai Bà Trưng",
        "Đống Đa",
        "Ba Đình",
        "Hoàn Kiếm",
        "Long Biên",
        "Hoàng Mai",
    ]
    steps = {s.key: s.state for s in response.context["timeline"]}
    assert steps["plan"] == timeline.DONE
    assert steps["signing"] == timeline.CURRENT
    assert steps["decision"] == timeline.PENDING
    body = response.content.decode()
    assert "37/KH-MTTQ-BTT" in body
    assert response.context["audit_entries"]
    assert response.context["can_delegate"]  # dongda's chair runs the cluster
    assert not response.context["can_manage"]


def test_timeline_takes_steps_from_registered_providers(world, staff):
    def provider(cluster_year):
        return {"signing": timeline.Progress(state=timeline.DONE, detail="signed by all")}

    timeline.register(provider)
    try:
        response = staff.get(reverse("clusters:cluster_year", args=[world.cluster_year.pk]))
    finally:
        timeline._providers.remove(provider)
    steps = {s.key: s for s in response.context["timeline"]}
    assert steps["signing"].state == timeline.DONE
    assert steps["midyear"].state == timeline.CURRENT
    assert "signed by all" in response.content.decode()


def test_plan_file_is_downloaded_as_an_attachment(world, staff):
    services.plan_update(
        actor=world.user("bantt"),
        plan=world.plan,
        expected_version=world.plan.version,
        file=SimpleUploadedFile("ke-hoach.pdf", PDF_BYTES, "application/pdf"),
    )
    response = staff.get(reverse("clusters:plan_file", args=[world.plan.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content) == PDF_BYTES
    response.close()


def test_plan_without_file_gives_404(world, staff):
    assert staff.get(reverse("clusters:plan_file", args=[world.plan.pk])).status_code == 404


# --- creating and editing cluster years ------------------------------------------------------


def test_parent_staff_create_a_cluster_year(world, staff):
    response = staff.post(
        reverse("clusters:cluster_year_create"), {"cluster": world.cluster.pk, "year": 2021}
    )
    created = ClusterYear.objects.get(cluster=world.cluster, year=2021)
    assert response.status_code == 302
    assert response["Location"] == reverse("clusters:cluster_year", args=[created.pk])
    assert AuditEntry.objects.for_object(created).filter(action="cluster_year.create").exists()


@pytest.mark.parametrize("year", [1999, 2101])
def test_a_year_out_of_range_is_refused_on_the_field(world, staff, year):
    response = staff.post(
        reverse("clusters:cluster_year_create"), {"cluster": world.cluster.pk, "year": year}
    )
    assert response.status_code == 200
    assert field_errors(response, "year") == [vi("The year is out of range.")]
    assert not ClusterYear.objects.filter(year=year).exists()


def test_a_cluster_year_twice_is_refused_on_the_field(world, staff):
    response = staff.post(
        reverse("clusters:cluster_year_create"), {"cluster": world.cluster.pk, "year": 2020}
    )
    assert field_errors(response, "year") == [vi("The cluster already has this year.")]
    assert ClusterYear.objects.filter(cluster=world.cluster).count() == 1


def test_a_plan_of_another_year_is_refused(world, staff):
    response = staff.post(
        reverse("clusters:cluster_year_create"),
        {"cluster": world.cluster.pk, "year": 2021, "plan": world.plan.pk},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["plan"]
    assert not ClusterYear.objects.filter(year=2021).exists()


def test_linking_the_plan_of_the_year(world, staff, preparing_year):
    plan = services.plan_create(
        actor=world.user("bantt"),
        parent=world.parent,
        year=2021,
        number=12,
        symbol="KH-MTTQ-BTT",
        date=datetime.date(2021, 1, 15),
        title="Kế hoạch 2021",
    )
    url = reverse("clusters:cluster_year_edit", args=[preparing_year.pk])
    data = initial_data(staff.get(url).context["form"])
    response = staff.post(url, {**data, "plan": plan.pk})
    assert response.status_code == 302
    preparing_year.refresh_from_db()
    assert preparing_year.plan == plan
    assert preparing_year.version == 2


def test_starting_a_year_needs_a_head(world, staff, preparing_year):
    url = reverse("clusters:cluster_year_start", args=[preparing_year.pk])
    response = staff.post(url, follow=True)
    assert shows(response, "Choose the cluster head before the year's work starts.")
    preparing_year.refresh_from_db()
    assert preparing_year.status == ClusterYear.Status.PREPARING
    services.membership_add(
        actor=world.user("bantt"),
        cluster_year=preparing_year,
        unit=world.unit("badinh"),
        role=Membership.Role.HEAD,
    )
    response = staff.post(url)
    assert response.status_code == 302
    preparing_year.refresh_from_db()
    assert preparing_year.status == ClusterYear.Status.ACTIVE


def test_the_heads_officer_delegates_drafting_to_the_deputy(world, staff):
    url = reverse("clusters:cluster_year_delegate", args=[world.cluster_year.pk])
    response = login(world.user("canbo.dongda")).post(url, {"delegated": "1"})
    assert response.status_code == 302
    world.cluster_year.refresh_from_db()
    assert world.cluster_year.drafting_delegated
    assert staff.post(url, {"delegated": "0"}).status_code == 403  # the head decides


def test_roll_over_to_next_year(world, staff):
    url = reverse("clusters:cluster_year_rollover", args=[world.cluster_year.pk])
    response = staff.post(
        url, {"head": world.unit("hoankiem").pk, "deputy": world.unit("badinh").pk}
    )
    new = ClusterYear.objects.get(cluster=world.cluster, year=2021)
    assert response.status_code == 302
    assert response["Location"] == reverse("clusters:cluster_year", args=[new.pk])
    assert new.memberships.get(role="head").unit == world.unit("hoankiem")


def test_roll_over_refuses_the_same_head_and_deputy(world, staff):
    url = reverse("clusters:cluster_year_rollover", args=[world.cluster_year.pk])
    unit = world.unit("hoankiem").pk
    response = staff.post(url, {"head": unit, "deputy": unit})
    assert field_errors(response, "deputy") == [
        vi("The head and the deputy must be different units.")
    ]
    assert not ClusterYear.objects.filter(cluster=world.cluster, year=2021).exists()


# --- memberships ------------------------------------------------------------------------------


def test_add_a_member(world, staff, preparing_year):
    url = reverse("clusters:membership_add", args=[preparing_year.pk])
    response = staff.post(url, {"unit": world.unit("badinh").pk, "role": "head"})
    assert response.status_code == 302
    membership = preparing_year.memberships.get()
    assert (membership.unit, membership.role, membership.order) == (world.unit("badinh"), "head", 1)


def test_the_add_member_form_is_loaded_when_its_panel_opens(world, staff, preparing_year):
    add = reverse("clusters:membership_add", args=[preparing_year.pk])
    page = staff.get(reverse("clusters:cluster_year", args=[preparing_year.pk]))
    assert f'data-hx-get="{add}"' in page.text and 'name="unit"' not in page.text
    assert f'href="{add}"' in page.text  # without JavaScript: the form's own page
    panel = staff.get(add, headers={"HX-Request": "true"})
    assert panel.status_code == 200 and "<html" not in panel.text
    assert f'action="{add}"' in panel.text and 'name="csrfmiddlewaretoken"' in panel.text
    assert f'value="{world.unit("badinh").pk}"' in panel.text
    assert "— Chọn —" in panel.text and "Select an option" not in panel.text  # Django's blank
    reader = login(world.user("xem"))
    assert (
        'data-hx-get="' + add
        not in reader.get(reverse("clusters:cluster_year", args=[preparing_year.pk])).text
    )
    assert reader.get(add, headers={"HX-Request": "true"}).status_code == 403
    assert login(world.user("ngoai")).get(add, headers={"HX-Request": "true"}).status_code == 404


def test_the_member_rows_link_to_the_unit_its_edit_form_and_while_preparing_its_removal(
    world, staff, preparing_year
):
    for unit, role in (("badinh", "head"), ("dongda", "member")):
        services.membership_add(
            actor=world.user("bantt"),
            cluster_year=preparing_year,
            unit=world.unit(unit),
            role=role,
        )
    page = staff.get(reverse("clusters:cluster_year", args=[preparing_year.pk])).text
    for membership in preparing_year.memberships.all():
        args = [preparing_year.pk, membership.pk]
        assert f'href="{reverse("clusters:unit", args=[membership.unit_id])}"' in page
        assert f'href="{reverse("clusters:membership_edit", args=args)}"' in page
        assert f'action="{reverse("clusters:membership_remove", args=args)}"' in page
    # The signing mode can still change: the year's is the radio checked.
    mode = preparing_year.signing_mode
    assert page.count('type="radio" name="mode"') == len(ClusterYear.SigningMode.choices)
    assert f'value="{mode}" id="id_mode_' in page and page.count(" required checked>") == 1
    checked = page.split(" required checked>")[0].rsplit("<input", 1)[1]
    assert f'value="{mode}"' in checked
    # The year under way: no removal.
    page = staff.get(reverse("clusters:cluster_year", args=[world.cluster_year.pk])).text
    assert "/remove/" not in page
    membership = world.cluster_year.memberships.order_by("order").first()
    edit = reverse("clusters:membership_edit", args=[world.cluster_year.pk, membership.pk])
    assert f'href="{edit}"' in page
    reader = login(world.user("xem")).get(
        reverse("clusters:cluster_year", args=[world.cluster_year.pk])
    )
    assert "/edit/" not in reader.text.split('id="members-heading"')[1].split("</section>")[0]


def test_a_member_is_added_at_the_end_when_the_order_is_left_empty(world, staff):
    cy = world.cluster_year
    cy.memberships.filter(unit=world.unit("hoangmai")).update(order=9)
    add = reverse("clusters:membership_add", args=[cy.pk])
    form = staff.get(add, headers={"HX-Request": "true"}).text
    assert 'name="order"' in form and 'name="order" value="0"' not in form
    extra = services.unit_create(
        actor=world.user("bantt"),
        name="Ủy ban MTTQ Việt Nam quận Tây Hồ",
        short_name="Tây Hồ",
        level=world.unit("dongda").level,
        parent=world.parent,
        place_name="Hà Nội",
        header_lines="ỦY BAN MTTQ VIỆT NAM\nQUẬN TÂY HỒ",
    )
    response = staff.post(add, {"unit": extra.pk, "role": "member", "order": ""})
    assert response.status_code == 302
    assert cy.memberships.get(unit=extra).order == 10


def test_the_unit_list_offers_possible_members_in_vietnamese_order(world, staff, preparing_year):
    services.membership_add(
        actor=world.user("bantt"), cluster_year=preparing_year, unit=world.unit("longbien")
    )
    form = staff.get(
        reverse("clusters:membership_add", args=[preparing_year.pk]),
        headers={"HX-Request": "true"},
    ).context["member_form"]
    offered = [unit for _value, unit in form.fields["unit"].choices if _value]
    names = [str(unit) for unit in offered]
    assert str(world.parent) not in names  # the parent committee is not its own cluster's member
    assert str(world.unit("longbien")) not in names  # a member already
    assert str(world.unit("dongda")) in names
    assert names == sorted(names, key=vietnamese_key)
    assert names.index(str(world.unit("dongda"))) < names.index(str(world.unit("haibatrung")))


def test_a_unit_already_member_is_refused(world, staff):
    cy = world.cluster_year
    response = staff.post(
        reverse("clusters:membership_add", args=[cy.pk]),
        {"unit": world.unit("badinh").pk, "role": "member"},
    )
    assert response.status_code == 200
    assert field_errors(response, "unit")
    assert cy.memberships.count() == 6


def test_head_and_deputy_are_swapped_in_one_step(world, staff):
    cy = world.cluster_year
    deputy = cy.memberships.get(role="deputy")
    head = cy.memberships.get(role="head")
    since = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first()
    url = reverse("clusters:membership_edit", args=[cy.pk, deputy.pk])
    response = staff.post(url, {"role": "head", "order": deputy.order})
    assert response.status_code == 302
    deputy.refresh_from_db()
    head.refresh_from_db()
    assert (deputy.role, head.role) == ("head", "deputy")
    entries = AuditEntry.objects.filter(pk__gt=since, action="membership.update")
    assert sorted(e.after["unit"] for e in entries) == sorted([deputy.unit_id, head.unit_id])


def test_naming_a_new_head_makes_the_former_head_a_member(world, staff):
    cy = world.cluster_year
    member = cy.memberships.get(unit=world.unit("badinh"))
    former = cy.memberships.get(role="head")
    url = reverse("clusters:membership_edit", args=[cy.pk, member.pk])
    assert "hoán đổi vai trò" in staff.get(url).text
    response = staff.post(url, {"role": "head", "order": member.order})
    assert response.status_code == 302
    former.refresh_from_db()
    assert cy.memberships.get(role="head").unit == world.unit("badinh")
    assert former.role == "member"
    assert cy.memberships.filter(role="deputy").count() == 1


@pytest.mark.parametrize(("username", "status"), [("ngoai", 404), ("xem", 403)])
def test_only_the_parent_staff_change_roles(world, username, status):
    cy = world.cluster_year
    member = cy.memberships.get(unit=world.unit("badinh"))
    url = reverse("clusters:membership_edit", args=[cy.pk, member.pk])
    response = login(world.user(username)).post(url, {"role": "head", "order": 1})
    assert response.status_code == status
    assert cy.memberships.get(role="head").unit == world.unit("dongda")


def test_change_a_members_order(world, staff):
    cy = world.cluster_year
    membership = cy.memberships.get(unit=world.unit("hoangmai"))
    url = reverse("clusters:membership_edit", args=[cy.pk, membership.pk])
    response = staff.post(url, {"role": "member", "order": 9})
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.order == 9


def test_remove_a_member_only_while_preparing(world, staff, preparing_year):
    membership = services.membership_add(
        actor=world.user("bantt"), cluster_year=preparing_year, unit=world.unit("badinh")
    )
    url = reverse("clusters:membership_remove", args=[preparing_year.pk, membership.pk])
    assert staff.post(url).status_code == 302
    assert not preparing_year.memberships.exists()

    started = world.cluster_year.memberships.get(unit=world.unit("longbien"))
    url = reverse("clusters:membership_remove", args=[world.cluster_year.pk, started.pk])
    response = staff.post(url, follow=True)
    assert Membership.objects.filter(pk=started.pk).exists()
    assert shows(
        response,
        "Members cannot be removed once the year's work has started; record a succession.",
    )


# --- clusters and plans -----------------------------------------------------------------------


def test_create_a_cluster(world, staff):
    response = staff.post(
        reverse("clusters:cluster_create"),
        {
            "parent": world.parent.pk,
            "name": "Cụm thi đua số 2",
            "kind": "cluster",
            "header_lines": "ỦY BAN MTTQ VIỆT NAM\nTHÀNH PHỐ HÀ NỘI\nCỤM THI ĐUA SỐ 2",
        },
    )
    cluster = Cluster.objects.get(name="Cụm thi đua số 2")
    assert response.status_code == 302
    assert response["Location"] == reverse("clusters:cluster", args=[cluster.pk])


def test_a_cluster_for_another_parent_body_is_refused(world, staff):
    response = staff.post(
        reverse("clusters:cluster_create"),
        {"parent": world.other_parent.pk, "name": "X", "kind": "cluster", "header_lines": "X"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["parent"]
    assert not Cluster.objects.filter(name="X").exists()


def test_create_a_plan_with_its_pdf(world, staff):
    response = staff.post(
        reverse("clusters:plan_create"),
        {
            "parent": world.parent.pk,
            "year": 2021,
            "number": 5,
            "symbol": "KH-MTTQ-BTT",
            "date": "2021-01-20",
            "title": "Kế hoạch thi đua năm 2021",
            "file": SimpleUploadedFile("plan.pdf", PDF_BYTES, "application/pdf"),
        },
    )
    assert response.status_code == 302
    plan = Plan.objects.get(year=2021)
    assert plan.file.name.startswith("plans/")
    assert read(plan.file) == PDF_BYTES


def test_a_plan_file_that_is_not_a_pdf_is_refused(world, staff):
    response = staff.post(
        reverse("clusters:plan_create"),
        {
            "parent": world.parent.pk,
            "year": 2021,
            "number": 5,
            "symbol": "KH",
            "date": "2021-01-20",
            "title": "T",
            "file": SimpleUploadedFile("plan.pdf", b"<html>not a pdf</html>", "application/pdf"),
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert not Plan.objects.filter(year=2021).exists()


def test_replacing_a_plans_file_on_edit(world, staff):
    url = reverse("clusters:plan_edit", args=[world.plan.pk])
    data = initial_data(staff.get(url).context["form"])
    data["file"] = SimpleUploadedFile("new.pdf", PDF_BYTES, "application/pdf")
    assert staff.post(url, data).status_code == 302
    world.plan.refresh_from_db()
    assert read(world.plan.file) == PDF_BYTES


# --- lost updates -------------------------------------------------------------------------------


def _edit_urls(world):
    return {
        "cluster": (reverse("clusters:cluster_edit", args=[world.cluster.pk]), "name"),
        "plan": (reverse("clusters:plan_edit", args=[world.plan.pk]), "title"),
    }


@pytest.mark.parametrize("kind", ["cluster", "plan"])
def test_the_later_of_two_edits_gets_the_conflict_and_loses_nothing(world, staff, kind):
    url, field = _edit_urls(world)[kind]
    data = initial_data(staff.get(url).context["form"])
    assert staff.post(url, {**data, field: "First"}).status_code == 302
    response = staff.post(url, {**data, field: "Second"})
    assert response.status_code == 200
    assert response.context["conflict"] is not None
    assert "First" in response.content.decode()  # the other person's value is shown
    assert response.context["form"][field].value() == "Second"  # and ours is kept
    obj = {"cluster": world.cluster, "plan": world.plan}[kind]
    obj.refresh_from_db()
    assert getattr(obj, field) == "First"
    # Saving again after reviewing the other change goes through.
    again = staff.post(url, initial_data(response.context["form"]))
    assert again.status_code == 302
    obj.refresh_from_db()
    assert getattr(obj, field) == "Second"


def test_cluster_year_plan_link_conflict(world, staff, preparing_year):
    url = reverse("clusters:cluster_year_edit", args=[preparing_year.pk])
    data = initial_data(staff.get(url).context["form"])
    plan = services.plan_create(
        actor=world.user("bantt"),
        parent=world.parent,
        year=2021,
        number=1,
        symbol="KH",
        date=datetime.date(2021, 1, 2),
        title="P",
    )
    assert staff.post(url, {**data, "plan": plan.pk}).status_code == 302
    response = staff.post(url, {**data, "plan": ""})
    assert response.context["conflict"] is not None
    preparing_year.refresh_from_db()
    assert preparing_year.plan == plan
