"""Before the year starts: every main list, empty, says what to do; 403, 404 and 500 pages
come in the site's layout and in the reader's language.

Server-rendered pages, read through Django's test client (no browser needed to read them).
"""

import pytest
from django.contrib.auth import get_user_model
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from config.views import error_500
from tests.e2e.test_year_story import register_only

LANGUAGES = ("vi", "en")


def read(client, username, path, language):
    client.logout()
    if username:
        client.force_login(get_user_model().objects.get(username=username))
    client.cookies["django_language"] = language
    response = client.get(path)
    return response, response.content.decode()


def says(html, language, *messages):
    """Whether the page holds each message, as translated into the language."""
    with translation.override(language):
        return all(gettext(message) in html for message in messages)


@pytest.fixture
def empty_year(db):
    """The register (units, people, accounts) with no cluster, plan, agreement or review."""
    return register_only()


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_main_list_says_what_to_do_when_empty(client, empty_year, language):
    parent = empty_year.parent
    expectations = [
        # (who, page, what it must say, what it must offer: addresses of the way forward)
        (
            "bantt",
            reverse("dashboard"),
            ["Nothing to do right now."],
            [reverse("clusters:cluster_year_list"), reverse("clusters:plan_list")],
        ),
        (
            "dongda",
            reverse("dashboard"),
            ["Nothing to do right now."],
            [],
        ),
        (
            "bantt",
            reverse("clusters:cluster_year_list"),
            ["No clusters to show yet."],
            [reverse("clusters:cluster_create"), reverse("clusters:cluster_year_create")],
        ),
        (
            "bantt",
            reverse("clusters:plan_list"),
            ["No plans yet."],
            [reverse("clusters:plan_create")],
        ),
        (
            "bantt",
            reverse("agreements:templates"),
            ["No templates yet."],
            [reverse("agreements:template_start")],
        ),
        (
            "bantt",
            reverse("awards:catalogue", args=[parent.pk, 2020]),
            ["No award in the catalogue for this year."],
            [reverse("awards:award_type_add", args=[parent.pk, 2020])],
        ),
        (
            "dongda",
            reverse("results:practices"),
            [
                "No practice has been shared yet. A member unit shares its models and good "
                "practices here during its cluster year; parent staff and the cluster head may "
                "then feature the best ones."
            ],
            [],
        ),
    ]
    failures = []
    for username, path, messages, ways in expectations:
        response, html = read(client, username, path, language)
        assert response.status_code == 200, (path, response.status_code)
        assert f'<html lang="{language}">' in html, path
        if not says(html, language, *messages):
            failures.append(f"{username} {path}: does not say {messages}")
        failures += [f"{username} {path}: no way to {way}" for way in ways if way not in html]
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_new_cluster_year_says_what_comes_first(client, empty_year, language):
    from clusters import services
    from clusters.models import Cluster, Membership

    staff = empty_year.user("bantt")
    cluster = services.cluster_create(
        actor=staff,
        parent=empty_year.parent,
        name="Cụm thi đua số 1",
        kind=Cluster.Kind.CLUSTER,
        header_lines="ỦY BAN MTTQ VIỆT NAM\nTHÀNH PHỐ HÀ NỘI\nCỤM THI ĐUA SỐ 1",
    )
    year = services.cluster_year_create(actor=staff, cluster=cluster, year=2020)
    services.membership_add(
        actor=staff, cluster_year=year, unit=empty_year.unit("dongda"), role=Membership.Role.HEAD
    )
    services.cluster_year_start(actor=staff, cluster_year=year)

    response, html = read(
        client,
        "canbo.dongda",
        reverse("agreements:cluster_year_agreements", args=[year.pk]),
        language,
    )
    assert response.status_code == 200
    assert says(html, language, "No agreement has been drafted for this year yet.")
    assert reverse("agreements:start", args=[year.pk]) in html

    response, html = read(
        client, "canbo.dongda", reverse("results:cluster_year_results", args=[year.pk]), language
    )
    assert response.status_code == 200
    assert says(html, language, "No review has been opened yet.")


@pytest.mark.parametrize("language", LANGUAGES)
def test_error_pages_in_the_layout_and_the_language(client, empty_year, language):
    hanoi_year = empty_year.other_cluster_year  # Hải Phòng's: Đống Đa's chair is an outsider
    pages = [
        ("dongda", reverse("clusters:cluster_year", args=[hanoi_year.pk]), 404, "Page not found"),
        ("dongda", "/khong-co-trang-nay/", 404, "Page not found"),
        (None, "/khong-co-trang-nay/", 404, "Page not found"),
        ("xem", reverse("clusters:cluster_year_create"), 403, "You are not allowed to do this"),
    ]
    for username, path, status, title in pages:
        response, html = read(client, username, path, language)
        assert response.status_code == status, (username, path)
        assert f'<html lang="{language}">' in html
        assert 'id="main"' in html and "<footer" in html and "navbar" in html  # the layout
        assert says(html, language, title), (path, title)
        assert reverse("dashboard") in html  # a way back

    with translation.override(language):
        response = error_500(RequestFactory().get("/"))
    html = response.content.decode()
    assert response.status_code == 500
    assert f'<html lang="{language}">' in html and "navbar" in html and "<main" in html
    assert says(html, language, "Something went wrong on our side")
