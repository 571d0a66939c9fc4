"""Every admin change leaves an audit entry: levels through their services, accounts and groups
through audited admins (no password hash in the trail, accounts deactivated, never deleted)."""

import json

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from clusters.models import Level
from core.admin import AuditedGroupAdmin, AuditedUserAdmin, ServiceAdmin
from core.models import AuditEntry

pytestmark = pytest.mark.django_db

User = get_user_model()
NEW_PASSWORD = "Mật-khẩu-mới-Đống-Đa-2020"


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def superuser_client(client_for, world):
    return client_for(world.admin)


def new_entries(since):
    return list(AuditEntry.objects.filter(pk__gt=since).order_by("pk"))


def last_pk():
    return AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def user_form_data(user, **changes):
    joined = user.date_joined
    data = {
        "username": user.username,
        "full_name": user.get_full_name(),
        "email": user.email,
        "groups": [g.pk for g in user.groups.all()],
        "user_permissions": [p.pk for p in user.user_permissions.all()],
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": f"{joined:%Y-%m-%d}",
        "date_joined_1": f"{joined:%H:%M:%S}",
        "_save": "Save",
    }
    for flag in ("is_active", "is_staff", "is_superuser"):
        if getattr(user, flag):
            data[flag] = "on"
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def no_hash_in(entries, *hashes):
    text = json.dumps([[e.before, e.after, e.reason] for e in entries], ensure_ascii=False)
    return all(h and h not in text for h in hashes) and "pbkdf2" not in text and "md5$" not in text


# --- levels go through their services ------------------------------------------------------


def test_the_level_admin_is_a_service_admin():
    model_admin = admin.site._registry[Level]
    assert isinstance(model_admin, ServiceAdmin)


def test_adding_a_level_in_the_admin_goes_through_the_service(superuser_client, world):
    since = last_pk()
    response = superuser_client.post(
        admin_url(Level, "add"), {"name": "Thôn, tổ dân phố", "rank": "4", "_save": "Save"}
    )
    assert response.status_code == 302
    level = Level.objects.get(name="Thôn, tổ dân phố")
    [entry] = [e for e in new_entries(since) if e.action == "level.create"]
    assert entry.object_id == str(level.pk)
    assert entry.actor == world.admin
    assert entry.after == {"name": "Thôn, tổ dân phố", "rank": 4}


def test_changing_a_level_in_the_admin_goes_through_the_service(superuser_client, world):
    level = world.unit("badinh").level
    response = superuser_client.post(
        admin_url(Level, "change", level.pk),
        {"name": "Quận, huyện, thị xã", "rank": str(level.rank), "_save": "Save"},
    )
    assert response.status_code == 302
    assert Level.objects.get(pk=level.pk).name == "Quận, huyện, thị xã"
    entry = AuditEntry.objects.for_object(level).first()
    assert entry.action == "level.update"
    assert entry.before == {"name": "Quận, huyện"}
    assert entry.after == {"name": "Quận, huyện, thị xã"}


def test_a_duplicate_level_name_is_refused_and_not_audited(superuser_client, world):
    since = last_pk()
    response = superuser_client.post(
        admin_url(Level, "add"), {"name": "Quận, huyện", "rank": "5", "_save": "Save"}
    )
    assert response.status_code == 200
    assert Level.objects.filter(name="Quận, huyện").count() == 1
    assert new_entries(since) == []


def test_levels_cannot_be_deleted_in_the_admin(superuser_client, world):
    level = world.unit("badinh").level
    assert superuser_client.post(admin_url(Level, "delete", level.pk)).status_code == 403
    assert Level.objects.filter(pk=level.pk).exists()


# --- accounts -------------------------------------------------------------------------------


def test_the_user_and_group_admins_are_the_audited_ones():
    assert type(admin.site._registry[User]) is AuditedUserAdmin
    assert type(admin.site._registry[Group]) is AuditedGroupAdmin


