"""The agreement pages: drafting in place, roles, refusals, conflicts, consultation, adoption.

Roles in the seed world: "canbo.dongda" is an officer of Đống Đa, the cluster head (drafts and
runs); "canbo.badinh" an officer of Ba Đình, a member; "xem" a viewer of the parent body;
"ngoai" an officer of another city's committee; "bantt" parent staff.
"""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from agreements import services
from agreements.models import Agreement, Criterion

HX = {"HTTP_HX_REQUEST": "true"}

CRITERION = {
    "code": "1.1",
    "text": "Tỷ lệ khu dân cư văn hóa",
    "measure": "percent",
    "unit_label": "",
    "target": "90",
    "max_points": "10",
    "kind": "normal",
    "rule": "proportional",
    "points_per_occurrence": "",
    "cap": "",
}


def add_criterion(actor, section, **overrides):
    return services.criterion_add(actor=actor, section=section, **{**CRITERION, **overrides})


def criterion_post(prefix, **overrides):
    return {f"{prefix}-{k}": v for k, v in {**CRITERION, **overrides}.items()}


@pytest.fixture
def head(world):
    return world.user("canbo.dongda")


@pytest.fixture
def draft(world, head):
    agreement = services.agreement_create(
        actor=head, cluster_year=world.cluster_year, origin=Agreement.Origin.BLANK
    )
    section = services.section_add(
        actor=head, agreement=agreement, heading="", text="Triển khai thực hiện có hiệu quả"
    )
    add_criterion(head, section)
    return Agreement.objects.get(pk=agreement.pk)


@pytest.fixture
def circulated(draft, head):
    return services.agreement_circulate(actor=head, agreement=draft)


@pytest.fixture
def adopted(circulated, head):
    return services.agreement_adopt(actor=head, agreement=circulated)


def url(name, *args):
    return reverse(f"agreements:{name}", args=args)


# --- the cluster year's list and "start a draft" -------------------------------------------


class TestStart:
    def test_the_head_officer_sees_the_start_form(self, world, client_for, head):
        response = client_for(head).get(url("cluster_year_agreements", world.cluster_year.pk))
        assert response.status_code == 200
        assert url("start", world.cluster_year.pk) in response.content.decode()

    def test_a_member_sees_the_list_without_the_form(self, world, client_for, draft):
        response = client_for(world.user("canbo.badinh")).get(
            url("cluster_year_agreements", world.cluster_year.pk)
        )
        assert response.status_code == 200
        assert draft.title in response.content.decode()
        assert url("start", world.cluster_year.pk) not in response.content.decode()

    def test_outsider_gets_404(self, world, client_for):
        response = client_for(world.user("ngoai")).get(
            url("cluster_year_agreements", world.cluster_year.pk)
        )
        assert response.status_code == 404

    def test_start_blank_redirects_to_the_new_draft(self, world, client_for, head):
        response = client_for(head).post(url("start", world.cluster_year.pk), {"origin": "blank"})
        agreement = Agreement.objects.get(cluster_year=world.cluster_year)
        assert response.status_code == 302
        assert response["Location"] == agreement.get_absolute_url()
        assert agreement.status == "draft"
        assert agreement.origin == "blank"

    def test_start_from_a_missing_template_shows_the_error_on_the_field(
        self, world, client_for, head
    ):
        response = client_for(head).post(
            url("start", world.cluster_year.pk), {"origin": "template"}
        )
        assert response.status_code == 200
        assert response.context["form"].errors["origin"]
        assert not Agreement.objects.filter(cluster_year=world.cluster_year).exists()

    def test_start_from_the_parents_template_copies_it(self, world, client_for, head):
        staff = world.user("bantt")
        template = services.template_create(actor=staff, parent=world.parent, year=2020)
        section = services.section_add(
            actor=staff, agreement=template, heading="Mẫu", text="Nội dung mẫu"
        )
        add_criterion(staff, section)
        client_for(head).post(url("start", world.cluster_year.pk), {"origin": "template"})
        agreement = Agreement.objects.get(cluster_year=world.cluster_year)
        assert agreement.origin == "template"
        assert list(agreement.sections.values_list("text", flat=True)) == ["Nội dung mẫu"]
        assert Criterion.objects.filter(section__agreement=agreement).count() == 1

    @pytest.mark.parametrize("username", ["canbo.badinh", "xem"])
    def test_readers_may_not_start_a_draft(self, world, client_for, username):
        response = client_for(world.user(username)).post(
            url("start", world.cluster_year.pk), {"origin": "blank"}
        )
        assert response.status_code == 403
        assert not Agreement.objects.filter(cluster_year=world.cluster_year).exists()

    def test_outsider_may_not_start_a_draft(self, world, client_for):
        response = client_for(world.user("ngoai")).post(
            url("start", world.cluster_year.pk), {"origin": "blank"}
        )
        assert response.status_code == 404

    def test_get_is_not_allowed_on_start(self, world, client_for, head):
        response = client_for(head).get(url("start", world.cluster_year.pk))
        assert response.status_code == 405


