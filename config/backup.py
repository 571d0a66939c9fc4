"""Backup and restore of one cluster year as one archive (zip): data, files and a manifest.

What the archive holds:

- data.json: the rows of the cluster year and of everything that belongs to it (memberships,
  agreements with their sections, criteria, comments, revisions, conference, signatures and
  seal; reviews, sheets, scores, evidence, rankings, good practices; the meeting, its votes and
  minutes; the proposal file and the decision), the next year's cluster year and memberships
  that its election produced, the parent body's catalogue and rules of that year, the audit
  entries of all those rows, and every row they refer to (units and their levels and parents,
  the cluster, the plan, current positions and people of those units, document numbers, user
  accounts). Primary keys are kept, so addresses stay the same; content types are written by
  name (app label and model), as they differ between databases.
- files/<name>: every stored file those rows point at (plan PDF, evidence, scans, sealed PDF,
  documents), under its storage name.
- manifest.json: the format, the cluster year, the row count per model and the SHA-256 of
  data.json and of every file. A restore refuses an archive whose sums do not match.
- manifest.sig: the manifest's HMAC-SHA256 under BACKUP_KEY, a key kept outside the archives
  (the environment; the demo's is generated at set-up). A restore refuses an archive whose
  signature does not verify: nobody without the key can make an archive it accepts, or change
  one — the manifest holds the sums of everything else.

Every value is kept exactly: times with their microseconds (the rows are written by Django's
"python" serializer and encoded here, not by its JSON encoder, which cuts them to milliseconds).
The viewer grants on the units in the backup go with them, and so do the audit entries of rows
deleted since (an award of that year removed from the catalogue...): an entry of a row that no
longer exists belongs to the backup when that row's last recorded state pointed at a row of the
backup (and, for a row of a year, was of that year).

User accounts are restored without their password hashes (a backup is not a copy of everybody's
credentials): a restored account has an unusable password and is reset through "Forgot your
password?". Sessions, log-in attempts and second-factor devices are not part of a backup.

A restore goes into a database that does not hold any of those rows yet (an empty database, or
another installation without this cluster year); it never overwrites.
"""

import datetime
import decimal
import hashlib
import hmac
import io
import json
import uuid
import zipfile
from collections import defaultdict

from django.apps import apps
from django.conf import settings
from django.contrib.admin.utils import NestedObjects
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management.color import no_style
from django.core.serializers import sort_dependencies
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.utils import timezone

from clusters.models import Position, ViewerGrant
from core.models import AuditEntry

FORMAT = "thidua-cluster-year-backup"
VERSION = 2  # 2: times to the microsecond, viewer grants, deleted rows' audit, signed manifest
DATA = "data.json"
MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
FILES = "files/"
# Rows that are never part of a backup, even when something refers to them.
# The apps whose parent-body configuration of a year (rules, catalogue) belongs to the year.
CONFIGURED_PER_YEAR = {"results", "awards"}
SKIPPED = {"sessions.session", "auth.permission", "auth.group", "contenttypes.contenttype"}


class BackupError(Exception):
    """An archive that cannot be restored (damaged, of another format, or already present)."""


def _key(obj):
    return (obj._meta.label_lower, obj.pk)


def _owned(roots, using=DEFAULT_DB_ALIAS):
    """The roots and every row that belongs to them (what deleting them would remove)."""
    found = {}
    queue = [obj for obj in roots if obj is not None]
    while queue:
        collector = NestedObjects(using=using)
        by_model = defaultdict(list)
        for obj in queue:
            by_model[type(obj)].append(obj)
        for objs in by_model.values():
            collector.collect(objs)
        queue = []
        for _model, instances in collector.data.items():
            for obj in instances:
                if not obj._meta.auto_created:  # many-to-many rows go with their owner
                    found.setdefault(_key(obj), obj)
        # Rows protected from a cascade still belong to the cluster year (e.g. signatures).
        for obj in collector.protected:
            if _key(obj) not in found:
                found[_key(obj)] = obj
                queue.append(obj)
    return found


