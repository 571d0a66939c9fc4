"""When parent staff change a login e-mail, the old address is told (after commit)."""

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse
from django.utils import translation

from clusters import services
from clusters.models import Person
from core.errors import DomainError

pytestmark = pytest.mark.django_db

User = get_user_model()
NEW = "lythin@demo.thidua.invalid"


def person_of(world, username):
    return Person.objects.get(user=world.user(username))


def test_changing_the_email_tells_the_old_address_who_changed_it(
    client_for, world, django_capture_on_commit_callbacks
):
    user = world.user("canbo.badinh")
    old = user.email
    assert old
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client_for(world.user("bantt")).post(
            reverse("accounts:email", args=[person_of(world, "canbo.badinh").pk]),
            {"email": NEW},
        )
    assert response.status_code == 302
    assert len(callbacks) == 1
    assert User.objects.get(pk=user.pk).email == NEW
    [message] = mail.outbox
    assert message.to == [old]
    assert NEW not in message.body  # the notice goes to the old address and names no new one
    assert "canbo.badinh" in message.body
    assert "Ngô Thị H" in message.body  # who changed it
    assert "\n" not in message.subject


def test_the_notice_leaves_only_after_commit(world, django_capture_on_commit_callbacks):
    user = world.user("canbo.badinh")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.account_update(actor=world.user("bantt"), user=user, email=NEW)
    assert mail.outbox == []
    assert len(callbacks) == 1


def test_the_notice_is_in_vietnamese_even_when_the_staff_work_in_english(
    world, django_capture_on_commit_callbacks
):
    # The owner of the account reads the notice, not the staff member who made the change.
    user = world.user("canbo.badinh")
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        services.account_update(actor=world.user("bantt"), user=user, email=NEW)
    [message] = mail.outbox
    assert message.subject == "Thi đua: địa chỉ thư điện tử của tài khoản đã được thay đổi"
    assert "liên hệ ngay với cán bộ cơ quan cấp trên" in message.body
    assert "was changed on" not in message.body


def test_a_refused_change_sends_nothing(world, django_capture_on_commit_callbacks):
    admin = world.admin
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(DomainError):
        services.account_update(actor=world.user("bantt"), user=admin, email=NEW)
    assert User.objects.get(pk=admin.pk).email != NEW
    assert mail.outbox == []


def test_a_bad_address_sends_nothing(client_for, world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(world.user("bantt")).post(
            reverse("accounts:email", args=[person_of(world, "canbo.badinh").pk]),
            {"email": "khong-hop-le"},
        )
    assert response.status_code == 200
    assert mail.outbox == []


@pytest.mark.parametrize("new", ["same", "SAME-CASE"])
def test_saving_the_same_address_sends_nothing(world, django_capture_on_commit_callbacks, new):
    user = world.user("canbo.badinh")
    email = user.email if new == "same" else user.email.upper()
    with django_capture_on_commit_callbacks(execute=True):
        services.account_update(actor=world.user("bantt"), user=user, email=email)
    assert mail.outbox == []


def test_an_account_without_an_address_sends_nothing(world, django_capture_on_commit_callbacks):
    user = world.user("canbo.badinh")
    User.objects.filter(pk=user.pk).update(email="")
    with django_capture_on_commit_callbacks(execute=True):
        services.account_update(actor=world.user("bantt"), user=user, email=NEW)
    assert User.objects.get(pk=user.pk).email == NEW
    assert mail.outbox == []
