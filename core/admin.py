"""Admin policy: the audit trail is read-only; other changes go through services."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError

from core.models import AuditEntry


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
            messages.error(request, "; ".join(error.messages))
            raise


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor_name", "action", "object_repr", "ip"]
    list_filter = ["action", "content_type"]
    search_fields = ["actor_name", "object_repr", "action", "reason"]
    date_hierarchy = "at"
