"""Backup and restore of one cluster year: same files by SHA-256, same pages once restored."""

import hashlib
import io
import json
import re
import zipfile

import pytest
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse

from agreements.signing.models import Seal
from clusters.models import ClusterYear, Unit
from config import backup

pytestmark = pytest.mark.django_db

VOLATILE = [
    (re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"'), 'name="csrfmiddlewaretoken"'),
    (re.compile(r'"X-CSRFToken": ?"[^"]*"'), '"X-CSRFToken"'),
    (re.compile(r'nonce="[^"]*"'), "nonce"),
]


def page_text(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    text = response.content.decode()
    for pattern, replacement in VOLATILE:
        text = pattern.sub(replacement, text)
    return text


def pages(world):
    """The cluster year's pages: the year, the agreement, its signing, results and awards."""
    agreement, period = world.agreement, world.period
    return [
        reverse("clusters:cluster_year", args=[world.cluster_year.pk]),
        reverse("agreements:cluster_year_agreements", args=[world.cluster_year.pk]),
        reverse("agreements:detail", args=[agreement.pk]),
        reverse("agreements:signing", args=[agreement.pk]),
        reverse("agreements:verify_code", args=[world.seal.verification_code]),
        reverse("results:cluster_year_results", args=[world.cluster_year.pk]),
        reverse("results:period", args=[period.pk]),
        reverse("awards:award_overview", args=[world.cluster_year.pk]),
        reverse("awards:proposal", args=[world.proposal.pk]),
    ]


def read_pages(world, usernames):
    texts = {}
    for username in usernames:
        client = Client()
        client.force_login(get_user_model().objects.get(username=username))
        for url in pages(world):
            texts[(username, url)] = page_text(client, url)
    return texts


def stored_sums(names):
    sums = {}
    for name in names:
        with default_storage.open(name, "rb") as handle:
            sums[name] = hashlib.sha256(handle.read()).hexdigest()
    return sums


def empty_the_database():
    """Truncate every table (inside the test's transaction: rolled back afterwards)."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # TRUNCATE refuses pending checks
    call_command("flush", interactive=False, verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    ContentType.objects.clear_cache()
    assert not ClusterYear.objects.exists() and not Unit.objects.exists()


def test_a_restored_cluster_year_has_the_same_files_and_pages(trust_world, settings, tmp_path):
    world = trust_world
    readers = ["canbo.dongda", "bantt"]
    before = read_pages(world, readers)
    data = backup.backup(world.cluster_year)
    manifest, members = backup.read_archive(data)
    files = [name.removeprefix("files/") for name in members if name.startswith("files/")]
    sums_before = stored_sums(files)
    seal_name = Seal.objects.get(agreement=world.agreement).file.name
    assert seal_name in files and world.plan.file.name in files
    assert len(files) >= 10  # plan, scans, evidence, seal, minutes, decision, documents
    counts = manifest["counts"]
    for label in ("clusters.clusteryear", "agreements.signature", "results.assessment"):
        assert counts[label] >= 1, label
    assert counts["core.auditentry"] > 50

    empty_the_database()
    settings.MEDIA_ROOT = tmp_path / "empty-media"
    backup.restore(data)

    assert stored_sums(files) == sums_before
    assert stored_sums(files) == {n: manifest["sha256"]["files/" + n] for n in files}
    after = read_pages(world, readers)
    for key, text in before.items():
        assert after[key] == text, f"{key} differs after the restore"


def test_passwords_are_not_in_the_archive_and_restored_accounts_must_reset(
    trust_world, settings, tmp_path
):
    data = backup.backup(trust_world.cluster_year)
    _manifest, members = backup.read_archive(data)
    rows = json.loads(members["data.json"])
    users = [row for row in rows if row["model"] == "auth.user"]
    assert {u["fields"]["username"] for u in users} >= {"dongda", "badinh", "bantt"}
    assert all(u["fields"]["password"] == "!" for u in users)
    assert b"md5$" not in members["data.json"] and b"pbkdf2" not in members["data.json"]

    empty_the_database()
    settings.MEDIA_ROOT = tmp_path / "empty-media"
    backup.restore(data)
    restored = get_user_model().objects.get(username="dongda")
    assert not restored.has_usable_password()


def test_a_damaged_archive_is_refused_before_anything_is_written(trust_world):
    data = backup.backup(trust_world.cluster_year)
    archive = zipfile.ZipFile(io.BytesIO(data))
    damaged = io.BytesIO()
    with zipfile.ZipFile(damaged, "w") as out:
        for info in archive.infolist():
            content = archive.read(info.filename)
            if info.filename.endswith(".pdf"):
                content = content.replace(b"%%EOF", b"%%EOX", 1)
            out.writestr(info.filename, content)
    empty_the_database()
    with pytest.raises(backup.BackupError, match="SHA-256"):
        backup.restore(damaged.getvalue())
    assert not ClusterYear.objects.exists()
    with pytest.raises(backup.BackupError):
        backup.restore(b"not a zip")


def test_restoring_over_an_existing_cluster_year_is_refused(trust_world):
    data = backup.backup(trust_world.cluster_year)
    with pytest.raises(backup.BackupError, match="already exists"):
        backup.restore(data)


def test_the_commands_write_and_check_an_archive(trust_world, tmp_path):
    path = tmp_path / "cum-1-2020.zip"
    out = io.StringIO()
    call_command(
        "backup_cluster_year", str(trust_world.cluster_year.pk), "-o", str(path), stdout=out
    )
    assert "rows" in out.getvalue() and path.is_file()
    out = io.StringIO()
    call_command("restore_cluster_year", str(path), "--check", stdout=out)
    assert "2020: " in out.getvalue() and "checked" in out.getvalue()
