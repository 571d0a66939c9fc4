"""Admin policy: the audit trail is read-only; other changes go through services."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect

from core.models import AuditEntry


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
    list_display = ["at", "actor_name", "action", "object_repr", "ip"]
    list_filter = ["action", "content_type"]
    search_fields = ["actor_name", "object_repr", "action", "reason"]
    date_hierarchy = "at"
