"""Editing a draft in place: header, closing, sections and criteria, with and without htmx.

Each edit URL: the drafter's POST saves (redirect without htmx, a partial with it), readers
get 403, outsiders 404, an adopted agreement refuses with 403 and nothing changes, a stale
version gets the conflict message with the user's input kept, bad input errs on its field.
"""

import pytest

from agreements import services
from agreements.models import Agreement, Criterion, Section
from tests.agreements.test_views import CRITERION, HX, add_criterion, criterion_post, url


@pytest.fixture
def head(world):
    return world.user("canbo.dongda")


@pytest.fixture
def draft(world, head):
    agreement = services.agreement_create(
        actor=head, cluster_year=world.cluster_year, origin=Agreement.Origin.BLANK
    )
    first = services.section_add(actor=head, agreement=agreement, heading="Một", text="Mục một")
    services.section_add(actor=head, agreement=agreement, heading="Hai", text="Mục hai")
    add_criterion(head, first)
    add_criterion(head, first, code="1.2", max_points="5")
    return Agreement.objects.get(pk=agreement.pk)


@pytest.fixture
def section(draft):
    return draft.sections.order_by("order").first()


@pytest.fixture
def criterion(section):
    return section.criteria.order_by("order").first()


def adopt(agreement, head):
    services.agreement_circulate(actor=head, agreement=agreement)
    return services.agreement_adopt(actor=head, agreement=agreement)


def is_partial(response):
    return "<html" not in response.text and "<body" not in response.text


def header_post(agreement, **overrides):
    data = {
        "header-version": agreement.version,
        "header-title": "GIAO ƯỚC THI ĐUA NĂM 2020",
        "header-place": "Hà Nội",
        "header-date": "2020-02-05",
        "header-legal_basis": "Căn cứ Kế hoạch số 37/KH-MTTQ-BTT;",
    }
    data.update({f"header-{k}": v for k, v in overrides.items()})
    return data


# Every edit URL, with a valid POST body built from the fixtures.
def edit_requests(draft, section, criterion):
    return [
        (url("part_edit", draft.pk, "header"), header_post(draft)),
        (
            url("part_edit", draft.pk, "closing"),
            {"closing-version": draft.version, "closing-closing": "Trước mắt, …"},
        ),
        (url("section_add", draft.pk), {"new-section-heading": "", "new-section-text": "Mới"}),
        (
            url("section_edit", section.pk),
            {
                f"section-{section.pk}-version": section.version,
                f"section-{section.pk}-heading": "Một",
                f"section-{section.pk}-text": "Đã sửa",
            },
        ),
        (url("section_move", section.pk), {"direction": "down"}),
        (url("section_remove", section.pk), {}),
        (url("criterion_add", section.pk), criterion_post(f"new-criterion-{section.pk}")),
        (
            url("criterion_edit", criterion.pk),
            {
                **criterion_post(f"criterion-{criterion.pk}", max_points="12"),
                f"criterion-{criterion.pk}-version": criterion.version,
            },
        ),
        (url("criterion_move", criterion.pk), {"direction": "down"}),
        (url("criterion_remove", criterion.pk), {}),
    ]


def content_state(agreement):
    return (
        Agreement.objects.filter(pk=agreement.pk).values_list("title", "closing", "version").get(),
        list(Section.objects.filter(agreement=agreement).values_list("pk", "order", "text")),
        list(
            Criterion.objects.filter(section__agreement=agreement).values_list(
                "pk", "order", "max_points"
            )
        ),
    )


