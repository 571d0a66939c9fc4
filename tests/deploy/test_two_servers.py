"""Two app servers, one database, one object storage: a signing that goes through both.

The deployment of docs/deploy.md in miniature: moto's standalone S3 server on a loopback port,
two gunicorn app servers (production settings, STORAGE_BACKEND=s3, no MEDIA_ROOT, each started
in its own empty working folder) on the test database. Each chair logs in on one server and
signs on the other; the last signature seals the agreement inside its request (tasks run
immediately), so one server writes the sealed file to the bucket and the other serves it.
"""

import base64
import hashlib
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.urls import reverse

from agreements.signing.models import Seal, Signature
from demo.foundation import DEMO_PASSWORD
from tests.agreements.signing.support import MEMBERS, adopt_agreement, drawn_png
from tests.perf.support import database_url

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
BUCKET = "thidua-media"
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}
SECRET_KEY = "two-servers-share-this-secret"
DATABASE_CACHE = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "thidua_cache",
    }
}
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url, process, seconds=45):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url}: the process ended ({process.returncode})")
        try:
            requests.get(url, timeout=2)
            return
        except requests.ConnectionError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {seconds} s")


def stop(process):
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def s3(tmp_path):
    """moto's standalone S3 server with an empty private bucket."""
    import boto3

    port = free_port()
    log = (tmp_path / "moto.log").open("wb")
    process = subprocess.Popen(
        [str(BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(endpoint, process)
        client = boto3.client(
            "s3",
            endpoint_url=endpoint,
            region_name="us-east-1",
            aws_access_key_id=CREDENTIALS["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        )
        client.create_bucket(Bucket=BUCKET)
        yield endpoint, client
    finally:
        stop(process)
        log.close()


@pytest.fixture
def servers(s3, tmp_path, transactional_db):
    """Two gunicorn app servers, each in its own working folder, sharing database and bucket."""
    endpoint, _client = s3
    with override_settings(CACHES=DATABASE_CACHE):
        call_command("createcachetable", verbosity=0)
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("MEDIA_ROOT", "DJANGO_SETTINGS_MODULE")
    }
    env.update(
        CREDENTIALS,
        DATABASE_URL=database_url(),
        DEBUG="0",
        SECRET_KEY=SECRET_KEY,
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_COOKIES="0",
        SECURE_SSL_REDIRECT="0",
        STATIC_MANIFEST="0",
        STORAGE_BACKEND="s3",
        CACHE_BACKEND="database",
        AWS_STORAGE_BUCKET_NAME=BUCKET,
        AWS_S3_ENDPOINT_URL=endpoint,
        AWS_S3_REGION_NAME="us-east-1",
        TASKS_BACKEND="django.tasks.backends.immediate.ImmediateBackend",
        PYTHONPATH=str(ROOT),
        GUNICORN_WORKERS="1",
        GUNICORN_ACCESS_LOG="",
        GUNICORN_GRACEFUL_TIMEOUT="3",
        LOG_LEVEL="WARNING",
    )
    started = []
    try:
        for name in ("a", "b"):
            folder = tmp_path / f"server-{name}"
            folder.mkdir()
            port = free_port()
            log = (tmp_path / f"server-{name}.log").open("wb")
            process = subprocess.Popen(
                [
                    str(BIN / "gunicorn"),
                    "-c",
                    str(ROOT / "deploy" / "gunicorn.conf.py"),
                    "--chdir",
                    str(folder),
                    "config.wsgi",
                ],
                cwd=folder,
                env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}"},
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            started.append((f"http://127.0.0.1:{port}", process, log, folder))
        for url, process, _log, _folder in started:
            wait_until_up(url + "/accounts/login/", process)
        yield [(url, folder) for url, _p, _l, folder in started]
    finally:
        for _url, process, log, _folder in started:
            stop(process)
            log.close()


def log_in(browser, server, username):
    page = browser.get(f"{server}/accounts/login/")
    token = TOKEN.search(page.text).group(1)
    response = browser.post(
        f"{server}/accounts/login/",
        data={"username": username, "password": DEMO_PASSWORD, "csrfmiddlewaretoken": token},
        allow_redirects=False,
    )
    assert response.status_code == 302, f"log-in of {username} on {server} refused"


def sign(browser, server, agreement, unit):
    url = server + reverse("agreements:sign", args=[agreement.pk])
    form = browser.get(url)
    assert form.status_code == 200
    image = "data:image/png;base64," + base64.b64encode(drawn_png(unit.pk)).decode()
    response = browser.post(
        url,
        data={
            "csrfmiddlewaretoken": TOKEN.search(form.text).group(1),
            "unit": unit.pk,
            "method": "drawn",
            "image": image,
            "content_hash": agreement.content_hash,
            "password": DEMO_PASSWORD,
            "confirm": "on",
        },
        allow_redirects=False,
    )
    assert response.status_code == 302, response.text[-2000:]


@pytest.mark.django_db(transaction=True)
def test_a_signing_through_two_app_servers_sealed_by_one_served_by_the_other(world, servers, s3):
    (server_a, folder_a), (server_b, folder_b) = servers
    _endpoint, bucket = s3
    agreement = adopt_agreement(world)
    # The servers check passwords with the production hashers: a PBKDF2 hash (few rounds).
    hashed = PBKDF2PasswordHasher().encode(DEMO_PASSWORD, "twoservers", iterations=1000)
    type(world.user("dongda")).objects.filter(username__in=[*MEMBERS, "bantt"]).update(
        password=hashed
    )

    for index, username in enumerate(MEMBERS):
        browser = requests.Session()
        first, second = (server_a, server_b) if index % 2 == 0 else (server_b, server_a)
        log_in(browser, first, username)  # the session is in the database: good on both
        sign(browser, second, agreement, world.unit(username))
        last_server, other_server = second, first

    assert Signature.objects.filter(agreement=agreement, void=False).count() == len(MEMBERS)
    seal = Seal.objects.get(agreement=agreement)
    assert seal.status == Seal.Status.SEALED  # sealed inside the last signature's request
    stored = bucket.get_object(Bucket=BUCKET, Key=seal.file.name)["Body"].read()
    assert hashlib.sha256(stored).hexdigest() == seal.sha256
    assert not (ROOT / "media" / seal.file.name).exists()  # nothing on a local disk
    assert not any(folder_a.iterdir()) and not any(folder_b.iterdir())

    reader = requests.Session()
    log_in(reader, other_server, "bantt")
    pdf_url = other_server + reverse("agreements:sealed_pdf", args=[agreement.pk])
    response = reader.get(pdf_url)
    assert last_server != other_server
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert hashlib.sha256(response.content).hexdigest() == seal.sha256

    # The public check of the sealed file on the first server counts in the shared cache.
    verify = requests.Session()
    form = verify.get(f"{last_server}/verify/")
    checked = verify.post(
        f"{last_server}/verify/",
        data={"csrfmiddlewaretoken": TOKEN.search(form.text).group(1)},
        files={"file": ("sealed.pdf", response.content, "application/pdf")},
    )
    assert checked.status_code == 200
    with connection.cursor() as cursor:
        cursor.execute("SELECT cache_key FROM thidua_cache")
        assert any("verify-upload" in key for (key,) in cursor.fetchall())


def test_an_unknown_storage_backend_is_refused():
    result = subprocess.run(
        [sys.executable, "-c", "import config.settings"],
        cwd=ROOT,
        env={**os.environ, "STORAGE_BACKEND": "ftp", "SECRET_KEY": "x"},
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "STORAGE_BACKEND='ftp'" in result.stderr


def test_s3_storage_needs_its_bucket():
    result = subprocess.run(
        [sys.executable, "-c", "import config.settings"],
        cwd=ROOT,
        env={**os.environ, "STORAGE_BACKEND": "s3", "SECRET_KEY": "x"},
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "AWS_STORAGE_BUCKET_NAME is required" in result.stderr
