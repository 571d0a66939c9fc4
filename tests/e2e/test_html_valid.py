"""Valid HTML: every main page, in both languages, passes the Nu HTML Checker (vnu-jar, npm).

The pages are fetched as the server sends them (not the browser's DOM) and checked in ONE
run of vnu: the Java virtual machine takes seconds to start.
"""

import json
import shutil
import subprocess
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from config.views import error_500
from tests.e2e.test_accessibility import LANGUAGES, main_pages

VNU = Path(settings.BASE_DIR) / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def vnu(paths):
    """Check the files with vnu; return its messages, each with the file's name."""
    java = shutil.which("java")
    assert java, "a Java runtime is needed for vnu (make setup installs one)"
    run = subprocess.run(
        [java, "-jar", str(VNU), "--format", "json", "--exit-zero-always", *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    return json.loads(run.stderr or run.stdout)["messages"]


def errors_of(messages):
    return [
        f"{Path(m.get('url', '')).name}:{m.get('lastLine')}: {m['message']}"
        f" [{m.get('extract', '').strip()[:120]}]"
        for m in messages
        if m["type"] == "error" or m.get("subType") == "fatal"
    ]


def test_vnu_reports_an_error_in_a_broken_page(tmp_path):
    """The checker really runs: a section closed by a div is an error."""
    page = tmp_path / "broken.html"
    page.write_text(
        '<!doctype html><html lang="vi"><head><title>x</title></head>'
        "<body><main><section><p>x</p></div></main></body></html>",
        encoding="utf-8",
    )
    assert errors_of(vnu([page]))


def test_every_main_page_is_valid_html(client, live_stage, tmp_path):
    world = live_stage("decided")
    pages = [
        *main_pages(world),
        (
            "ngoai",
            "404 for an outsider",
            reverse("clusters:cluster_year", args=[world.cluster_year.pk]),
        ),
        ("xem", "403 for a viewer", reverse("clusters:cluster_year_create")),
        ("dongda", "404 of an unknown address", "/khong-co-trang-nay/"),
    ]
    # Fresh rows: the world's users were given the tests' password hash after it was built.
    users = {user.username: user for user in get_user_model().objects.all()}
    files = []
    for language in LANGUAGES:
        client.cookies["django_language"] = language
        current = object()
        for username, what, path in pages:
            if username != current:
                client.logout()
                if username is not None:
                    client.force_login(users[username])
                client.cookies["django_language"] = language
                current = username
            response = client.get(path)
            expected = int(what[:3]) if what[:3] in ("403", "404") else 200
            assert response.status_code == expected, (what, response.status_code)
            assert response["Content-Type"].startswith("text/html"), what
            name = f"{language}-{len(files):02d}-{what.replace(' ', '-')}.html"
            files.append(tmp_path / name)
            files[-1].write_bytes(response.content)
        # The 500 page renders without a request context (the failure may be anywhere).
        with translation.override(language):
            response = error_500(RequestFactory().get("/"))
        assert response.status_code == 500
        files.append(tmp_path / f"{language}-{len(files):02d}-500.html")
        files[-1].write_bytes(response.content)
    errors = errors_of(vnu(files))
    assert not errors, "\n".join(errors)