class TestRoles:
    @pytest.mark.parametrize("username", ["xem", "canbo.badinh", "badinh", "hoankiem"])
    def test_readers_get_403_on_every_edit_url(
        self, world, client_for, draft, section, criterion, username
    ):
        client = client_for(world.user(username))
        before = content_state(draft)
        for address, data in edit_requests(draft, section, criterion):
            assert client.post(address, data).status_code == 403, address
        assert content_state(draft) == before

    def test_parent_staff_may_not_edit_a_clusters_draft(
        self, world, client_for, draft, section, criterion
    ):
        client = client_for(world.user("bantt"))
        for address, data in edit_requests(draft, section, criterion):
            assert client.post(address, data).status_code == 403, address

    def test_outsiders_get_404_on_every_edit_url(
        self, world, client_for, draft, section, criterion
    ):
        client = client_for(world.user("ngoai"))
        before = content_state(draft)
        for address, data in edit_requests(draft, section, criterion):
            assert client.post(address, data).status_code == 404, address
        assert content_state(draft) == before

    def test_edit_forms_are_refused_to_readers_on_get_too(self, world, client_for, section):
        client = client_for(world.user("canbo.badinh"))
        assert client.get(url("section_edit", section.pk)).status_code == 403
        assert client.get(url("criterion_add", section.pk)).status_code == 403

    def test_the_deputy_drafts_when_delegated(self, world, client_for, draft):
        from clusters.models import ClusterYear

        ClusterYear.objects.filter(pk=world.cluster_year.pk).update(drafting_delegated=True)
        deputy_chair = world.user("hoankiem")
        response = client_for(deputy_chair).post(
            url("section_add", draft.pk), {"new-section-text": "Phó cụm soạn"}
        )
        assert response.status_code == 302
        assert draft.sections.filter(text="Phó cụm soạn").exists()

    @pytest.mark.parametrize("method", ["get"])
    def test_writes_need_post(self, client_for, head, section, criterion, method):
        client = client_for(head)
        for name, pk in [
            ("section_remove", section.pk),
            ("section_move", section.pk),
            ("criterion_remove", criterion.pk),
            ("criterion_move", criterion.pk),
        ]:
            assert getattr(client, method)(url(name, pk)).status_code == 405


class TestAfterAdoption:
    def test_every_edit_url_refuses_clearly_and_changes_nothing(
        self, world, client_for, draft, section, criterion, head
    ):
        adopt(draft, head)
        before = content_state(draft)
        client = client_for(head)
        for address, data in edit_requests(draft, section, criterion):
            response = client.post(address, data)
            assert response.status_code == 403, address
            assert "can no longer" in response.text or "không thể" in response.text, address
            assert client.post(address, data, **HX).status_code == 403, address
        assert content_state(draft) == before

    def test_edit_forms_are_refused_on_get(self, client_for, draft, section, head):
        adopt(draft, head)
        response = client_for(head).get(url("section_edit", section.pk))
        assert response.status_code == 403
        assert response.templates[0].name == "agreements/refused.html"


class TestHeader:
    def test_get_form_full_page_and_partial(self, client_for, draft, head):
        client = client_for(head)
        page = client.get(url("part_edit", draft.pk, "header"))
        assert page.status_code == 200 and not is_partial(page)
        assert 'name="header-version"' in page.text
        partial = client.get(url("part_edit", draft.pk, "header"), **HX)
        assert is_partial(partial) and 'id="agreement-header"' in partial.text

    def test_post_saves_and_redirects(self, client_for, draft, head):
        response = client_for(head).post(
            url("part_edit", draft.pk, "header"), header_post(draft, place="Đống Đa")
        )
        assert response.status_code == 302
        assert response["Location"].endswith("#agreement-header")
        draft.refresh_from_db()
        assert draft.place == "Đống Đa"
        assert str(draft.date) == "2020-02-05"
        assert draft.revisions.filter(summary__icontains="place").exists() or (
            draft.revisions.count() >= 2
        )

    def test_htmx_post_returns_the_header_partial(self, client_for, draft, head):
        response = client_for(head).post(
            url("part_edit", draft.pk, "header"), header_post(draft, title="GIAO ƯỚC MỚI"), **HX
        )
        assert response.status_code == 200 and is_partial(response)
        assert "GIAO ƯỚC MỚI" in response.text
        assert "<form" not in response.text
        assert Agreement.objects.get(pk=draft.pk).title == "GIAO ƯỚC MỚI"

    def test_stale_version_shows_the_conflict_and_keeps_the_input(self, world, client_for, draft):
        head = world.user("canbo.dongda")
        stale = header_post(draft, title="Của tôi")
        services.agreement_update(
            actor=world.user("dongda"),
            agreement=draft,
            expected_version=draft.version,
            title="Của người khác",
            place=draft.place,
            date=None,
            legal_basis=draft.legal_basis,
            closing=draft.closing,
        )
        response = client_for(head).post(url("part_edit", draft.pk, "header"), stale, **HX)
        assert response.status_code == 200
        assert "Của người khác" in response.text  # their version, in the conflict box
        assert 'value="Của tôi"' in response.text  # the user's input is kept
        assert f'name="header-version" value="{draft.version + 1}"' in response.text
        assert Agreement.objects.get(pk=draft.pk).title == "Của người khác"
        # Saving again after reviewing goes through.
        again = client_for(head).post(
            url("part_edit", draft.pk, "header"),
            {**stale, "header-version": draft.version + 1},
        )
        assert again.status_code == 302
        assert Agreement.objects.get(pk=draft.pk).title == "Của tôi"

    def test_a_blank_title_errs_on_the_field(self, client_for, draft, head):
        response = client_for(head).post(
            url("part_edit", draft.pk, "header"), header_post(draft, title="")
        )
        assert response.status_code == 200
        assert response.context["form"].errors["title"]
        assert Agreement.objects.get(pk=draft.pk).title == draft.title

    def test_cancel_returns_the_header(self, client_for, draft, head):
        response = client_for(head).get(url("part", draft.pk, "header"), **HX)
        assert is_partial(response) and draft.title in response.text

    def test_unknown_part_is_404(self, client_for, draft, head):
        assert client_for(head).get(url("part_edit", draft.pk, "status")).status_code == 404


