"""Admin policy: the audit trail is read-only; other changes go through services.

Django's own User and Group have no services: their admins are replaced by audited ones.
"""

from django import forms
from django.apps import apps
from django.contrib import admin, messages
from django.contrib.admin.templatetags import admin_list
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponseRedirect
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult

from core.audit import audit_record, snapshot
from core.models import AuditEntry, PreparedFile

User = get_user_model()


admin.site.site_header = _("Thi đua administration")
admin.site.site_title = _("Thi đua administration")
admin.site.index_title = _("Site administration")


class _ServiceRefused(Exception):
    def __init__(self, error):
        super().__init__(str(error))
        self.error = error


class ReadOnlyAdmin(admin.ModelAdmin):
    """For records nobody may change by hand (audit trail, signatures, seals, snapshots)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ServiceAdmin(admin.ModelAdmin):
    """Admin whose saves call the app's services, so that they are checked and audited.

    Set `create_service(actor=, **fields)` and `update_service(actor=, <obj_arg>=, **fields)`;
    `update_kwarg` names the object argument of the update service.
    """

    create_service = None
    update_service = None
    update_kwarg = None
    versioned = False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        fields = [
            name
            for name in form.changed_data
            if name in {f.name for f in obj._meta.concrete_fields}
        ]
        data = {name: getattr(obj, name) for name in fields}
        try:
            if change:
                if not data:
                    return
                kwargs = {self.update_kwarg: obj, **data}
                if self.versioned:
                    kwargs["expected_version"] = type(obj).objects.get(pk=obj.pk).version
                type(self).update_service(actor=request.user, **kwargs)
            else:
                data = {
                    f.name: getattr(obj, f.name)
                    for f in obj._meta.concrete_fields
                    if f.editable and not f.primary_key and f.name in form.fields
                }
                created = type(self).create_service(actor=request.user, **data)
                obj.pk = created.pk
        except ValidationError as error:
            raise _ServiceRefused(error) from error

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # The admin saves inside its own transaction and has no place for a service's
        # refusal: roll back, show the reason and return to the form instead of a 500.
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except _ServiceRefused as refused:
            messages.error(request, " ".join(refused.error.messages))
            return HttpResponseRedirect(request.get_full_path())


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor_name", "action_name", "action", "object_repr", "ip"]
    list_filter = ["action", "content_type"]
    search_fields = ["actor_name", "object_repr", "action", "reason"]
    date_hierarchy = "at"

    @admin.display(description=_("what was done"), ordering="action")
    def action_name(self, entry):
        return entry.action_label


@admin.register(PreparedFile)
class PreparedFileAdmin(ReadOnlyAdmin):
    """Documents and exports prepared in the background: to see failures and what is kept.

    The files themselves are downloaded only by their requester, from the site."""

    list_display = ["created_at", "title", "requested_by", "status", "size", "finished_at"]
    list_filter = ["status", "kind"]
    list_select_related = ["requested_by"]
    search_fields = ["title", "requested_by__username", "error"]
    date_hierarchy = "created_at"
    exclude = ["file"]


# --- Django's accounts and groups: audited in the admin -------------------------------------

USER_FIELDS = [
    "username",
    "first_name",
    "last_name",
    "email",
    "is_active",
    "is_staff",
    "is_superuser",
]
# Recorded instead of the password hash, which never enters the trail.
PASSWORD_CHANGED = "changed"
PASSWORD_SET = "set"


def _permission_names(permissions):
    rows = permissions.values_list("content_type__app_label", "codename")
    return sorted(f"{app_label}.{codename}" for app_label, codename in rows)


def _user_state(user):
    """What the trail records of an account: its fields, groups and permissions, no hash."""
    return {
        **snapshot(user, USER_FIELDS),
        "groups": sorted(user.groups.values_list("name", flat=True)),
        "user_permissions": _permission_names(user.user_permissions),
    }


def _group_state(group):
    return {"name": group.name, "permissions": _permission_names(group.permissions)}


def _difference(before, after):
    """The (before, after) pair restricted to the keys whose values changed."""
    changed = [key for key in after if before.get(key) != after[key]]
    return {key: before.get(key) for key in changed}, {key: after[key] for key in changed}


class _AuditedSaves:
    """Save as Django's admin does, then append one entry with what changed.

    The state before is read in save_model and the state after in save_related, once the
    many-to-many fields are saved; both run inside the admin's transaction.

    Each admin that mixes this in names its records (`audit_name`) and says what it records of
    one (`audit_state(obj)`, a function of the object).
    """

    audit_name = None

    def audit_after(self, obj, form, change):
        return self.audit_state(obj)

    def save_model(self, request, obj, form, change):
        form.audit_before = self.audit_state(type(obj).objects.get(pk=obj.pk)) if change else {}
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        obj = form.instance
        before, after = _difference(form.audit_before, self.audit_after(obj, form, change))
        if change and not after:
            return
        audit_record(
            actor=request.user,
            obj=obj,
            action=f"{self.audit_name}.{'admin_update' if change else 'admin_create'}",
            before=before if change else None,
            after=after,
        )


# Permission names are stored in English when the tables are made: the admin shows them from
# the model's translated name instead ("Cụm thi đua | cụm thi đua | Có thể thêm cụm thi đua").
PERMISSION_ACTIONS = {
    "add": _("Can add %(name)s"),
    "change": _("Can change %(name)s"),
    "delete": _("Can delete %(name)s"),
    "view": _("Can view %(name)s"),
}


def permission_label(permission):
    content_type = permission.content_type
    model = content_type.model_class()
    if model is None:  # a model that no longer exists
        return f"{content_type.app_label} | {content_type.model} | {permission.name}"
    action, _sep, model_name = permission.codename.partition("_")
    thing = model._meta.verbose_name
    if action in PERMISSION_ACTIONS and model_name == model._meta.model_name:
        name = PERMISSION_ACTIONS[action] % {"name": thing}
    else:
        name = gettext(permission.name)
    return f"{apps.get_app_config(content_type.app_label).verbose_name} | {thing} | {name}"


class PermissionsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return permission_label(obj)


class _TranslatedPermissions:
    def formfield_for_manytomany(self, db_field, request=None, **kwargs):
        if db_field.name in ("permissions", "user_permissions"):
            kwargs["form_class"] = PermissionsField
            kwargs.setdefault(
                "queryset", db_field.remote_field.model.objects.select_related("content_type")
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class AccountForm(UserChangeForm):
    """One "full name" instead of Django's first and last names: a Vietnamese name is not split
    that way. Stored as before (the last word apart), so that get_full_name() gives it back."""

    full_name = forms.CharField(label=_("Full name"), max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("full_name", self.instance.get_full_name())

    def clean(self):
        cleaned = super().clean()
        if "full_name" in self.changed_data:
            name = " ".join(cleaned.get("full_name", "").split())
            self.instance.first_name, _sep, self.instance.last_name = name.rpartition(" ")
        return cleaned


class AuditedUserAdmin(_TranslatedPermissions, _AuditedSaves, UserAdmin):
    """Accounts: every save audited, the password recorded only as changed; no deletion.

    An account that must go is deactivated (untick "active"): its audit entries, signatures
    and decisions keep pointing at it. Only an administrator may change an administrator.
    """

    audit_name = "account"

    audit_state = staticmethod(_user_state)
    form = AccountForm
    list_display = ["username", "display_name", "email", "is_staff", "is_active"]
    ordering = ["first_name", "last_name", "username"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (_("Personal info"), {"fields": ["full_name", "email"]}),
        (
            _("Permissions"),
            {
                "fields": [
                    "is_active",
                    "is_staff",
                    "is_superuser",
                    "groups",
                    "user_permissions",
                ]
            },
        ),
        (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
    ]

    @admin.display(description=_("Full name"), ordering="first_name")
    def display_name(self, user):
        return user.get_full_name()

    def save_model(self, request, obj, form, change):
        form.audit_password = User.objects.get(pk=obj.pk).password if change else ""
        super().save_model(request, obj, form, change)

    def audit_after(self, user, form, change):
        state = _user_state(user)
        if change and user.password != form.audit_password:
            state["password"] = PASSWORD_CHANGED
        elif not change and user.has_usable_password():
            state["password"] = PASSWORD_SET
        return state

    def has_delete_permission(self, request, obj=None):
        return False

    def delete_model(self, request, obj):
        raise PermissionDenied

    def delete_queryset(self, request, queryset):
        raise PermissionDenied

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly += ["is_superuser", "user_permissions"]
        return readonly

    def user_change_password(self, request, id, form_url=""):
        with transaction.atomic():
            user = self.get_object(request, unquote(id))
            old_hash = user.password if user is not None else None
            response = super().user_change_password(request, id, form_url)
            if user is not None and request.method == "POST":
                user = User.objects.get(pk=user.pk)
                if user.password != old_hash:
                    audit_record(
                        actor=request.user,
                        obj=user,
                        action="account.admin_password",
                        after={"password": PASSWORD_CHANGED},
                    )
        return response


class AuditedGroupAdmin(_TranslatedPermissions, _AuditedSaves, GroupAdmin):
    """Groups: every save and deletion audited (name and permissions; members on deletion)."""

    audit_name = "group"

    audit_state = staticmethod(_group_state)

    def delete_model(self, request, obj):
        self._audit_delete(request, obj)
        super().delete_model(request, obj)

    @transaction.atomic
    def delete_queryset(self, request, queryset):
        for group in queryset:
            self._audit_delete(request, group)
        super().delete_queryset(request, queryset)

    def _audit_delete(self, request, group):
        audit_record(
            actor=request.user,
            obj=group,
            action="group.admin_delete",
            before={
                **_group_state(group),
                "users": sorted(group.user_set.values_list("username", flat=True)),
            },
        )


admin.site.unregister(User)
admin.site.unregister(Group)
admin.site.register(User, AuditedUserAdmin)
admin.site.register(Group, AuditedGroupAdmin)


# --- third-party records, in the administrators' language ------------------------------------

TOTP_SECTIONS = {
    "Identity": _("Identity"),
    "Timestamps": _("Timestamps"),
    "Configuration": _("Configuration"),
    "State": _("State"),
    "Throttling": _("Throttling"),
}


class SecondFactorDeviceAdmin(TOTPDeviceAdmin):
    """django-otp's page for authenticator apps, its sections named in the reader's language."""

    search_help_text = _("Search by the user's username or e-mail address.")

    def get_fieldsets(self, request, obj=None):
        return [
            (TOTP_SECTIONS.get(name, name) if name else None, options)
            for name, options in super().get_fieldsets(request, obj)
        ]

    @admin.display(description=_("QR code"))
    def qrcode_link(self, device):
        return super().qrcode_link(device)


class TaskResultAdmin(DBTaskResultAdmin):
    """Background tasks' results (django-tasks-db), with translated columns."""

    list_display = (
        "id",
        "task_label",
        "status",
        "enqueued_at",
        "started_at",
        "finished_at",
        "priority",
        "queue_name",
    )

    @admin.display(description=_("task"))
    def task_label(self, result):
        return result.task_name

    @admin.display(description=_("traceback"))
    def formatted_traceback(self, result):
        return super().formatted_traceback(result)

    @admin.display(description=_("run after"))
    def display_run_after(self, result):
        return super().display_run_after(result)


admin.site.unregister(TOTPDevice)
admin.site.register(TOTPDevice, SecondFactorDeviceAdmin)
admin.site.unregister(DBTaskResult)
admin.site.register(DBTaskResult, TaskResultAdmin)


# The admin's yes/no/unknown icons: Django writes alt="True"/"False"/"None" (English, and not
# what a screen reader should say); the same icons with Django's own translated words instead.
BOOLEAN_ALT = {True: _("Yes"), False: _("No"), None: _("Unknown")}


def _boolean_icon(field_val):
    name = {True: "yes", False: "no", None: "unknown"}[field_val]
    return format_html(
        '<img src="{}" alt="{}">', static(f"admin/img/icon-{name}.svg"), BOOLEAN_ALT[field_val]
    )


# Django's list, detail and read-only field rendering import it from here at call time.
admin_list._boolean_icon = _boolean_icon