def _referenced(found):
    """Add every row the found rows point at (foreign keys, one-to-ones, many-to-manys).

    Wave by wave: the rows pointed at by the last wave are read with one query per model.
    """
    wave = list(found.values())
    while wave:
        wanted = defaultdict(set)  # model -> pks not found yet
        for obj in wave:
            for field in obj._meta.concrete_fields:
                if field.is_relation and (field.many_to_one or field.one_to_one):
                    value = getattr(obj, field.attname)
                    if value is not None:
                        wanted[field.related_model].add(value)
        by_model = defaultdict(list)
        for obj in wave:
            by_model[type(obj)].append(obj.pk)
        for model, owner_pks in by_model.items():
            for field in model._meta.many_to_many:
                source, target = field.m2m_field_name(), field.m2m_reverse_field_name()
                pks = field.remote_field.through._base_manager.filter(
                    **{f"{source}__in": owner_pks}
                ).values_list(f"{target}_id", flat=True)
                wanted[field.related_model].update(pks)
        wave = []
        for model, pks in wanted.items():
            label = model._meta.label_lower
            missing = {pk for pk in pks if (label, pk) not in found}
            if label in SKIPPED or not missing:
                continue
            for target in model._base_manager.filter(pk__in=missing):
                found[(label, target.pk)] = target
                wave.append(target)
    return found


def collect(cluster_year):
    """Every row of the backup of `cluster_year`: {(model label, pk): instance}."""
    # The row as it is now, not as the caller's copy last saw it.
    cluster_year = type(cluster_year).objects.select_related("cluster").get(pk=cluster_year.pk)
    parent = cluster_year.cluster.parent
    roots = [cluster_year]
    # The parent body's configuration of that year (catalogue, vote and result rules).
    for model in apps.get_models():
        names = {f.name for f in model._meta.concrete_fields}
        if {"parent", "year"} <= names and model._meta.app_label in CONFIGURED_PER_YEAR:
            roots += list(model._base_manager.filter(parent=parent, year=cluster_year.year))
    found = _owned(roots)
    # The next year's roles come out of this year's election: its row and memberships (but
    # nothing of its own work) are part of this year's story.
    following = (
        type(cluster_year)
        .objects.filter(cluster=cluster_year.cluster, year=cluster_year.year + 1)
        .first()
    )
    if following is not None:
        for obj in [following, *following.memberships.all()]:
            found.setdefault(_key(obj), obj)
    unit_ids = {pk for label, pk in found if label == "clusters.unit"}
    unit_ids |= set(cluster_year.memberships.values_list("unit_id", flat=True))
    unit_ids.add(parent.pk)
    positions = Position.objects.current().filter(unit_id__in=unit_ids)
    for position in positions:
        found.setdefault(_key(position), position)
    for grant in ViewerGrant.objects.filter(unit_id__in=unit_ids):
        found.setdefault(_key(grant), grant)
    _referenced(found)
    # The audit trail of every row in the backup.
    by_type = defaultdict(list)
    for (_label, pk), obj in found.items():
        by_type[ContentType.objects.get_for_model(type(obj), for_concrete_model=False)].append(
            str(pk)
        )
    for content_type, ids in by_type.items():
        for entry in AuditEntry.objects.filter(content_type=content_type, object_id__in=ids):
            found.setdefault(_key(entry), entry)
    for entry in _entries_of_deleted_rows(found, cluster_year):
        found.setdefault(_key(entry), entry)
    _referenced(found)
    return found


def _last_state(entries):
    """A deleted row's fields as its audit entries last recorded them."""
    state = {}
    for entry in sorted(entries, key=lambda e: (e.at, e.pk)):
        for snapshot in (entry.before, entry.after):
            if isinstance(snapshot, dict):
                state.update(snapshot)
    return state


def _belongs(model, state, found, cluster_year):
    """Did a deleted row of `model`, in its last recorded `state`, belong to the backup?"""
    names = {f.name for f in model._meta.concrete_fields}
    if "year" in names and "year" in state and state["year"] != cluster_year.year:
        return False
    for field in model._meta.concrete_fields:
        if field.is_relation and (field.many_to_one or field.one_to_one):
            value = state.get(field.name, state.get(field.attname))
            if value is not None and (field.related_model._meta.label_lower, value) in found:
                return True
    return False