class TestClosing:
    def test_post_saves_only_the_closing(self, client_for, draft, head):
        response = client_for(head).post(
            url("part_edit", draft.pk, "closing"),
            {"closing-version": draft.version, "closing-closing": "Trước mắt, tuyên truyền"},
            **HX,
        )
        assert response.status_code == 200 and is_partial(response)
        assert 'id="agreement-closing"' in response.text
        saved = Agreement.objects.get(pk=draft.pk)
        assert saved.closing == "Trước mắt, tuyên truyền"
        assert saved.title == draft.title


class TestSections:
    def test_add_without_htmx_redirects_to_the_new_section(self, client_for, draft, head):
        response = client_for(head).post(
            url("section_add", draft.pk),
            {"new-section-heading": "Ba", "new-section-text": "Mục ba"},
        )
        new = draft.sections.get(text="Mục ba")
        assert response.status_code == 302
        assert response["Location"].endswith(f"#section-{new.pk}")
        assert new.order == 3

    def test_add_with_htmx_returns_the_section_and_out_of_band_parts(self, client_for, draft, head):
        response = client_for(head).post(
            url("section_add", draft.pk), {"new-section-text": "Mục ba"}, **HX
        )
        new = draft.sections.get(text="Mục ba")
        assert is_partial(response)
        assert response.text.lstrip().startswith(f'<section id="section-{new.pk}"')
        assert 'id="section-add"' in response.text and 'hx-swap-oob="true"' in response.text
        assert 'id="agreement-totals"' in response.text

    def test_add_with_empty_text_errs_and_retargets_the_form(self, client_for, draft, head):
        response = client_for(head).post(
            url("section_add", draft.pk), {"new-section-text": ""}, **HX
        )
        assert response.status_code == 200
        assert response["HX-Retarget"] == "#section-add"
        assert response.context["section_add_form"].errors["text"]
        assert draft.sections.count() == 2

    def test_edit_without_htmx(self, client_for, section, head):
        prefix = f"section-{section.pk}"
        response = client_for(head).post(
            url("section_edit", section.pk),
            {f"{prefix}-version": section.version, f"{prefix}-text": "Đã sửa"},
        )
        assert response.status_code == 302
        assert Section.objects.get(pk=section.pk).text == "Đã sửa"

    def test_edit_form_full_page_without_htmx(self, client_for, section, head):
        response = client_for(head).get(url("section_edit", section.pk))
        assert response.status_code == 200 and not is_partial(response)
        assert f'name="section-{section.pk}-text"' in response.text

    def test_edit_with_htmx_returns_the_section_body(self, client_for, section, head):
        prefix = f"section-{section.pk}"
        response = client_for(head).post(
            url("section_edit", section.pk),
            {f"{prefix}-version": section.version, f"{prefix}-text": "Đã sửa"},
            **HX,
        )
        assert is_partial(response)
        assert response.text.lstrip().startswith(f'<div id="section-body-{section.pk}"')
        assert "Đã sửa" in response.text

    def test_two_people_editing_the_same_section(self, world, client_for, section, head):
        prefix = f"section-{section.pk}"
        services.section_update(
            actor=world.user("dongda"),
            section=section,
            expected_version=section.version,
            heading="Một",
            text="Người khác sửa trước",
        )
        response = client_for(head).post(
            url("section_edit", section.pk),
            {f"{prefix}-version": section.version, f"{prefix}-text": "Tôi sửa sau"},
            **HX,
        )
        assert response.status_code == 200
        assert "Người khác sửa trước" in response.text
        assert "Tôi sửa sau" in response.text
        assert response.context["conflict"] is not None
        assert Section.objects.get(pk=section.pk).text == "Người khác sửa trước"

    def test_cancel_shows_the_section_body(self, world, client_for, section):
        response = client_for(world.user("canbo.badinh")).get(url("section_show", section.pk), **HX)
        assert response.status_code == 200 and "Mục một" in response.text
        assert url("section_edit", section.pk) not in response.text

    def test_move_down_without_htmx(self, client_for, draft, section, head):
        response = client_for(head).post(url("section_move", section.pk), {"direction": "down"})
        assert response.status_code == 302
        assert list(draft.sections.order_by("order").values_list("text", flat=True)) == [
            "Mục hai",
            "Mục một",
        ]

    def test_move_with_htmx_tells_the_page_to_move_it(self, client_for, section, head):
        response = client_for(head).post(
            url("section_move", section.pk), {"direction": "down"}, **HX
        )
        assert response.status_code == 200
        assert "agreementMoved" in response["HX-Trigger"]
        assert f"section-{section.pk}" in response["HX-Trigger"]
        assert Section.objects.get(pk=section.pk).order == 2

    def test_move_with_a_bad_direction_is_404(self, client_for, section, head):
        response = client_for(head).post(url("section_move", section.pk), {"direction": "left"})
        assert response.status_code == 404

    def test_remove_without_and_with_htmx(self, client_for, draft, section, head):
        client = client_for(head)
        response = client.post(url("section_remove", section.pk))
        assert response.status_code == 302
        assert not Section.objects.filter(pk=section.pk).exists()
        other = draft.sections.get()
        response = client.post(url("section_remove", other.pk), **HX)
        assert response.status_code == 200 and is_partial(response)
        assert 'id="agreement-totals"' in response.text and "hx-swap-oob" in response.text
        assert not draft.sections.exists()


