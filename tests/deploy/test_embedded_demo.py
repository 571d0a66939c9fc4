"""`make run` serves the demo from SQLite: its main pages answer there too, for every role.

The suite runs on PostgreSQL; `make run`'s embedded default is SQLite, which has no arrays and
writes dates as text. A separate process (the demo's own settings, DEBUG on as `make run`'s
set-up has it) migrates a fresh SQLite file, loads the fullest demo stage (the demo PKI of
the test session answers its digital signatures) and opens the main pages as each role.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PAGES = r"""
import json
import django
django.setup()
from django.contrib.auth import get_user_model
from django.test import Client
from agreements.models import Agreement
from results.models import Period
from clusters.models import ClusterYear

agreements = list(Agreement.objects.filter(kind="agreement").order_by("pk"))
urls = ["/", "/?year=2020", "/?year=2021", "/notifications/"]
urls += [f"/agreements/{a.pk}/" for a in agreements]
urls += [f"/agreements/{a.pk}/signing/" for a in agreements]
urls += [f"/results/{p.pk}/" for p in Period.objects.order_by("pk")]
urls += [f"/cluster-years/{cy.pk}/" for cy in ClusterYear.objects.order_by("pk")]
result = {}
roles = ["bantt", "xem", "dongda", "hoankiem", "badinh", "canbo.dongda", "vanthu.badinh"]
for name in [*roles, "admin"]:
    client = Client(HTTP_HOST="127.0.0.1", raise_request_exception=False)
    client.force_login(get_user_model().objects.get(username=name))
    result[name] = {url: client.get(url).status_code for url in urls}
    board = client.get("/").content.decode()
    result[name]["board"] = "Toàn cảnh năm" in board
print("RESULT" + json.dumps(result))
"""


def test_the_demo_on_sqlite_answers_every_main_page_for_every_role(tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "1",
        "SECRET_KEY": "embedded-demo-test",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    }
    manage = [sys.executable, "manage.py"]
    for args in (["migrate", "--no-input", "-v", "0"], ["seed_demo"]):
        done = subprocess.run([*manage, *args], cwd=ROOT, env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr[-3000:]
    done = subprocess.run(
        [sys.executable, "-c", PAGES], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.split("RESULT", 1)[1])
    failures = {
        name: {url: status for url, status in pages.items() if url != "board" and status >= 500}
        for name, pages in result.items()
    }
    assert not any(failures.values()), failures
    assert all(result[name]["/"] == 200 for name in result)
    assert result["bantt"]["board"], "the parent staff's year board is shown"
    assert not result["badinh"]["board"]
