"""Backups that lose nothing (issue 14): after backup_cluster_year → restore_cluster_year every row
of every model of the year is back, field by field (times to the microsecond), with the viewer
grants and the audit entries of rows deleted before the backup; and a restore refuses an archive
whose signed manifest does not verify."""

import io
import json
import zipfile
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command

from awards.models import AwardType
from awards.services import proposals
from clusters.models import ClusterYear
from config import backup
from core.models import AuditEntry
from tests.trust.test_backup_restore import empty_the_database

pytestmark = pytest.mark.django_db
# What a backup deliberately leaves out of a user account (docs: no credentials in a backup).
NOT_KEPT = {"auth.user": {"password", "last_login"}}


def row_values(obj):
    """Every stored field of a row; content types by name (their ids differ between databases)."""
    values = {}
    for field in obj._meta.concrete_fields:
        if field.name in NOT_KEPT.get(obj._meta.label_lower, ()):
            continue
        value = getattr(obj, field.attname)
        if field.is_relation and field.related_model is ContentType and value is not None:
            value = ContentType.objects.get_for_id(value).natural_key()
        values[field.attname] = value
    for field in obj._meta.many_to_many:
        if obj._meta.label_lower == "auth.user":
            continue
        values[field.name] = sorted(getattr(obj, field.name).values_list("pk", flat=True))
    return values


def every_row(found):
    return {key: row_values(obj) for key, obj in found.items()}


def award_removed(world, year, name):
    award = proposals.award_type_create(
        actor=world.user("bantt"),
        parent=world.parent,
        year=year,
        order=9,
        form=AwardType.Form.MERIT,
        name=name,
        issuer="Ủy ban MTTQ Việt Nam thành phố Hà Nội",
        recipient=AwardType.Recipient.COLLECTIVE,
        rank_one_only=False,
        min_rating="",
        vote_purpose="",
        quota_kind=AwardType.Quota.NUMBER,
        quota_value=Decimal("1"),
    )
    pk = award.pk
    proposals.award_type_remove(actor=world.user("bantt"), award_type=award)
    return str(pk)


def test_every_row_of_the_year_comes_back_field_by_field(trust_world, settings, tmp_path):
    world = trust_world
    year = world.cluster_year.year
    removed = award_removed(world, year, "Bằng khen đã bỏ khỏi danh mục")
    other_year = award_removed(world, year + 5, "Bằng khen của năm khác")
    found = backup.collect(world.cluster_year)
    before = every_row(found)
    labels = {label for label, _pk in before}
    assert "clusters.viewergrant" in labels  # the viewer "xem" reads the parent body
    entries = [obj for (label, _pk), obj in found.items() if label == "core.auditentry"]
    assert {e.object_id for e in entries if e.action.startswith("award_type.")} >= {removed}
    assert other_year not in {e.object_id for e in entries if e.action.startswith("award_type.")}
    assert any(e.at.microsecond % 1000 for e in entries)  # times below the millisecond
    data = backup.backup(world.cluster_year)

    empty_the_database()
    settings.MEDIA_ROOT = tmp_path / "empty-media"
    backup.restore(data)

    differences = []
    for (label, pk), values in before.items():
        model = type(found[(label, pk)])
        restored = model._base_manager.filter(pk=pk).first()
        if restored is None:
            differences.append((label, pk, "missing"))
            continue
        after = row_values(restored)
        for name, value in values.items():
            if after[name] != value:
                differences.append((label, pk, name, value, after[name]))
    assert differences == [], differences[:10]
    assert len(before) > 500
    restored_user = get_user_model().objects.get(username="dongda")
    assert not restored_user.has_usable_password()


def rewritten(data, change):
    """The archive's members passed through `change(name, content) -> content or None`."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in archive.infolist():
            content = change(info.filename, archive.read(info.filename))
            if content is not None:
                target.writestr(info.filename, content)
    return out.getvalue()


def test_an_archive_whose_signed_manifest_does_not_verify_is_refused(trust_world, settings):
    data = backup.backup(trust_world.cluster_year)
    manifest, members = backup.read_archive(data)

    # Somebody without the key changes the data and writes a manifest with the new sums.
    rows = json.loads(members["data.json"])
    for row in rows:
        if row["model"] == "clusters.unit":
            row["fields"]["name"] = "Đơn vị giả mạo"
    forged_data = json.dumps(rows, ensure_ascii=False).encode()
    forged_manifest = dict(manifest, sha256=dict(manifest["sha256"]))
    forged_manifest["sha256"]["data.json"] = backup._sha256(forged_data)

    def forge(name, content):
        if name == "data.json":
            return forged_data
        if name == "manifest.json":
            return json.dumps(forged_manifest).encode()
        return content

    empty_the_database()
    for label, archive, message in [
        ("forged", rewritten(data, forge), "signature does not verify"),
        (
            "unsigned",
            rewritten(data, lambda n, c: None if n == "manifest.sig" else c),
            "not signed",
        ),
    ]:
        with pytest.raises(backup.BackupError, match=message):
            backup.restore(archive)
        assert not ClusterYear.objects.exists(), label
    settings.BACKUP_KEY = "another key"
    with pytest.raises(backup.BackupError, match="another\\s+BACKUP_KEY"):
        backup.restore(data)
    assert not ClusterYear.objects.exists()
    assert not AuditEntry.objects.exists()


def test_without_a_backup_key_nothing_is_written_nor_restored(trust_world, settings, tmp_path):
    data = backup.backup(trust_world.cluster_year)
    path = tmp_path / "cum.zip"
    path.write_bytes(data)
    settings.BACKUP_KEY = ""
    with pytest.raises(backup.BackupError, match="BACKUP_KEY is not set"):
        backup.backup(trust_world.cluster_year)
    with pytest.raises(CommandError, match="BACKUP_KEY is not set"):
        call_command("restore_cluster_year", str(path), "--check")
