"""What every logged-in page reads before its own work: the session, its user with the unread
count (core.sessions, core.auth), and the site's header rendered once per set of values
(core.templatetags.fragments)."""

import datetime
import re

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.db import connection
from django.template import engines
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.auth import UNREAD, UserBackend
from core.notifications.services import notify
from core.templatetags import fragments


@pytest.fixture
def member(world):
    return world.user("canbo.badinh")


@pytest.fixture
def staff(world):
    return world.user("bantt")


def _session(client):
    return Session.objects.get(session_key=client.cookies["sessionid"].value)


# --- sessions --------------------------------------------------------------------------------


def test_a_live_session_keeps_its_user_logged_in(world, client_for, member):
    client = client_for(member)
    page = client.get(reverse("dashboard"))
    assert page.status_code == 200
    assert page.context["user"] == member


def test_an_expired_session_is_not_read_and_the_visitor_is_sent_to_log_in(
    world, client_for, member
):
    client = client_for(member)
    session = _session(client)
    session.expire_date = timezone.now() - datetime.timedelta(seconds=1)
    session.save()
    page = client.get(reverse("dashboard"))
    assert page.status_code == 302
    assert page.url.startswith(reverse("login"))


def test_a_deleted_session_is_a_new_anonymous_one(world, client_for, member):
    client = client_for(member)
    _session(client).delete()
    page = client.get(reverse("dashboard"))
    assert page.status_code == 302 and page.url.startswith(reverse("login"))
    assert not Session.objects.filter(session_data__contains=str(member.pk)).exists()


def test_logging_out_ends_the_session_in_the_database(world, client_for, member):
    client = client_for(member)
    key = client.cookies["sessionid"].value
    client.post(reverse("logout"))
    assert not Session.objects.filter(session_key=key).exists()
    assert client.get(reverse("dashboard")).status_code == 302


# --- the session's user ----------------------------------------------------------------------


def test_the_users_unread_count_is_read_with_them_in_one_query(world, member):
    notify([member.pk], "Một", "/")
    notify([member.pk], "Hai", "/")
    with CaptureQueriesContext(connection) as queries:
        user = UserBackend().get_user(str(member.pk))
    assert user == member
    assert getattr(user, UNREAD) == 2
    assert len(queries) == 1


def test_an_inactive_or_unknown_or_malformed_user_id_is_nobody(world, member):
    backend = UserBackend()
    assert backend.get_user("not a number") is None
    assert backend.get_user(None) is None
    assert backend.get_user(str(10**30)) is None
    assert backend.get_user(999_999_999) is None
    member.is_active = False
    member.save()
    assert backend.get_user(member.pk) is None


def test_the_menu_shows_the_count_read_with_the_user_and_reads_no_more(world, client_for, member):
    client = client_for(member)
    client.get(reverse("notifications"))
    with CaptureQueriesContext(connection) as none_unread:
        client.get(reverse("calendar_settings"))
    assert not any("core_notification" in q["sql"] for q in none_unread.captured_queries[2:])
    notify([member.pk], "Một", "/")
    with CaptureQueriesContext(connection) as one_unread:
        page = client.get(reverse("calendar_settings"))
    assert len(one_unread) == len(none_unread)
    assert re.search(r'id="nav-notifications">[^<]+ <span class="badge[^"]*">1<', page.text)


def test_a_session_naming_a_user_that_no_longer_exists_is_logged_out(world, client_for, member):
    client = client_for(member)
    session = _session(client)
    data = session.get_decoded()
    data[SESSION_KEY] = "999999999"
    session.session_data = Session.objects.encode(data)
    session.save()
    assert client.get(reverse("dashboard")).status_code == 302


# --- the header, rendered once per set of values ---------------------------------------------


def _fresh_header(client, url):
    """The header as the template makes it now, without the memo."""
    fragments._render.cache_clear()
    return _header(client.get(url).text)


def _header(html):
    header = re.search(r"<header>.*</header>", html, re.S).group(0)
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "TOKEN", header)


def test_the_header_is_the_same_from_the_memo_as_rendered_afresh(world, client_for, staff):
    client = client_for(staff)
    url = reverse("dashboard")
    fresh = _fresh_header(client, url)
    hits = fragments._render.cache_info().hits
    again = client.get(url).text
    assert fragments._render.cache_info().hits == hits + 1
    assert _header(again) == fresh
    assert "Quản lý" in fresh  # the parent staff's menu
    assert "Các cụm" in fresh


def test_each_request_gets_its_own_token_and_path_in_the_header(world, client_for, member):
    client = client_for(member)
    client.get(reverse("dashboard"))
    page = client.get(reverse("clusters:unit_list") + "?q=\"><script>x</script>&p='1'")
    header = re.search(r"<header>.*</header>", page.text, re.S).group(0)
    assert "\x00" not in page.text
    assert "<script>x" not in header
    assert 'value="/units/?q=%22%3E%3Cscript%3Ex%3C/script%3E&amp;p=&#x27;1&#x27;"' in header
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', header).group(1)
    # The language form's token is the request's own: changing the language with it works.
    client.handler.enforce_csrf_checks = True
    changed = client.post(
        reverse("set_language"), {"language": "en", "next": "/", "csrfmiddlewaretoken": token}
    )
    assert changed.status_code == 302
    assert client.get(reverse("dashboard")).text.count("To do") >= 1


def test_the_header_follows_the_readers_roles_language_and_count(world, client_for, staff, member):
    staff_header = _header(client_for(staff).get(reverse("dashboard")).text)
    member_client = client_for(member)
    member_header = _header(member_client.get(reverse("dashboard")).text)
    assert "Quản lý" in staff_header and "Quản lý" not in member_header
    assert member.get_full_name() in member_header
    member_client.cookies["django_language"] = "en"
    english = _header(member_client.get(reverse("dashboard")).text)
    assert "To do" in english and "Việc cần làm" not in english
    notify([member.pk], "Một", "/")
    counted = _header(member_client.get(reverse("dashboard")).text)
    assert re.search(r'<span class="badge[^"]*">1<', counted)


def test_a_visitor_gets_the_header_without_menus(world, client):
    page = client.get(reverse("login"))
    header = re.search(r"<header>.*</header>", page.text, re.S).group(0)
    assert "nav-notifications" not in header and "Các cụm" not in header
    assert "language-switch" in header


def test_the_tag_renders_without_a_request(world):
    """A template rendered outside a request (no token, no path) gets empty slots."""
    template = engines["django"].from_string(
        '{% load fragments %}{% pure_include "includes/site_header.html" authenticated=False %}'
    )
    html = template.render({})
    assert "<header>" in html and "\x00" not in html
    assert 'name="next" type="hidden" value=""' in html


def test_changing_templates_in_settings_forgets_the_rendered_fragments(world, settings):
    fragments._render("includes/site_header.html", "vi", "/", "config.urls", ())
    assert fragments._render.cache_info().currsize >= 1
    settings.TEMPLATES = [*settings.TEMPLATES]
    assert fragments._render.cache_info().currsize == 0
