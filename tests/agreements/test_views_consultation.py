"""Consultation, revisions and diffs, adoption, amendment and the signing conference."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone, translation
from django.utils.html import escape

from agreements import services
from agreements.models import Agreement, Comment, Conference
from core.dashboard import tasks_for
from tests.agreements.test_views import HX, add_criterion, url

DUE = (timezone.localtime() + datetime.timedelta(days=10)).strftime("%Y-%m-%dT17:00")
CIRCULATE = {"deadline": DUE, "confirm": "on"}
ADOPT = {"signing_deadline": DUE, "confirm": "on"}


@pytest.fixture
def head(world):
    return world.user("canbo.dongda")


@pytest.fixture
def member(world):
    return world.user("canbo.badinh")


@pytest.fixture
def draft(world, head):
    agreement = services.agreement_create(
        actor=head, cluster_year=world.cluster_year, origin=Agreement.Origin.BLANK
    )
    section = services.section_add(
        actor=head, agreement=agreement, heading="", text="Đổi mới công tác thi đua"
    )
    add_criterion(head, section)
    return Agreement.objects.get(pk=agreement.pk)


@pytest.fixture
def circulated(draft, head):
    return services.agreement_circulate(actor=head, agreement=draft)


@pytest.fixture
def comment(circulated, member, world):
    return services.comment_add(
        actor=member,
        agreement=circulated,
        unit=world.unit("badinh"),
        text="Đề nghị bổ sung chỉ tiêu",
    )


class TestCirculate:
    def test_the_head_circulates_and_members_are_told(
        self, client_for, draft, head, django_capture_on_commit_callbacks
    ):
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            response = client_for(head).post(url("circulate", draft.pk), CIRCULATE)
        assert response.status_code == 302
        circulated = Agreement.objects.get(pk=draft.pk)
        assert circulated.status == "circulated"
        assert f"{timezone.localtime(circulated.consultation_deadline):%Y-%m-%dT%H:%M}" == DUE
        assert mail.outbox
        page = client_for(head).get(circulated.get_absolute_url())
        assert "deadline-late" not in page.text
        assert f"{timezone.localtime(circulated.consultation_deadline):%d/%m/%Y %H:%M}" in page.text

    def test_the_confirmation_page_lists_the_members_and_proposes_a_deadline(
        self, world, client_for, draft, head
    ):
        page = client_for(head).get(url("circulate", draft.pk))
        assert page.status_code == 200
        assert 'name="deadline"' in page.text and 'name="confirm"' in page.text
        assert world.unit("badinh").name in page.text
        assert page.context["form"].initial["deadline"] > timezone.now()
        assert Agreement.objects.get(pk=draft.pk).status == "draft"

    @pytest.mark.parametrize(
        "data, field",
        [
            ({"deadline": DUE}, "confirm"),
            ({"confirm": "on"}, "deadline"),
            ({"confirm": "on", "deadline": "2001-01-01T17:00"}, "deadline"),
            ({"confirm": "on", "deadline": "ngày mai"}, "deadline"),
        ],
    )
    def test_without_confirmation_or_a_future_deadline_nothing_is_sent(
        self, client_for, draft, head, data, field, django_capture_on_commit_callbacks
    ):
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            response = client_for(head).post(url("circulate", draft.pk), data)
        assert response.status_code == 400
        assert response.context["form"].errors[field]
        assert Agreement.objects.get(pk=draft.pk).status == "draft"
        assert mail.outbox == []

    def test_a_late_consultation_is_marked_late(self, client_for, circulated, head):
        Agreement.objects.filter(pk=circulated.pk).update(
            consultation_deadline=timezone.now() - datetime.timedelta(hours=1)
        )
        page = client_for(head).get(circulated.get_absolute_url())
        assert "deadline-late" in page.text

    @pytest.mark.parametrize("username", ["canbo.badinh", "xem", "hoankiem", "bantt"])
    def test_others_get_403(self, world, client_for, draft, username):
        client = client_for(world.user(username))
        assert client.get(url("circulate", draft.pk)).status_code == 403
        response = client.post(url("circulate", draft.pk), CIRCULATE)
        assert response.status_code == 403
        assert Agreement.objects.get(pk=draft.pk).status == "draft"

    def test_outsider_gets_404(self, world, client_for, draft):
        client = client_for(world.user("ngoai"))
        assert client.post(url("circulate", draft.pk), CIRCULATE).status_code == 404
        assert client.get(url("circulate", draft.pk)).status_code == 404

    def test_circulating_twice_says_why_and_changes_nothing(self, client_for, circulated, head):
        response = client_for(head).post(url("circulate", circulated.pk), CIRCULATE, follow=True)
        assert response.status_code == 200
        assert any(m.level_tag == "error" for m in response.context["messages"])
        assert Agreement.objects.get(pk=circulated.pk).status == "circulated"

    def test_the_button_shows_only_to_the_head_on_a_draft(self, client_for, draft, head, member):
        assert url("circulate", draft.pk) in client_for(head).get(draft.get_absolute_url()).text
        assert (
            url("circulate", draft.pk) not in client_for(member).get(draft.get_absolute_url()).text
        )


class TestComments:
    def test_a_member_officer_comments_on_a_section(self, world, client_for, circulated, member):
        section = circulated.sections.get()
        response = client_for(member).post(
            url("comment_add", circulated.pk),
            {
                "comment-unit": world.unit("badinh").pk,
                "comment-section": section.pk,
                "comment-text": "Mục này cần số liệu",
            },
        )
        comment = Comment.objects.get(agreement=circulated)
        assert response.status_code == 302
        assert response["Location"].endswith(f"#comment-{comment.pk}")
        assert comment.section == section and comment.unit == world.unit("badinh")
        assert comment.status == "open"

    def test_a_member_chair_comments_with_htmx(self, world, client_for, circulated):
        response = client_for(world.user("badinh")).post(
            url("comment_add", circulated.pk),
            {"comment-unit": world.unit("badinh").pk, "comment-text": "Nhất trí"},
            **HX,
        )
        comment = Comment.objects.get(agreement=circulated)
        assert response.status_code == 200
        assert response.text.lstrip().startswith(f'<article id="comment-{comment.pk}"')
        assert 'id="comment-add"' in response.text and "hx-swap-oob" in response.text
        assert comment.section is None

    def test_the_member_sees_the_comment_form_while_circulated(
        self, client_for, circulated, member
    ):
        page = client_for(member).get(circulated.get_absolute_url())
        assert url("comment_add", circulated.pk) in page.text

    def test_an_empty_comment_errs_and_saves_nothing(self, world, client_for, circulated, member):
        response = client_for(member).post(
            url("comment_add", circulated.pk),
            {"comment-unit": world.unit("badinh").pk, "comment-text": ""},
            **HX,
        )
        assert response["HX-Retarget"] == "#comment-add"
        assert response.context["comment_form"].errors["text"]
        assert not Comment.objects.exists()

    def test_commenting_for_another_unit_is_refused(self, world, client_for, circulated, member):
        response = client_for(member).post(
            url("comment_add", circulated.pk),
            {"comment-unit": world.unit("hoangmai").pk, "comment-text": "Giả mạo"},
        )
        assert response.status_code == 302
        assert not Comment.objects.exists()

    def test_a_draft_not_yet_circulated_takes_no_comments(self, world, client_for, draft, member):
        response = client_for(member).post(
            url("comment_add", draft.pk),
            {"comment-unit": world.unit("badinh").pk, "comment-text": "Sớm quá"},
            follow=True,
        )
        assert any(m.level_tag == "error" for m in response.context["messages"])
        assert not Comment.objects.exists()
        assert url("comment_add", draft.pk) not in response.text

    @pytest.mark.parametrize("username", ["xem", "bantt"])
    def test_readers_who_are_not_members_get_403(self, world, client_for, circulated, username):
        response = client_for(world.user(username)).post(
            url("comment_add", circulated.pk),
            {"comment-unit": world.unit("badinh").pk, "comment-text": "X"},
        )
        assert response.status_code == 403
        assert not Comment.objects.exists()

    def test_outsider_gets_404(self, world, client_for, circulated):
        response = client_for(world.user("ngoai")).post(
            url("comment_add", circulated.pk), {"comment-text": "X"}
        )
        assert response.status_code == 404

    def test_the_head_answers_with_htmx_and_the_member_is_told(
        self, client_for, comment, head, member, django_capture_on_commit_callbacks
    ):
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            response = client_for(head).post(
                url("comment_answer", comment.pk),
                {f"answer-{comment.pk}-answer": "Đã bổ sung chỉ tiêu 1.2"},
                **HX,
            )
        assert response.status_code == 200
        assert response.text.lstrip().startswith(f'<article id="comment-{comment.pk}"')
        comment.refresh_from_db()
        assert comment.status == "answered" and comment.answer == "Đã bổ sung chỉ tiêu 1.2"
        assert mail.outbox
        # Everyone in the cluster sees the status.
        page = client_for(member).get(comment.agreement.get_absolute_url())
        assert "Đã bổ sung chỉ tiêu 1.2" in page.text
        assert "comment-status-answered" in page.text

    def test_an_empty_answer_errs(self, client_for, comment, head):
        response = client_for(head).post(
            url("comment_answer", comment.pk), {f"answer-{comment.pk}-answer": ""}, **HX
        )
        assert response.status_code == 200
        assert response.context["comment_errors"]
        assert Comment.objects.get(pk=comment.pk).status == "open"

    def test_the_head_answers_and_resolves_without_htmx(self, client_for, comment, head):
        client = client_for(head)
        response = client.post(
            url("comment_answer", comment.pk), {f"answer-{comment.pk}-answer": "Tiếp thu"}
        )
        assert response.status_code == 302
        assert response["Location"].endswith(f"#comment-{comment.pk}")
        response = client.post(url("comment_resolve", comment.pk))
        assert response.status_code == 302
        assert Comment.objects.get(pk=comment.pk).status == "resolved"

    def test_resolving_twice_shows_the_refusal(self, client_for, comment, head):
        client = client_for(head)
        client.post(url("comment_resolve", comment.pk), **HX)
        response = client.post(url("comment_resolve", comment.pk), **HX)
        assert response.status_code == 200
        assert response.context["comment_errors"]

    @pytest.mark.parametrize("username", ["canbo.badinh", "xem", "hoankiem"])
    def test_others_may_not_answer_or_resolve(self, world, client_for, comment, username):
        client = client_for(world.user(username))
        answer = client.post(
            url("comment_answer", comment.pk), {f"answer-{comment.pk}-answer": "X"}
        )
        assert answer.status_code == 403
        assert client.post(url("comment_resolve", comment.pk)).status_code == 403
        assert Comment.objects.get(pk=comment.pk).status == "open"

    def test_outsider_gets_404_on_a_comment(self, world, client_for, comment):
        client = client_for(world.user("ngoai"))
        assert client.post(url("comment_answer", comment.pk), {}).status_code == 404
        assert client.post(url("comment_resolve", comment.pk)).status_code == 404


class TestRevisions:
    def test_the_list_and_the_word_diff(self, world, client_for, draft, head):
        section = draft.sections.get()
        services.section_update(
            actor=head,
            section=section,
            expected_version=section.version,
            heading="",
            text="Đổi mới mạnh mẽ công tác khen thưởng",
        )
        client = client_for(world.user("canbo.badinh"))
        page = client.get(url("revisions", draft.pk))
        assert page.status_code == 200
        numbers = [r.number for r in page.context["revisions"]]
        assert numbers == sorted(numbers, reverse=True) and len(numbers) >= 3
        newest = numbers[0]
        diff = client.get(url("diff", draft.pk), {"a": newest - 1, "b": newest})
        assert diff.status_code == 200
        assert 'Đổi mới<ins class="diff-ins"> mạnh mẽ</ins> công tác' in diff.text
        assert '<del class="diff-del">thi đua</del>' in diff.text
        assert '<ins class="diff-ins">khen thưởng</ins>' in diff.text

    def test_any_two_revisions_and_defaults(self, client_for, draft, head):
        client = client_for(head)
        first = client.get(url("diff", draft.pk), {"a": 1, "b": 3})
        assert first.status_code == 200
        assert first.context["old"].number == 1 and first.context["new"].number == 3
        assert '<ins class="diff-ins">' in first.text
        default = client.get(url("diff", draft.pk))
        assert default.context["new"].number == 3 and default.context["old"].number == 2

    def test_an_unknown_revision_is_404(self, client_for, draft, head):
        assert client_for(head).get(url("diff", draft.pk), {"a": 99}).status_code == 404
        assert client_for(head).get(url("diff", draft.pk), {"a": "x"}).status_code == 404

    def test_outsider_gets_404(self, world, client_for, draft):
        client = client_for(world.user("ngoai"))
        assert client.get(url("revisions", draft.pk)).status_code == 404
        assert client.get(url("diff", draft.pk)).status_code == 404


class TestAdoption:
    def test_the_confirmation_page(self, client_for, circulated, comment, head):
        page = client_for(head).get(url("adopt", circulated.pk))
        assert page.status_code == 200
        assert page.context["open_comments"] == 1
        assert 'name="confirm"' in page.text

    def test_without_the_confirmation_nothing_happens(self, client_for, circulated, head):
        response = client_for(head).post(url("adopt", circulated.pk), {})
        assert response.status_code == 200
        assert set(response.context["form"].errors) == {"confirm", "signing_deadline"}
        assert Agreement.objects.get(pk=circulated.pk).status == "circulated"

    def test_a_past_signing_deadline_is_refused(self, client_for, circulated, head):
        data = {"confirm": "on", "signing_deadline": "2001-01-01T17:00"}
        response = client_for(head).post(url("adopt", circulated.pk), data)
        assert response.context["form"].errors["signing_deadline"]
        assert Agreement.objects.get(pk=circulated.pk).status == "circulated"

    def test_adoption_freezes_and_stores_the_hash(self, client_for, circulated, head):
        response = client_for(head).post(url("adopt", circulated.pk), ADOPT)
        assert response.status_code == 302
        adopted = Agreement.objects.get(pk=circulated.pk)
        assert adopted.status == "adopted" and len(adopted.content_hash) == 64
        assert f"{timezone.localtime(adopted.signing_deadline):%Y-%m-%dT%H:%M}" == DUE
        page = client_for(head).get(adopted.get_absolute_url())
        assert adopted.content_hash in page.text
        assert url("adopt", adopted.pk) not in page.text

    def test_adopting_a_draft_not_circulated_is_refused_with_a_message(
        self, client_for, draft, head
    ):
        response = client_for(head).post(url("adopt", draft.pk), ADOPT)
        [error] = response.context["form"].non_field_errors()
        assert escape(error) in response.text
        assert Agreement.objects.get(pk=draft.pk).status == "draft"

    def test_adopting_twice_is_refused(self, client_for, circulated, head):
        client = client_for(head)
        client.post(url("adopt", circulated.pk), ADOPT)
        assert client.post(url("adopt", circulated.pk), ADOPT).status_code == 403
        assert client.get(url("adopt", circulated.pk)).status_code == 403

    @pytest.mark.parametrize("username", ["canbo.badinh", "xem", "hoankiem"])
    def test_others_get_403(self, world, client_for, circulated, username):
        client = client_for(world.user(username))
        assert client.post(url("adopt", circulated.pk), ADOPT).status_code == 403
        assert Agreement.objects.get(pk=circulated.pk).status == "circulated"

    def test_outsider_gets_404(self, world, client_for, circulated):
        response = client_for(world.user("ngoai")).post(url("adopt", circulated.pk), ADOPT)
        assert response.status_code == 404

    def test_answers_are_closed_after_adoption(self, client_for, comment, head):
        services.agreement_adopt(actor=head, agreement=comment.agreement)
        page = client_for(head).get(comment.agreement.get_absolute_url())
        assert url("comment_answer", comment.pk) not in page.text


class TestAmendment:
    @pytest.fixture
    def adopted(self, circulated, head):
        return services.agreement_adopt(actor=head, agreement=circulated)

    def test_the_amendment_form_and_a_missing_reason(self, client_for, adopted, head):
        client = client_for(head)
        assert client.get(url("amend", adopted.pk)).status_code == 200
        response = client.post(url("amend", adopted.pk), {"reason": ""})
        assert response.status_code == 200
        assert response.context["form"].errors["reason"]
        assert not Agreement.objects.filter(supersedes=adopted).exists()

    def test_the_amendment_is_a_new_draft_superseding_on_adoption(self, client_for, adopted, head):
        client = client_for(head)
        response = client.post(url("amend", adopted.pk), {"reason": "Bổ sung chỉ tiêu"})
        amendment = Agreement.objects.get(supersedes=adopted)
        assert response.status_code == 302
        assert response["Location"] == amendment.get_absolute_url()
        assert amendment.status == "draft" and amendment.amendment_reason == "Bổ sung chỉ tiêu"
        client.post(url("circulate", amendment.pk), CIRCULATE)
        client.post(url("adopt", amendment.pk), ADOPT)
        assert Agreement.objects.get(pk=adopted.pk).status == "superseded"
        old_page = client.get(adopted.get_absolute_url())
        assert old_page.status_code == 200
        assert old_page.context["superseded_by"] == amendment

    def test_amending_a_draft_is_refused(self, client_for, draft, head):
        response = client_for(head).post(url("amend", draft.pk), {"reason": "X"})
        assert response.status_code == 200
        assert response.context["form"].errors
        assert not Agreement.objects.filter(supersedes=draft).exists()

    @pytest.mark.parametrize(("username", "status"), [("canbo.badinh", 403), ("ngoai", 404)])
    def test_wrong_roles(self, world, client_for, adopted, username, status):
        response = client_for(world.user(username)).post(url("amend", adopted.pk), {"reason": "X"})
        assert response.status_code == status


class TestConference:
    def post(self, world, **overrides):
        data = {
            "starts_at": "2020-02-05T14:00",
            "venue": "Trụ sở Quận ủy - HĐND - UBND quận Đống Đa",
            "hosts": [world.unit("dongda").pk, world.unit("hoankiem").pk],
            "minutes": "Hội nghị nhất trí thông qua.",
            "guests-TOTAL_FORMS": "2",
            "guests-INITIAL_FORMS": "0",
            "guests-MIN_NUM_FORMS": "0",
            "guests-MAX_NUM_FORMS": "50",
            "guests-0-name": "Nguyễn Lan Hương",
            "guests-0-title": "Chủ tịch Ủy ban MTTQ Việt Nam thành phố Hà Nội",
            "guests-0-organisation": "",
            "guests-1-name": "Hà Minh Hải",
            "guests-1-title": "Bí thư Quận ủy Đống Đa",
            "guests-1-organisation": "",
        }
        data.update(overrides)
        return data

    def test_record_the_conference(self, world, client_for, circulated, head):
        client = client_for(head)
        assert client.get(url("conference", circulated.pk)).status_code == 200
        response = client.post(url("conference", circulated.pk), self.post(world))
        assert response.status_code == 302
        conference = Conference.objects.get(agreement=circulated)
        assert timezone.localtime(conference.starts_at).date() == datetime.date(2020, 2, 5)
        assert {u.short_name for u in conference.hosts.all()} == {"Đống Đa", "Hoàn Kiếm"}
        assert [g.name for g in conference.guests.all()] == ["Nguyễn Lan Hương", "Hà Minh Hải"]
        page = client.get(circulated.get_absolute_url())
        assert "Hà Minh Hải" in page.text and not page.context["conference"].predates_plan

    def test_a_date_before_the_plan_warns(self, world, client_for, circulated, head):
        response = client_for(head).post(
            url("conference", circulated.pk),
            self.post(world, starts_at="2020-01-05T14:00"),
            follow=True,
        )
        assert any(m.level_tag == "warning" for m in response.context["messages"])
        assert response.context["conference"].predates_plan
        assert "alert-warning" in response.text

    def test_the_form_shows_the_saved_guests(self, world, client_for, circulated, head):
        client = client_for(head)
        client.post(url("conference", circulated.pk), self.post(world))
        page = client.get(url("conference", circulated.pk))
        assert 'value="Hà Minh Hải"' in page.text

    def test_a_missing_venue_errs_on_the_field(self, world, client_for, circulated, head):
        response = client_for(head).post(
            url("conference", circulated.pk), self.post(world, venue="")
        )
        assert response.status_code == 200
        assert response.context["form"].errors["venue"]
        assert not Conference.objects.exists()

    def test_a_host_outside_the_cluster_is_refused(self, world, client_for, circulated, head):
        outsider_unit = world.other_cluster_year.memberships.first().unit
        response = client_for(head).post(
            url("conference", circulated.pk), self.post(world, hosts=[outsider_unit.pk])
        )
        assert response.status_code == 200
        assert response.context["form"].errors["hosts"]
        assert not Conference.objects.exists()

    @pytest.mark.parametrize(("username", "status"), [("canbo.badinh", 403), ("xem", 403)])
    def test_readers_get_403(self, world, client_for, circulated, username, status):
        client = client_for(world.user(username))
        assert client.get(url("conference", circulated.pk)).status_code == status
        assert client.post(url("conference", circulated.pk), self.post(world)).status_code == 403
        assert not Conference.objects.exists()

    def test_outsider_gets_404(self, world, client_for, circulated):
        client = client_for(world.user("ngoai"))
        assert client.post(url("conference", circulated.pk), self.post(world)).status_code == 404

    def test_no_scan_no_download(self, client_for, circulated, head):
        assert (
            client_for(head).get(url("conference_minutes_file", circulated.pk)).status_code == 404
        )


class TestDashboard:
    def test_members_are_asked_to_comment_and_the_head_to_answer_and_adopt(
        self, world, comment, head, member
    ):
        with translation.override("en"):
            member_tasks = [t.title for t in tasks_for(member)]
            head_tasks = tasks_for(head)
        assert any("Comment on the circulated draft" in t for t in member_tasks)
        assert any(t.url.endswith("#comments") for t in head_tasks)
        assert any(t.url == url("adopt", comment.agreement.pk) for t in head_tasks)
        assert not any("Comment on the circulated draft" in t.title for t in head_tasks)

    def test_nothing_for_outsiders_or_before_circulation(self, world, draft, member):
        assert not [t for t in tasks_for(member) if "agreements" in t.url]
        assert not [t for t in tasks_for(world.user("ngoai")) if "agreements" in t.url]

    def test_the_dashboard_page_lists_the_task(self, client_for, comment, member):
        page = client_for(member).get("/")
        assert comment.agreement.get_absolute_url() in page.text
