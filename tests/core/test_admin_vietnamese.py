"""The admin speaks Vietnamese to its administrators: a crawl of every page as the superuser."""

import re
from html.parser import HTMLParser

import pytest
from django.contrib import admin
from django.urls import reverse

pytestmark = pytest.mark.django_db


class _Text(HTMLParser):
    """The text a reader sees: visible text, options, titles, placeholders and labels."""

    def __init__(self):
        super().__init__()
        self.parts, self._skip = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        for name, value in attrs:
            if name in ("title", "placeholder", "aria-label", "alt") and value:
                self.parts.append(value)
            is_button = dict(attrs).get("type") in ("submit", "button")
            if tag == "input" and name == "value" and is_button:
                self.parts.append(value or "")

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.parts.append(" ".join(data.split()))


def visible_text(html):
    parser = _Text()
    parser.feed(html)
    return parser.parts


def admin_pages():
    yield reverse("admin:index")
    for model in admin.site._registry:
        name = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        yield reverse("admin:app_list", args=[model._meta.app_label])
        yield reverse(f"{name}_changelist")
        yield reverse(f"{name}_add")
        obj = model._default_manager.first()
        if obj is not None:
            yield reverse(f"{name}_change", args=[obj.pk])


# What the crawl found in English before (third-party apps, newer Django admin strings,
# permission names, the Western split of names): none of it may come back.
ENGLISH = [
    "Show counts",
    "Hide counts",
    "Filter by",
    "Axes",
    "Otp_Totp",
    "TOTP device",
    "Task Result",
    "Tasks Database Backend",
    "access attempt",
    "Access attempt",
    "access failure",
    "Access failure",
    "access log",
    "Access log",
    "Can add",
    "Can change",
    "Can delete",
    "Can view",
    "Welcome,",
    "Django site admin",
    "Django administration",
    "First name",
    "Last name",
    "Identity",
    "Timestamps",
    "Configuration",
    "Throttling",
    "Attempt Time",
    "IP Address",
    "Logout Time",
    "User Agent",
    "Meta Data",
    "Form Data",
    "Failed Logins",
    "Skip to main content",
    "Toggle theme",
    "Password-based authentication",
    "Raw passwords",
    "The user that this device",
    "A hex-encoded secret",
    "Pagination",
    "Select all objects",
    "Select this object",
    "Model name",
    "Add link",
    "Filter navigation",
    "Sidebar",
    "Breadcrumbs",
    "Reset password",
    "Successful",
    "Running",
    "Ready",
    "enqueued at",
    "QR Code",
    "Personal info",
    "Reference",
    "Search",
    "Core",
    "Important dates",
]


def test_every_admin_page_is_in_vietnamese_for_the_superuser(client_for, world):
    from django.contrib.auth.models import Permission

    client = client_for(world.admin)
    # A permission of every kind on the administrator, so that the user page lists them chosen.
    world.admin.user_permissions.set(Permission.objects.all())
    found = {}
    pages = list(dict.fromkeys(admin_pages()))
    assert len(pages) > 100
    for path in pages:
        response = client.get(path)
        assert response.status_code in (200, 403), path  # 403: records nobody adds by hand
        if response.status_code != 200:
            continue
        assert '<html lang="vi"' in response.text, path
        for part in visible_text(response.text):
            for english in ENGLISH:
                if re.search(rf"\b{re.escape(english)}\b", part):
                    found.setdefault(english, (path, part))
    assert not found, found


def test_the_greeting_and_the_user_list_give_the_full_name(client_for, world):
    client = client_for(world.admin)
    page = client.get(reverse("admin:index"))
    assert "Chào mừng bạn, <strong>Quản trị Hệ thống</strong>" in page.text
    assert "Quản trị Thi đua" in page.text
    users = client.get(reverse("admin:auth_user_changelist"))
    assert "Họ và tên" in users.text
    assert "Phạm Văn D" in users.text  # Hoàn Kiếm's chair, whole
    assert "Phạm Văn</td>" not in users.text


def test_the_full_name_is_edited_in_one_field_and_audited(client_for, world):
    from core.models import AuditEntry

    client = client_for(world.admin)
    user = world.user("hoankiem")
    url = reverse("admin:auth_user_change", args=[user.pk])
    page = client.get(url)
    assert 'name="full_name"' in page.text and 'value="Phạm Văn D"' in page.text
    assert 'name="first_name"' not in page.text
    response = client.post(
        url,
        {
            "username": user.username,
            "full_name": "  Phạm  Văn Đức ",
            "email": user.email,
            "is_active": "on",
            "date_joined_0": "2020-01-01",
            "date_joined_1": "08:00:00",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    user.refresh_from_db()
    assert user.get_full_name() == "Phạm Văn Đức"
    entry = AuditEntry.objects.filter(action="account.admin_update").latest("at")
    assert entry.after == {"last_name": "Đức"}


def test_permissions_are_named_in_vietnamese(client_for, world):
    client = client_for(world.admin)
    page = client.get(reverse("admin:auth_group_add"))
    assert "Có thể thêm cụm thi đua" in page.text
    assert "Chống dò mật khẩu | lần thử đăng nhập | Có thể xem lần thử đăng nhập" in page.text


def test_the_yes_and_no_icons_say_so_in_vietnamese(client_for, world):
    """Django's alt="True"/"False" would be read out in English by a screen reader."""
    client = client_for(world.admin)
    users = client.get(reverse("admin:auth_user_changelist")).text
    alts = set(re.findall(r'<img src="[^"]*icon-(?:yes|no|unknown)\.svg" alt="([^"]*)"', users))
    assert alts and alts <= {"Có", "Không", "Chưa xác định"}, alts
    assert 'alt="True"' not in users and 'alt="False"' not in users
