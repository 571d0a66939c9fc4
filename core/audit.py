"""The audit trail: every service calls `audit_record` inside its transaction."""

import datetime
import decimal
import uuid

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model
from django.db.models.fields.files import FieldFile
from django.utils.translation import gettext_lazy as _

from core.middleware import current_request_context
from core.models import AuditEntry

# What people read for an action code on the history panels; each app adds its own from its
# AppConfig.ready() (`register_action_labels`). A code without a label is shown as it is.
_ACTION_LABELS = {
    "otp.enrol": _("Two-step verification set up"),
    "otp.remove": _("Two-step verification removed"),
    "account.admin_create": _("Account created in administration"),
    "account.admin_update": _("Account changed in administration"),
    "account.admin_password": _("Password set in administration"),
    "account.password_wrong": _("Wrong password entered again"),
    "group.admin_create": _("Group created in administration"),
    "group.admin_update": _("Group changed in administration"),
    "group.admin_delete": _("Group deleted in administration"),
}


def register_action_labels(labels):
    """Add an app's names of its audit actions (code → lazily translated label)."""
    _ACTION_LABELS.update(labels)


def action_label(code):
    """The translated name of an audit action, or the code itself when it has none."""
    return _ACTION_LABELS.get(code, code)


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


def entries_for(obj, limit=50):
    """The newest audit entries of `obj`, for its page."""
    return list(AuditEntry.objects.for_object(obj)[:limit])