class TestCriteria:
    def test_add_form_lazy_and_cancel(self, client_for, section, head):
        client = client_for(head)
        form = client.get(url("criterion_add", section.pk), **HX)
        assert is_partial(form) and f'name="new-criterion-{section.pk}-code"' in form.text
        cancel = client.get(url("criterion_add", section.pk) + "?cancel=1", **HX)
        assert "<form" not in cancel.text and url("criterion_add", section.pk) in cancel.text
        page = client.get(url("criterion_add", section.pk))
        assert not is_partial(page)

    def test_add_without_htmx(self, client_for, section, head):
        response = client_for(head).post(
            url("criterion_add", section.pk),
            criterion_post(f"new-criterion-{section.pk}", code="1.3", max_points="7.5"),
        )
        new = section.criteria.get(code="1.3")
        assert response.status_code == 302
        assert response["Location"].endswith(f"#criterion-{new.pk}")
        assert str(new.max_points) == "7.50"

    def test_a_decimal_comma_keeps_the_magnitude(self, client_for, section, head):
        response = client_for(head).post(
            url("criterion_add", section.pk),
            criterion_post(f"new-criterion-{section.pk}", code="1.3", max_points="17,5"),
        )
        assert response.status_code == 302
        assert str(section.criteria.get(code="1.3").max_points) == "17.50"

    def test_add_with_htmx_returns_the_row_first_then_totals(self, client_for, section, head):
        response = client_for(head).post(
            url("criterion_add", section.pk),
            criterion_post(f"new-criterion-{section.pk}", code="1.3", max_points="5"),
            **HX,
        )
        new = section.criteria.get(code="1.3")
        assert is_partial(response)
        assert response.text.lstrip().startswith(f'<tr id="criterion-{new.pk}"')
        assert f'id="section-total-{section.pk}"' in response.text
        assert f'<div id="criterion-add-{section.pk}"' in response.text
        # Out-of-band parts after a <tr> must sit in a <template> to be parsed in place.
        assert response.text.index("<template>") < response.text.index('id="agreement-totals"')
        # 10 + 5 + 5 points in the section and overall.
        assert '<td class="text-end" id="total-normal">20</td>' in response.text

    @pytest.mark.parametrize(
        ("overrides", "field"),
        [
            ({"max_points": "-1"}, "max_points"),
            ({"max_points": "mười"}, "max_points"),
            ({"max_points": "1.234,5"}, "max_points"),
            ({"max_points": "1,234"}, "max_points"),
            ({"target": "12.500", "rule": "proportional"}, "target"),
            ({"max_points": ""}, "max_points"),
            ({"kind": "bonus", "rule": "manual", "max_points": "5", "cap": "3"}, "max_points"),
            ({"target": "", "rule": "proportional"}, "target"),
            ({"cap": "-2"}, "cap"),
        ],
    )
    def test_bad_input_errs_on_the_field_and_saves_nothing(
        self, client_for, section, head, overrides, field
    ):
        prefix = f"new-criterion-{section.pk}"
        response = client_for(head).post(
            url("criterion_add", section.pk), criterion_post(prefix, code="X", **overrides), **HX
        )
        assert response.status_code == 200
        assert response.context["form"].errors[field], response.context["form"].errors
        assert response["HX-Retarget"] == f"#criterion-add-{section.pk}"
        assert not section.criteria.filter(code="X").exists()

    def test_bad_input_without_htmx_shows_the_form_page(self, client_for, section, head):
        prefix = f"new-criterion-{section.pk}"
        response = client_for(head).post(
            url("criterion_add", section.pk), criterion_post(prefix, code="X", max_points="-3")
        )
        assert response.status_code == 200 and not is_partial(response)
        assert response.context["form"].errors["max_points"]

    def test_edit_without_and_with_htmx(self, client_for, criterion, head):
        client = client_for(head)
        prefix = f"criterion-{criterion.pk}"
        response = client.post(
            url("criterion_edit", criterion.pk),
            {**criterion_post(prefix, max_points="12"), f"{prefix}-version": criterion.version},
        )
        assert response.status_code == 302
        criterion.refresh_from_db()
        assert str(criterion.max_points) == "12.00"
        response = client.post(
            url("criterion_edit", criterion.pk),
            {**criterion_post(prefix, max_points="8"), f"{prefix}-version": criterion.version},
            **HX,
        )
        assert response.text.lstrip().startswith(f'<tr id="criterion-{criterion.pk}"')
        assert '<td class="text-end" id="total-normal">13</td>' in response.text

    def test_edit_form_full_page_wraps_the_row_in_a_table(self, client_for, criterion, head):
        response = client_for(head).get(url("criterion_edit", criterion.pk))
        assert response.status_code == 200
        assert "<table" in response.text and f'id="criterion-{criterion.pk}"' in response.text

    def test_edit_with_a_stale_version_gets_the_conflict(self, world, client_for, criterion, head):
        prefix = f"criterion-{criterion.pk}"
        services.criterion_update(
            actor=world.user("dongda"),
            criterion=criterion,
            expected_version=criterion.version,
            **{**CRITERION, "max_points": "20"},
        )
        response = client_for(head).post(
            url("criterion_edit", criterion.pk),
            {**criterion_post(prefix, max_points="11"), f"{prefix}-version": criterion.version},
            **HX,
        )
        assert response.status_code == 200
        assert response.context["conflict"] is not None
        assert 'value="11"' in response.text
        assert str(Criterion.objects.get(pk=criterion.pk).max_points) == "20.00"

    def test_edit_with_a_negative_value_errs(self, client_for, criterion, head):
        prefix = f"criterion-{criterion.pk}"
        response = client_for(head).post(
            url("criterion_edit", criterion.pk),
            {**criterion_post(prefix, max_points="-5"), f"{prefix}-version": criterion.version},
            **HX,
        )
        assert response.context["form"].errors["max_points"]
        assert str(Criterion.objects.get(pk=criterion.pk).max_points) == "10.00"

    def test_show_is_the_cancel(self, world, client_for, criterion):
        response = client_for(world.user("xem")).get(url("criterion_show", criterion.pk), **HX)
        assert response.text.lstrip().startswith(f'<tr id="criterion-{criterion.pk}"')
        assert url("criterion_edit", criterion.pk) not in response.text

    def test_move_and_remove(self, client_for, section, criterion, head):
        client = client_for(head)
        response = client.post(url("criterion_move", criterion.pk), {"direction": "down"}, **HX)
        assert "agreementMoved" in response["HX-Trigger"]
        assert Criterion.objects.get(pk=criterion.pk).order == 2
        response = client.post(url("criterion_move", criterion.pk), {"direction": "up"})
        assert response.status_code == 302
        assert Criterion.objects.get(pk=criterion.pk).order == 1
        response = client.post(url("criterion_remove", criterion.pk), **HX)
        assert response.status_code == 200 and 'id="criterion-' not in response.text
        assert f'id="section-total-{section.pk}"' in response.text
        assert not Criterion.objects.filter(pk=criterion.pk).exists()
        other = section.criteria.get()
        assert client.post(url("criterion_remove", other.pk)).status_code == 302
        assert not section.criteria.exists()