# --- the agreement page --------------------------------------------------------------------


class TestDetail:
    @pytest.mark.parametrize("username", ["canbo.dongda", "canbo.badinh", "xem", "bantt"])
    def test_members_viewers_and_parent_staff_read_it(self, world, client_for, draft, username):
        response = client_for(world.user(username)).get(draft.get_absolute_url())
        assert response.status_code == 200
        assert "Triển khai thực hiện có hiệu quả" in response.content.decode()

    def test_outsider_gets_404(self, world, client_for, draft):
        response = client_for(world.user("ngoai")).get(draft.get_absolute_url())
        assert response.status_code == 404

    def test_the_drafter_sees_edit_controls_and_readers_do_not(self, world, client_for, draft):
        edit = url("section_add", draft.pk)
        assert edit in client_for(world.user("canbo.dongda")).get(draft.get_absolute_url()).text
        assert edit not in client_for(world.user("canbo.badinh")).get(draft.get_absolute_url()).text

    def test_totals_are_computed_per_section_and_overall(self, world, client_for, draft, head):
        section = draft.sections.get()
        add_criterion(head, section, code="1.2", max_points="15")
        add_criterion(
            head, section, code="T1", kind="bonus", rule="manual", max_points="2", cap="3"
        )
        response = client_for(head).get(draft.get_absolute_url())
        totals = response.context["totals"]
        assert totals.overall.normal == Decimal("25")
        assert totals.overall.bonus == Decimal("3")
        assert response.context["sections"][0].points.normal == Decimal("25")
        assert '<td class="text-end" id="total-normal">25</td>' in response.text

    def test_the_adopted_page_shows_the_full_hash_members_and_no_edit_controls(
        self, world, client_for, adopted
    ):
        response = client_for(world.user("canbo.dongda")).get(adopted.get_absolute_url())
        text = response.text
        assert adopted.content_hash in text and len(adopted.content_hash) == 64
        assert "Đỗ Trọng Nam" in text  # the head's chair, in the members snapshot
        assert url("section_add", adopted.pk) not in text
        assert url("part_edit", adopted.pk, "header") not in text
        assert url("amend", adopted.pk) in text

    def test_superseded_and_supersedes_links(self, world, client_for, adopted, head):
        amendment = services.agreement_amend(actor=head, agreement=adopted, reason="Sửa mục 1")
        services.agreement_circulate(actor=head, agreement=amendment)
        services.agreement_adopt(actor=head, agreement=amendment)
        client = client_for(head)
        old_page = client.get(adopted.get_absolute_url()).text
        new_page = client.get(amendment.get_absolute_url()).text
        assert amendment.get_absolute_url() in old_page
        assert "superseded by" in old_page.lower() or "thay thế" in old_page.lower()
        assert adopted.get_absolute_url() in new_page
        assert "Sửa mục 1" in new_page

    def test_conference_warning_when_it_predates_the_plan(self, world, client_for, adopted, head):
        services.conference_save(
            actor=head,
            agreement=adopted,
            starts_at=timezone.make_aware(datetime.datetime(2020, 1, 5, 14, 0)),
            venue="Trụ sở Quận ủy Đống Đa",
            hosts=[world.unit("dongda"), world.unit("hoankiem")],
            minutes="",
            guests=[{"name": "Nguyễn Lan Hương", "title": "Chủ tịch", "organisation": ""}],
        )
        response = client_for(world.user("canbo.badinh")).get(adopted.get_absolute_url())
        assert response.context["conference"].predates_plan
        assert "37/KH-MTTQ-BTT" in response.text
        assert "Nguyễn Lan Hương" in response.text
