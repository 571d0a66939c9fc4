"""Log in, passwords, and the accounts parent staff manage for their units' people."""

import re
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import SESSION_KEY, get_user_model
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from clusters import services
from clusters.models import Person, Position
from core.errors import DomainError
from core.models import AuditEntry

pytestmark = pytest.mark.django_db

User = get_user_model()
PASSWORD = "thidua-demo"
NEW_PASSWORD = "Cum-thi-dua-2020!"


def set_password(user, password=PASSWORD):
    user.set_password(password)
    user.save(update_fields=["password"])
    return user


def person_of(world, username):
    return Person.objects.get(user=world.user(username))


def link_in(message):
    """The password-set path in an e-mail body (the host is SITE_URL)."""
    url = re.search(r"https?://\S+/accounts/password/reset/\S+/", message.body).group(0)
    return urlsplit(url).path


# --- log in and out -------------------------------------------------------------------------


def test_login_page_is_a_form_in_the_default_language(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert b'<html lang="vi">' in response.content
    assert b'name="username"' in response.content
    assert b'name="password"' in response.content
    assert reverse("password_reset").encode() in response.content


def test_wrong_password_shows_a_clear_error_and_does_not_log_in(client, world):
    set_password(world.user("dongda"))
    response = client.post(reverse("login"), {"username": "dongda", "password": "wrong"})
    assert response.status_code == 200
    assert SESSION_KEY not in client.session
    errors = response.context["form"].non_field_errors()
    assert len(errors) == 1
    assert str(errors[0]) in response.content.decode()


def test_right_password_logs_in_and_goes_to_the_dashboard(client, world):
    set_password(world.user("dongda"))
    response = client.post(reverse("login"), {"username": "dongda", "password": PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("dashboard")
    assert client.session[SESSION_KEY] == str(world.user("dongda").pk)


def test_a_deactivated_account_cannot_log_in(client, world):
    user = set_password(world.user("canbo.badinh"))
    services.account_set_active(actor=world.user("bantt"), user=user, active=False, reason="Nghỉ")
    response = client.post(reverse("login"), {"username": "canbo.badinh", "password": PASSWORD})
    assert response.status_code == 200
    assert SESSION_KEY not in client.session


def test_logout_refuses_get_and_logs_out_on_post(client_for, world):
    client = client_for(world.user("dongda"))
    assert client.get(reverse("logout")).status_code == 405
    assert SESSION_KEY in client.session
    response = client.post(reverse("logout"), follow=True)
    assert response.redirect_chain == [(reverse("login"), 302)]
    assert SESSION_KEY not in client.session
    assert [m.level_tag for m in response.context["messages"]] == ["info"]


def test_pages_need_a_login(client, world):
    for url in (
        reverse("dashboard"),
        reverse("password_change"),
        reverse("accounts:list"),
        reverse("accounts:detail", args=[person_of(world, "dongda").pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("login")), url


# --- passwords ------------------------------------------------------------------------------


def test_change_password(client_for, world):
    user = set_password(world.user("dongda"))
    client = client_for(user)
    assert client.get(reverse("password_change")).status_code == 200
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert response.url == reverse("password_change_done")
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_change_password_refuses_a_wrong_old_password(client_for, world):
    user = set_password(world.user("dongda"))
    response = client_for(user).post(
        reverse("password_change"),
        {"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["old_password"]
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_reset_a_forgotten_password_by_email(client, world, settings):
    settings.SITE_URL = "https://thidua.example.vn"
    user = set_password(world.user("dongda"))
    assert client.get(reverse("password_reset")).status_code == 200
    response = client.post(reverse("password_reset"), {"email": user.email})
    assert response.status_code == 302
    assert response.url == reverse("password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [user.email]
    assert "\n" not in message.subject
    assert "https://thidua.example.vn/accounts/password/reset/" in message.body
    assert "dongda" in message.body

    response = client.get(link_in(message))  # Django swaps the token for a session key
    assert response.status_code == 302
    set_url = response.url
    assert client.get(set_url).context["validlink"] is True
    response = client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("password_reset_complete")
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    # The link works once.
    assert client.get(link_in(message), follow=True).context["validlink"] is False


def test_reset_for_an_unknown_address_sends_nothing_and_reveals_nothing(client, world):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.invalid"})
    assert response.status_code == 302
    assert response.url == reverse("password_reset_done")
    assert mail.outbox == []


# --- the accounts list ----------------------------------------------------------------------


def test_parent_staff_see_the_people_of_their_units_with_their_logins(client_for, world):
    response = client_for(world.user("bantt")).get(reverse("accounts:list"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Đỗ Trọng Nam" in content  # chair of Đống Đa
    assert "<code>dongda</code>" in content
    assert "Nguyễn Lan Hương" in content  # chair of the parent body, no login
    assert "Mai Văn P" not in content  # the other parent body's staff


def test_the_other_parent_bodys_staff_see_only_their_own_people(client_for, world):
    response = client_for(world.user("ngoai")).get(reverse("accounts:list"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Mai Văn P" in content
    assert "Đỗ Trọng Nam" not in content


@pytest.mark.parametrize("username", ["xem", "dongda", "canbo.dongda", "canbo.badinh"])
def test_readers_and_unit_people_may_not_manage_accounts(client_for, world, username):
    assert client_for(world.user(username)).get(reverse("accounts:list")).status_code == 403


def test_search_ignores_accents_and_case(client_for, world):
    response = client_for(world.user("bantt")).get(reverse("accounts:list"), {"q": "DO TRONG nam"})
    people = list(response.context["page_obj"])
    assert [p.full_name for p in people] == ["Đỗ Trọng Nam"]


def test_htmx_search_gets_only_the_rows(client_for, world):
    response = client_for(world.user("bantt")).get(
        reverse("accounts:list"), {"q": "lan huong"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert b'id="people-rows"' in response.content
    assert b"<html" not in response.content
    assert "Nguyễn Lan Hương" in response.content.decode()


def _add_people(world, count):
    unit = world.unit("badinh")
    for i in range(count):
        person = Person.objects.create(full_name=f"Cán bộ thử {i:03d}")
        Position.objects.create(person=person, unit=unit, title=Position.Title.OFFICER)
        user = User.objects.create(username=f"thu{i:03d}")
        person.user = user
        person.save(update_fields=["user"])


def test_list_query_count_does_not_grow_with_its_rows(client_for, world):
    client = client_for(world.user("bantt"))
    url = reverse("accounts:list")
    client.get(url)  # warm caches (content types, session)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url, {"q": "do trong nam"}).status_code == 200
    _add_people(world, 50)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert response.status_code == 200
    assert len(response.context["page_obj"]) == 25
    assert response.context["page_obj"].paginator.count > 50
    assert len(many) == len(few)


# --- one person's account -------------------------------------------------------------------


def test_detail_shows_the_account_and_its_history(client_for, world):
    person = person_of(world, "canbo.badinh")
    response = client_for(world.user("bantt")).get(reverse("accounts:detail", args=[person.pk]))
    assert response.status_code == 200
    assert response.context["account"] == world.user("canbo.badinh")
    assert "<code>canbo.badinh</code>" in response.content.decode()


def test_outsiders_get_404_and_readers_403_on_a_persons_account(client_for, world):
    person = person_of(world, "dongda")
    url = reverse("accounts:detail", args=[person.pk])
    assert client_for(world.user("ngoai")).get(url).status_code == 404
    assert client_for(world.user("xem")).get(url).status_code == 403
    assert client_for(world.user("canbo.badinh")).get(url).status_code == 403
    assert (
        client_for(world.user("bantt")).get(reverse("accounts:detail", args=[999999])).status_code
        == 404
    )


def test_create_an_account_and_invite_the_person(
    client_for, client, world, django_capture_on_commit_callbacks
):
    person = Person.objects.get(full_name="Bùi Thị L")  # vice-chair of Hoàn Kiếm, no login
    staff = client_for(world.user("bantt"))
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(
            reverse("accounts:create", args=[person.pk]),
            {"username": "buithil", "email": "buithil@demo.thidua.invalid", "invite": "on"},
        )
    assert response.status_code == 302
    assert response.url == reverse("accounts:detail", args=[person.pk])
    person.refresh_from_db()
    user = person.user
    assert user.username == "buithil"
    assert user.email == "buithil@demo.thidua.invalid"
    assert not user.has_usable_password()
    actions = list(
        AuditEntry.objects.for_object(user).order_by("pk").values_list("action", "actor_name")
    )
    assert actions == [("account.create", "Ngô Thị H"), ("account.invite", "Ngô Thị H")]

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["buithil@demo.thidua.invalid"]
    assert "buithil" in message.body
    staff.post(reverse("logout"))

    response = client.get(link_in(message))
    assert response.status_code == 302
    response = client.post(
        response.url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert response.status_code == 302
    assert client.login(username="buithil", password=NEW_PASSWORD)


def test_create_without_invitation_sends_nothing(
    client_for, world, django_capture_on_commit_callbacks
):
    person = Person.objects.get(full_name="Bùi Thị L")
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(world.user("bantt")).post(
            reverse("accounts:create", args=[person.pk]), {"username": "buithil", "email": ""}
        )
    assert response.status_code == 302
    assert User.objects.filter(username="buithil", email="").exists()
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"username": "DONGDA", "email": "x@example.invalid"}, "username"),  # taken, any case
        ({"username": "bùi thị", "email": "x@example.invalid"}, "username"),
        ({"username": "buithil", "email": "", "invite": "on"}, "email"),
        ({"username": "buithil", "email": "not-an-address"}, "email"),
    ],
)
def test_create_refuses_bad_input_on_the_field(client_for, world, data, field):
    person = Person.objects.get(full_name="Bùi Thị L")
    response = client_for(world.user("bantt")).post(
        reverse("accounts:create", args=[person.pk]), data
    )
    assert response.status_code == 200
    assert response.context["create_form"].errors[field]
    person.refresh_from_db()
    assert person.user is None
    assert not User.objects.filter(username="buithil").exists()


def test_a_person_with_an_account_cannot_get_a_second(client_for, world):
    person = person_of(world, "dongda")
    response = client_for(world.user("bantt")).post(
        reverse("accounts:create", args=[person.pk]), {"username": "dongda2", "email": ""}
    )
    assert response.status_code == 200
    assert not User.objects.filter(username="dongda2").exists()


@pytest.mark.parametrize(("username", "status"), [("ngoai", 404), ("xem", 403), ("dongda", 403)])
def test_only_parent_staff_create_accounts(client_for, world, username, status):
    person = Person.objects.get(full_name="Bùi Thị L")
    response = client_for(world.user(username)).post(
        reverse("accounts:create", args=[person.pk]), {"username": "buithil", "email": ""}
    )
    assert response.status_code == status
    assert not User.objects.filter(username="buithil").exists()


def test_edit_the_email(client_for, world):
    person = person_of(world, "canbo.badinh")
    response = client_for(world.user("bantt")).post(
        reverse("accounts:email", args=[person.pk]), {"email": "lythin@demo.thidua.invalid"}
    )
    assert response.status_code == 302
    user = User.objects.get(username="canbo.badinh")
    assert user.email == "lythin@demo.thidua.invalid"
    entry = AuditEntry.objects.for_object(user).get(action="account.update")
    assert entry.after == {"email": "lythin@demo.thidua.invalid"}
    assert entry.actor == world.user("bantt")


def test_edit_the_email_refuses_a_bad_address(client_for, world):
    person = person_of(world, "canbo.badinh")
    before = person.user.email
    response = client_for(world.user("bantt")).post(
        reverse("accounts:email", args=[person.pk]), {"email": "khong-hop-le"}
    )
    assert response.status_code == 200
    assert response.context["email_form"].errors["email"]
    assert User.objects.get(username="canbo.badinh").email == before


def test_invitation_is_refused_once_the_person_has_a_password(
    client_for, world, django_capture_on_commit_callbacks
):
    person = person_of(world, "dongda")
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(world.user("bantt")).post(
            reverse("accounts:invite", args=[person.pk]), follow=True
        )
    assert response.status_code == 200
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert mail.outbox == []
    assert not AuditEntry.objects.filter(action="account.invite").exists()


def test_invitation_can_be_sent_again_while_no_password_is_set(
    client_for, world, django_capture_on_commit_callbacks
):
    person = Person.objects.get(full_name="Bùi Thị L")
    services.account_create(
        actor=world.user("bantt"), person=person, username="buithil", email="l@example.invalid"
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(world.user("bantt")).post(
            reverse("accounts:invite", args=[person.pk])
        )
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["l@example.invalid"]


def test_the_invitation_is_in_vietnamese_even_when_the_staff_work_in_english(
    world, django_capture_on_commit_callbacks
):
    person = Person.objects.get(full_name="Bùi Thị L")
    staff = world.user("bantt")
    user = services.account_create(
        actor=staff, person=person, username="buithil", email="l@example.invalid"
    )
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        services.account_invite(actor=staff, user=user)
    [message] = mail.outbox
    assert message.subject == "Thi đua: tài khoản của bạn đã sẵn sàng"


def test_actions_on_a_person_without_account_are_404(client_for, world):
    person = Person.objects.get(full_name="Bùi Thị L")
    client = client_for(world.user("bantt"))
    for name in ("email", "invite", "deactivate", "reactivate"):
        response = client.post(reverse(f"accounts:{name}", args=[person.pk]), {"reason": "x"})
        assert response.status_code == 404, name


def test_deactivate_and_reactivate_with_a_reason(client_for, world):
    person = person_of(world, "canbo.badinh")
    client = client_for(world.user("bantt"))
    response = client.post(
        reverse("accounts:deactivate", args=[person.pk]), {"reason": "Chuyển công tác"}
    )
    assert response.status_code == 302
    user = User.objects.get(username="canbo.badinh")
    assert not user.is_active
    entry = AuditEntry.objects.for_object(user).get(action="account.deactivate")
    assert entry.reason == "Chuyển công tác"
    assert entry.actor == world.user("bantt")

    response = client.post(reverse("accounts:reactivate", args=[person.pk]), {"reason": "Trở lại"})
    assert response.status_code == 302
    assert User.objects.get(username="canbo.badinh").is_active


def test_deactivate_needs_a_reason(client_for, world):
    person = person_of(world, "canbo.badinh")
    response = client_for(world.user("bantt")).post(
        reverse("accounts:deactivate", args=[person.pk]), {"reason": ""}
    )
    assert response.status_code == 200
    assert response.context["status_form"].errors["reason"]
    assert User.objects.get(username="canbo.badinh").is_active


def test_staff_cannot_deactivate_themselves(client_for, world):
    person = person_of(world, "bantt")
    response = client_for(world.user("bantt")).post(
        reverse("accounts:deactivate", args=[person.pk]), {"reason": "Thử"}
    )
    assert response.status_code == 200
    assert response.context["status_form"].non_field_errors()
    assert User.objects.get(username="bantt").is_active


@pytest.mark.parametrize(
    ("username", "status"), [("ngoai", 404), ("xem", 403), ("canbo.dongda", 403)]
)
def test_only_parent_staff_deactivate(client_for, world, username, status):
    person = person_of(world, "dongda")
    response = client_for(world.user(username)).post(
        reverse("accounts:deactivate", args=[person.pk]), {"reason": "Thử"}
    )
    assert response.status_code == status
    assert User.objects.get(username="dongda").is_active


def test_state_changes_refuse_get(client_for, world):
    person = person_of(world, "canbo.badinh")
    client = client_for(world.user("bantt"))
    for name in ("create", "email", "invite", "deactivate", "reactivate"):
        assert client.get(reverse(f"accounts:{name}", args=[person.pk])).status_code == 405, name


def test_staff_cannot_change_an_administrators_account(world):
    bantt, admin = world.user("bantt"), world.admin
    with pytest.raises(DomainError):
        services.account_set_active(actor=bantt, user=admin, active=False, reason="Thử")
    with pytest.raises(DomainError):
        services.account_update(actor=bantt, user=admin, email="x@example.invalid")
    admin.refresh_from_db()
    assert admin.is_active
    assert admin.email != "x@example.invalid"


def test_dashboard_links_parent_staff_to_the_accounts(client_for, world):
    url = reverse("accounts:list").encode()
    assert url in client_for(world.user("bantt")).get(reverse("dashboard")).content
    assert url not in client_for(world.user("dongda")).get(reverse("dashboard")).content
