"""The names people read for audit action codes: core's own, and every app's (registered from
its AppConfig.ready()). A code without a name is shown as it is."""

from django.utils.translation import gettext_lazy as _

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
    "calendar.issue": _("Calendar address created"),
    "calendar.replace": _("Calendar address replaced"),
    "calendar.revoke": _("Calendar address revoked"),
}


def register_action_labels(labels):
    """Add an app's names of its audit actions (code → lazily translated label)."""
    _ACTION_LABELS.update(labels)


def action_label(code):
    """The translated name of an audit action, or the code itself when it has none."""
    return _ACTION_LABELS.get(code, code)
