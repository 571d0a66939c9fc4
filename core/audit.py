"""The audit trail: every service calls `audit_record` inside its transaction."""

import datetime
import decimal
import uuid
from itertools import groupby

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model
from django.db.models.fields.files import FieldFile

from core.compiled import compiled
from core.middleware import current_request_context
from core.models import AuditEntry


def _jsonable(value):
    if isinstance(value, Model):
        return value.pk
    if isinstance(value, (datetime.date, datetime.datetime, datetime.time)):
        return value.isoformat()
    if isinstance(value, (decimal.Decimal, uuid.UUID)):
        return str(value)
    if isinstance(value, FieldFile):
        return value.name or None
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_jsonable(v) for v in value]
    return value


def snapshot(obj, fields):
    """Return the named fields of `obj` as a JSON-ready dict (for before/after)."""
    return {name: _jsonable(getattr(obj, name)) for name in fields}


def audit_record(*, actor, obj, action, before=None, after=None, reason=""):
    """Append one audit entry for `obj` (client address taken from the current request)."""
    context = current_request_context()
    actor = actor if actor is not None and actor.is_authenticated else None
    return AuditEntry.objects.create(
        actor=actor,
        actor_name=(actor.get_full_name() or actor.get_username()) if actor else "",
        ip=context.get("ip"),
        user_agent=context.get("user_agent", ""),
        content_type=ContentType.objects.get_for_model(type(obj)),
        object_id=str(obj.pk),
        object_repr=str(obj)[:300],
        action=action,
        before=_jsonable(before),
        after=_jsonable(after),
        reason=reason or "",
    )


def entries_for(obj, limit=50, also=()):
    """The newest audit entries of `obj`, for its page, with those of the objects `also`
    (records that belong to it, e.g. a unit's positions), each marked with its `subject`."""
    key = (ContentType.objects.get_for_model(type(obj)).pk, str(obj.pk))
    if not also:
        entries = _entries_read(limit)(content_type=key[0], object_id=key[1])
    else:
        entries = AuditEntry.objects.for_object(obj)
        for model, group in groupby(sorted(also, key=lambda o: type(o).__name__), key=type):
            entries = entries | AuditEntry.objects.filter(
                content_type=ContentType.objects.get_for_model(model),
                object_id__in=[str(o.pk) for o in group],
            )
        entries = list(entries.order_by("-at", "-pk")[:limit])
    for entry in entries:
        entry.subject = "" if (entry.content_type_id, entry.object_id) == key else entry.object_repr
    return entries


_entries_reads = {}


def _entries_read(limit):
    """The newest `limit` entries of one object, compiled once per limit (a LIMIT is written
    into the SQL, not passed as a parameter; the pages use a handful of limits)."""
    read = _entries_reads.get(limit)
    if read is None:

        @compiled
        def read(*, content_type, object_id):
            return AuditEntry.objects.filter(
                content_type_id=content_type, object_id=object_id
            ).order_by("-at", "-pk")[:limit]

        _entries_reads[limit] = read
    return read