def _entries_of_deleted_rows(found, cluster_year):
    """The audit entries of rows deleted since, which belonged to this cluster year's story."""
    candidates = {model for model in apps.get_models() if model is not AuditEntry}
    candidates = {
        m
        for m in candidates
        if m._meta.app_label in {"clusters", "agreements", *CONFIGURED_PER_YEAR}
    }
    kept = []
    for model in candidates:
        content_type = ContentType.objects.get_for_model(model, for_concrete_model=False)
        entries = defaultdict(list)
        for entry in AuditEntry.objects.filter(content_type=content_type):
            entries[entry.object_id].append(entry)
        if not entries:
            continue
        label = model._meta.label_lower
        keys = [k for k in entries if (label, _pk_value(model, k)) not in found]
        values = [v for v in (_pk_value(model, k) for k in keys) if v is not None]
        existing = {
            str(pk) for pk in model._base_manager.filter(pk__in=values).values_list("pk", flat=True)
        }
        for object_id in keys:
            if object_id in existing:
                continue
            if _belongs(model, _last_state(entries[object_id]), found, cluster_year):
                kept += entries[object_id]
    return kept


def _pk_value(model, object_id):
    try:
        return model._meta.pk.to_python(object_id)
    except Exception:  # noqa: BLE001  (an id that cannot be this model's is no row of it)
        return None


def _files(rows):
    """{storage name: field file} of every stored file of the rows."""
    files = {}
    for obj in rows:
        for field in obj._meta.concrete_fields:
            if isinstance(field, models.FileField):
                value = getattr(obj, field.attname)
                if value:
                    files[str(value)] = field.storage
    return files


def _ordered(found):
    """The rows in an order a loader can insert them (models by dependency, then pk)."""
    by_model = defaultdict(list)
    for obj in found.values():
        by_model[type(obj)].append(obj)
    app_list = defaultdict(list)
    for model in by_model:
        app_list[apps.get_app_config(model._meta.app_label)].append(model)
    ordered = []
    for model in sort_dependencies(app_list.items(), allow_cycles=True):
        ordered += sorted(by_model[model], key=lambda o: o.pk)
    return ordered


def _without_secrets(payload):
    user_label = get_user_model()._meta.label_lower
    for row in payload:
        if row["model"] == user_label:
            row["fields"]["password"] = "!"  # unusable: the account's owner resets it
            row["fields"]["groups"] = []
            row["fields"]["user_permissions"] = []
            row["fields"]["last_login"] = None
    return payload


def _content_types_by_name(payload):
    """Content types differ between databases: refer to them by (app label, model)."""
    for row in payload:
        model = apps.get_model(row["model"])
        for field in model._meta.concrete_fields:
            if field.is_relation and field.related_model is ContentType:
                value = row["fields"].get(field.name)
                if value is not None:
                    row["fields"][field.name] = list(
                        ContentType.objects.get_for_id(value).natural_key()
                    )
    return payload


def _sha256(data):
    return hashlib.sha256(data).hexdigest()


class _Encoder(json.JSONEncoder):
    """JSON for the "python" serializer's values, exact (Django's encoder cuts microseconds)."""

    def default(self, o):
        if isinstance(o, (datetime.datetime, datetime.date, datetime.time)):
            return o.isoformat()
        if isinstance(o, datetime.timedelta):
            return o.total_seconds()
        if isinstance(o, (decimal.Decimal, uuid.UUID)):
            return str(o)
        if isinstance(o, (bytes, memoryview)):
            return bytes(o).hex()
        return super().default(o)


def _key_bytes():
    key = settings.BACKUP_KEY
    if not key:
        raise BackupError(
            "BACKUP_KEY is not set: backups are signed with it and restores verify it."
        )
    return key.encode()


def sign(manifest_bytes):
    """The manifest's signature (HMAC-SHA256 under BACKUP_KEY, hex)."""
    return hmac.new(_key_bytes(), manifest_bytes, hashlib.sha256).hexdigest()