def test_changing_an_account_records_only_the_changed_fields(superuser_client, world):
    user = world.user("canbo.badinh")
    old_email = user.email
    group = Group.objects.create(name="Thư ký cụm")
    since = last_pk()
    response = superuser_client.post(
        admin_url(User, "change", user.pk),
        user_form_data(user, email="moi@example.invalid", groups=[group.pk]),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    user.refresh_from_db()
    assert user.email == "moi@example.invalid"
    [entry] = new_entries(since)
    assert entry.action == "account.admin_update"
    assert entry.actor == world.admin
    assert entry.object_id == str(user.pk)
    assert entry.before == {"email": old_email, "groups": []}
    assert entry.after == {"email": "moi@example.invalid", "groups": ["Thư ký cụm"]}
    assert no_hash_in([entry], user.password)


def test_a_save_that_changes_nothing_writes_no_entry(superuser_client, world):
    user = world.user("canbo.badinh")
    since = last_pk()
    response = superuser_client.post(admin_url(User, "change", user.pk), user_form_data(user))
    assert response.status_code == 302
    assert new_entries(since) == []


def test_deactivating_in_the_admin_is_audited(superuser_client, world):
    user = world.user("canbo.badinh")
    since = last_pk()
    response = superuser_client.post(
        admin_url(User, "change", user.pk), user_form_data(user, is_active=None)
    )
    assert response.status_code == 302
    assert not User.objects.get(pk=user.pk).is_active
    [entry] = new_entries(since)
    assert (entry.before, entry.after) == ({"is_active": True}, {"is_active": False})


def test_a_password_change_is_recorded_without_the_hash(superuser_client, world):
    user = world.user("canbo.badinh")
    old_hash = user.password
    since = last_pk()
    response = superuser_client.post(
        admin_url(User, "password_change", user.pk),
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    [entry] = new_entries(since)
    assert entry.action == "account.admin_password"
    assert entry.actor == world.admin
    assert entry.after == {"password": "changed"}
    assert no_hash_in([entry], old_hash, user.password)


def test_a_refused_password_change_writes_no_entry(superuser_client, world):
    user = world.user("canbo.badinh")
    old_hash = user.password
    since = last_pk()
    response = superuser_client.post(
        admin_url(User, "password_change", user.pk),
        {"password1": NEW_PASSWORD, "password2": "khác", "usable_password": "true"},
    )
    assert response.status_code == 200
    assert User.objects.get(pk=user.pk).password == old_hash
    assert new_entries(since) == []


def test_adding_an_account_is_audited_without_the_hash(superuser_client, world):
    since = last_pk()
    response = superuser_client.post(
        admin_url(User, "add"),
        {
            "username": "thuky",
            "usable_password": "true",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
            "_save": "Save",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(username="thuky")
    [entry] = new_entries(since)
    assert entry.action == "account.admin_create"
    assert entry.object_id == str(user.pk)
    assert entry.after["username"] == "thuky"
    assert entry.after["password"] == "set"
    assert entry.after["is_superuser"] is False
    assert no_hash_in([entry], user.password)


def test_accounts_cannot_be_deleted(superuser_client, world):
    user = world.user("canbo.badinh")
    since = last_pk()
    assert superuser_client.get(admin_url(User, "delete", user.pk)).status_code == 403
    assert (
        superuser_client.post(admin_url(User, "delete", user.pk), {"post": "yes"}).status_code
        == 403
    )
    superuser_client.post(
        admin_url(User, "changelist"),
        {"action": "delete_selected", "_selected_action": [user.pk], "post": "yes"},
    )
    assert User.objects.filter(pk=user.pk).exists()
    assert new_entries(since) == []
    page = superuser_client.get(admin_url(User, "changelist"))
    assert "delete_selected" not in page.text


@pytest.fixture
def staff(world):
    """A staff member allowed to change accounts, but no administrator."""
    user = User.objects.create_user("nhanvien", is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="auth", codename__in=["view_user", "change_user"]
        )
    )
    return user


def test_staff_cannot_change_an_administrator(client_for, world, staff):
    client = client_for(staff)
    admin_user = world.admin
    response = client.post(
        admin_url(User, "change", admin_user.pk), user_form_data(admin_user, email="x@x.invalid")
    )
    assert response.status_code == 403
    assert User.objects.get(pk=admin_user.pk).email == admin_user.email


def test_staff_cannot_make_anyone_an_administrator(client_for, world, staff):
    user = world.user("canbo.badinh")
    since = last_pk()
    response = client_for(staff).post(
        admin_url(User, "change", user.pk),
        user_form_data(user, is_superuser="on", email="moi@example.invalid"),
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert not user.is_superuser
    [entry] = new_entries(since)
    assert entry.actor == staff
    assert entry.after == {"email": "moi@example.invalid"}


# --- groups ---------------------------------------------------------------------------------


def test_group_saves_and_deletions_are_audited(superuser_client, world):
    permission = Permission.objects.get(content_type__app_label="auth", codename="view_user")
    since = last_pk()
    response = superuser_client.post(
        admin_url(Group, "add"), {"name": "Thư ký", "permissions": [permission.pk], "_save": "Save"}
    )
    assert response.status_code == 302
    group = Group.objects.get(name="Thư ký")
    [created] = new_entries(since)
    assert created.action == "group.admin_create"
    assert created.after == {"name": "Thư ký", "permissions": ["auth.view_user"]}

    since = last_pk()
    response = superuser_client.post(
        admin_url(Group, "change", group.pk),
        {"name": "Thư ký cụm", "permissions": [permission.pk], "_save": "Save"},
    )
    assert response.status_code == 302
    [changed] = new_entries(since)
    assert changed.action == "group.admin_update"
    assert (changed.before, changed.after) == ({"name": "Thư ký"}, {"name": "Thư ký cụm"})

    world.user("canbo.badinh").groups.add(group)
    since = last_pk()
    response = superuser_client.post(admin_url(Group, "delete", group.pk), {"post": "yes"})
    assert response.status_code == 302
    assert not Group.objects.filter(pk=group.pk).exists()
    [deleted] = new_entries(since)
    assert deleted.action == "group.admin_delete"
    assert deleted.object_id == str(group.pk)
    assert deleted.before == {
        "name": "Thư ký cụm",
        "permissions": ["auth.view_user"],
        "users": ["canbo.badinh"],
    }


def test_deleting_groups_from_the_list_is_audited_for_each(superuser_client, world):
    groups = [Group.objects.create(name=name) for name in ("Nhóm A", "Nhóm B")]
    since = last_pk()
    response = superuser_client.post(
        admin_url(Group, "changelist"),
        {"action": "delete_selected", "_selected_action": [g.pk for g in groups], "post": "yes"},
    )
    assert response.status_code == 302
    assert not Group.objects.filter(pk__in=[g.pk for g in groups]).exists()
    entries = new_entries(since)
    assert sorted(e.before["name"] for e in entries) == ["Nhóm A", "Nhóm B"]
    assert {e.action for e in entries} == {"group.admin_delete"}