class TestTemplates:
    def test_parent_staff_list_and_create_templates(self, world, client_for):
        client = client_for(world.user("bantt"))
        assert client.get(url("templates")).status_code == 200
        response = client.post(url("template_start"), {"parent": world.parent.pk, "year": 2021})
        template = Agreement.objects.get(kind="template", template_year=2021)
        assert response.status_code == 302
        assert response["Location"] == template.get_absolute_url()

    def test_a_second_template_for_the_year_errs_on_the_field(self, world, client_for):
        client = client_for(world.user("bantt"))
        client.post(url("template_start"), {"parent": world.parent.pk, "year": 2021})
        response = client.post(url("template_start"), {"parent": world.parent.pk, "year": 2021})
        assert response.status_code == 200
        assert response.context["form"].errors["year"]
        assert Agreement.objects.filter(kind="template", template_year=2021).count() == 1

    def test_parent_staff_edit_their_template_with_the_same_editor(self, world, client_for):
        staff = world.user("bantt")
        template = services.template_create(actor=staff, parent=world.parent, year=2021)
        client = client_for(staff)
        page = client.get(template.get_absolute_url())
        assert page.status_code == 200 and url("section_add", template.pk) in page.text
        assert url("circulate", template.pk) not in page.text
        response = client.post(
            url("section_add", template.pk), {"new-section-text": "Mẫu mục"}, **HX
        )
        assert response.status_code == 200
        section = template.sections.get()
        response = client.post(
            url("criterion_add", section.pk), criterion_post(f"new-criterion-{section.pk}")
        )
        assert response.status_code == 302
        assert section.criteria.count() == 1

    @pytest.mark.parametrize("username", ["canbo.dongda", "xem"])
    def test_others_may_not_manage_templates(self, world, client_for, username):
        client = client_for(world.user(username))
        assert client.get(url("templates")).status_code == 403
        response = client.post(url("template_start"), {"parent": world.parent.pk, "year": 2021})
        assert response.status_code == 403
        assert not Agreement.objects.filter(kind="template").exists()

    def test_a_head_officer_neither_sees_nor_edits_the_parents_template(self, world, client_for):
        template = services.template_create(
            actor=world.user("bantt"), parent=world.parent, year=2021
        )
        client = client_for(world.user("canbo.dongda"))
        assert client.get(template.get_absolute_url()).status_code == 404
        response = client.post(url("section_add", template.pk), {"new-section-text": "X"})
        assert response.status_code == 404
        assert not template.sections.exists()

    def test_the_parents_viewer_reads_the_template_but_may_not_edit_it(self, world, client_for):
        template = services.template_create(
            actor=world.user("bantt"), parent=world.parent, year=2021
        )
        client = client_for(world.user("xem"))
        assert client.get(template.get_absolute_url()).status_code == 200
        response = client.post(url("section_add", template.pk), {"new-section-text": "X"})
        assert response.status_code == 403

    def test_outsider_gets_404_on_a_template(self, world, client_for):
        template = services.template_create(
            actor=world.user("bantt"), parent=world.parent, year=2021
        )
        client = client_for(world.user("ngoai"))
        assert client.get(template.get_absolute_url()).status_code == 404
        assert client.post(url("section_add", template.pk), {}).status_code == 404