def backup(cluster_year):
    """Return the archive (zip bytes) of `cluster_year`."""
    found = collect(cluster_year)
    rows = _ordered(found)
    _key_bytes()  # refuse before any work without the key
    payload = serializers.serialize("python", rows)
    payload = _content_types_by_name(_without_secrets(payload))
    data = json.dumps(payload, ensure_ascii=False, indent=1, cls=_Encoder).encode()
    counts = defaultdict(int)
    for obj in rows:
        counts[obj._meta.label_lower] += 1
    manifest = {
        "format": FORMAT,
        "version": VERSION,
        "created_at": timezone.now().isoformat(),
        "cluster_year": {
            "pk": cluster_year.pk,
            "cluster": str(cluster_year.cluster),
            "year": cluster_year.year,
        },
        "counts": dict(sorted(counts.items())),
        "sha256": {DATA: _sha256(data)},
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(DATA, data)
        for name, storage in sorted(_files(rows).items()):
            with storage.open(name, "rb") as handle:
                content = handle.read()
            manifest["sha256"][FILES + name] = _sha256(content)
            archive.writestr(FILES + name, content)
        manifest_bytes = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
        archive.writestr(MANIFEST, manifest_bytes)
        archive.writestr(SIGNATURE, sign(manifest_bytes))
    return out.getvalue()


def read_archive(data):
    """Open an archive and check it against its manifest; return (manifest, members)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        manifest_bytes = archive.read(MANIFEST)
    except (zipfile.BadZipFile, KeyError, ValueError) as error:
        raise BackupError(f"Not a backup archive: {error}") from None
    try:
        signature = archive.read(SIGNATURE).decode("ascii").strip()
    except (KeyError, UnicodeDecodeError):
        raise BackupError("The archive is not signed: it cannot be trusted.") from None
    if not hmac.compare_digest(signature, sign(manifest_bytes)):
        raise BackupError(
            "The archive's signature does not verify: it was changed, or made with another "
            "BACKUP_KEY."
        )
    try:
        manifest = json.loads(manifest_bytes)
    except ValueError as error:
        raise BackupError(f"Not a backup archive: {error}") from None
    if manifest.get("format") != FORMAT or manifest.get("version") != VERSION:
        raise BackupError("Not a backup archive of this format or version.")
    members = {}
    names = set(archive.namelist()) - {MANIFEST, SIGNATURE}
    if names != set(manifest["sha256"]):
        raise BackupError("The archive's files do not match its manifest.")
    for name in sorted(names):
        content = archive.read(name)
        if _sha256(content) != manifest["sha256"][name]:
            raise BackupError(f"{name} is damaged: its SHA-256 does not match the manifest.")
        members[name] = content
    return manifest, members


def restore(data, using=DEFAULT_DB_ALIAS):
    """Restore an archive into a database that holds none of its rows; return the manifest."""
    manifest, members = read_archive(data)
    ContentType.objects.clear_cache()
    try:
        payload = json.loads(members[DATA])
    except ValueError as error:
        raise BackupError(f"{DATA} cannot be read: {error}") from None
    objects = list(serializers.deserialize("python", payload, handle_forward_references=True))
    with transaction.atomic(using=using):
        pks = defaultdict(set)
        for item in objects:
            pks[type(item.object)].add(item.object.pk)
        for model, model_pks in pks.items():
            present = model._base_manager.using(using).filter(pk__in=model_pks).first()
            if present is not None:
                raise BackupError(
                    f"{model._meta.label} {present.pk} already exists: restore into a "
                    "database without this cluster year."
                )
        connection = connections[using]
        with connection.constraint_checks_disabled():
            for item in objects:
                item.save(using=using)
            for item in objects:
                if item.deferred_fields:
                    item.save_deferred_fields(using=using)
        connection.check_constraints()
        models_restored = {type(item.object) for item in objects}
        sql = connection.ops.sequence_reset_sql(no_style(), models_restored)
        with connection.cursor() as cursor:
            for statement in sql:
                cursor.execute(statement)
        _restore_files(members)
    return manifest


def _restore_files(members):
    """Write the archive's files under their names; on any failure remove what was written."""
    files = {name[len(FILES) :]: content for name, content in members.items() if name != DATA}
    present = [name for name in files if default_storage.exists(name)]
    if present:
        raise BackupError(f"These files already exist in the storage: {present[:5]}")
    written = []
    try:
        for name, content in sorted(files.items()):
            saved = default_storage.save(name, ContentFile(content))
            written.append(saved)
            if saved != name:
                raise BackupError(f"The storage renamed {name} to {saved}.")
    except Exception:
        for name in written:
            default_storage.delete(name)
        raise


def archive_name(cluster_year):
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    return f"thidua-cum-{cluster_year.cluster_id}-{cluster_year.year}-{stamp}.zip"
