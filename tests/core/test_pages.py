"""The dashboard "Việc cần làm" and the error pages, in the site layout and the active language."""

import pytest
from django.test import Client
from django.urls import reverse

from clusters import services
from config.views import group_tasks
from core.dashboard import Task

pytestmark = pytest.mark.django_db


def template_names(response):
    return [t.name for t in response.templates]


# --- dashboard ------------------------------------------------------------------------------


def test_tasks_are_grouped_by_kind_most_urgent_first():
    tasks = [
        Task(title="a", url="/a", kind="info"),
        Task(title="b", url="/b", kind="action"),
        Task(title="c", url="/c", kind="warning"),
        Task(title="d", url="/d", kind="action"),
        Task(title="e", url="/e", kind="something-new"),
    ]
    groups = group_tasks(tasks)
    assert [kind for kind, _label, _tasks in groups] == ["warning", "action", "info"]
    assert [t.title for t in groups[1][2]] == ["b", "d"]
    assert [t.title for t in groups[2][2]] == ["a", "e"]  # unknown kinds count as information


def test_empty_groups_are_left_out():
    assert group_tasks([]) == []
    assert [kind for kind, *_ in group_tasks([Task(title="x", url="/x")])] == ["info"]


def test_dashboard_explains_when_there_is_nothing_to_do(client_for, world):
    response = client_for(world.user("dongda")).get(reverse("dashboard"))
    assert response.status_code == 200
    assert response.context["task_groups"] == []
    assert 'role="status"' in response.content.decode()
    assert response.context["is_parent_staff"] is False


def test_dashboard_lists_the_cluster_year_parent_staff_must_prepare(client_for, world):
    cluster_year = services.cluster_year_create(
        actor=world.user("bantt"), cluster=world.cluster, year=2021
    )
    response = client_for(world.user("bantt")).get(reverse("dashboard"))
    assert response.status_code == 200
    groups = {kind: tasks for kind, _label, tasks in response.context["task_groups"]}
    urls = [task.url for task in groups["action"]]
    assert reverse("clusters:cluster_year", args=[cluster_year.pk]) in urls
    assert reverse("clusters:cluster_year", args=[cluster_year.pk]) in response.content.decode()
    assert response.context["is_parent_staff"] is True
    assert reverse("accounts:list") in response.content.decode()


def test_dashboard_does_not_show_other_parents_work(client_for, world):
    cluster_year = services.cluster_year_create(
        actor=world.user("bantt"), cluster=world.cluster, year=2021
    )
    response = client_for(world.user("ngoai")).get(reverse("dashboard"))
    assert response.status_code == 200
    url = reverse("clusters:cluster_year", args=[cluster_year.pk])
    urls = [task.url for _kind, _label, tasks in response.context["task_groups"] for task in tasks]
    assert url not in urls
    assert url not in response.content.decode()


def test_dashboard_needs_a_login(client):
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


# --- error pages ----------------------------------------------------------------------------


def test_404_uses_the_site_layout_in_the_default_language(client_for, world, settings):
    assert settings.DEBUG is False
    response = client_for(world.user("dongda")).get("/khong-co-trang-nay/")
    assert response.status_code == 404
    assert "errors/404.html" in template_names(response)
    assert "base.html" in template_names(response)
    content = response.content.decode()
    assert '<html lang="vi">' in content
    assert reverse("dashboard") in content


def test_404_follows_the_language_switch(client_for, world, settings):
    client = client_for(world.user("dongda"))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    assert '<html lang="en">' in response.content.decode()
    assert "Page not found" in response.content.decode()


def test_404_for_an_anonymous_visitor(client):
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    assert "errors/404.html" in template_names(response)


def test_403_uses_the_site_layout(client_for, world):
    response = client_for(world.user("xem")).get(reverse("accounts:list"))
    assert response.status_code == 403
    assert "errors/403.html" in template_names(response)
    assert "base.html" in template_names(response)


def test_403_and_500_through_the_handlers(world, settings):
    settings.ROOT_URLCONF = "tests.core.urls_errors"
    client = Client(raise_request_exception=False)
    client.force_login(world.user("dongda"))
    assert client.get("/test-errors/forbidden/").status_code == 403
    response = client.get("/test-errors/boom/")
    assert response.status_code == 500
    content = response.content.decode()
    assert '<html lang="vi">' in content
    assert "bootstrap.min.css" in content
    assert "a bug on purpose" not in content


def test_500_page_is_in_the_active_language(world, settings):
    settings.ROOT_URLCONF = "tests.core.urls_errors"
    client = Client(raise_request_exception=False)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get("/test-errors/boom/")
    assert response.status_code == 500
    assert '<html lang="en">' in response.content.decode()
    assert "Something went wrong on our side" in response.content.decode()


def test_a_refused_form_gets_the_sites_page_in_the_readers_language(client, world, settings):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": "dongda", "password": "x"})
    assert response.status_code == 403
    assert "errors/403_csrf.html" in template_names(response)
    content = response.content.decode()
    assert '<html lang="vi">' in content
    assert "Biểu mẫu đã hết hạn" in content
    assert "CSRF verification failed" not in content
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(reverse("login"), {"username": "dongda", "password": "x"})
    assert response.status_code == 403
    assert '<html lang="en">' in response.content.decode()
    assert "The form has expired" in response.content.decode()
