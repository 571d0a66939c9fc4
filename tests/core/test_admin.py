"""Django admin policy: the audit trail is read-only; other changes go through the services."""

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from clusters.models import Unit
from core.admin import ReadOnlyAdmin, ServiceAdmin
from core.audit import audit_record
from core.models import AuditEntry

pytestmark = pytest.mark.django_db


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def superuser_client(client_for, world):
    return client_for(world.admin)


def test_the_audit_trail_admin_allows_no_add_change_or_delete(rf, world):
    model_admin = admin.site._registry[AuditEntry]
    assert isinstance(model_admin, ReadOnlyAdmin)
    request = rf.get("/")
    request.user = world.admin
    entry = audit_record(actor=world.admin, obj=world.parent, action="test.entry")
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, entry)
    assert not model_admin.has_delete_permission(request, entry)


def test_the_audit_trail_cannot_be_edited_through_the_admin(superuser_client, world):
    entry = audit_record(actor=world.admin, obj=world.parent, action="test.entry", reason="gốc")
    assert superuser_client.get(admin_url(AuditEntry, "add")).status_code == 403
    response = superuser_client.post(
        admin_url(AuditEntry, "change", entry.pk), {"reason": "sửa", "action": "x"}
    )
    assert response.status_code == 403
    assert superuser_client.post(admin_url(AuditEntry, "delete", entry.pk)).status_code == 403
    response = superuser_client.post(
        admin_url(AuditEntry, "changelist"),
        {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"},
    )
    assert AuditEntry.objects.filter(pk=entry.pk, reason="gốc").exists()


def test_the_superuser_can_open_every_changelist_and_change_page(superuser_client, world):
    audit_record(actor=world.admin, obj=world.parent, action="test.entry")
    for model in admin.site._registry:
        response = superuser_client.get(admin_url(model, "changelist"))
        assert response.status_code == 200, model
        obj = model._default_manager.first()
        if obj is not None:
            response = superuser_client.get(admin_url(model, "change", obj.pk))
            assert response.status_code == 200, model


def test_changelist_search_works_for_every_model_with_search_fields(superuser_client):
    for model, model_admin in admin.site._registry.items():
        if model_admin.search_fields:
            response = superuser_client.get(admin_url(model, "changelist"), {"q": "Đống Đa"})
            assert response.status_code == 200, model


def test_service_admins_cannot_delete(rf, world):
    request = rf.get("/")
    request.user = world.admin
    for model, model_admin in admin.site._registry.items():
        if isinstance(model_admin, ServiceAdmin | ReadOnlyAdmin):
            assert not model_admin.has_delete_permission(request), model


def _unit_form_data(unit, **changes):
    data = {
        "name": unit.name,
        "short_name": unit.short_name,
        "kind": unit.kind,
        "level": unit.level_id,
        "parent": unit.parent_id or "",
        "place_name": unit.place_name,
        "header_lines": unit.header_lines,
        "collective_name": unit.collective_name,
        "email": unit.email,
        "valid_from": unit.valid_from.isoformat(),
        "valid_to": unit.valid_to.isoformat() if unit.valid_to else "",
        "status": unit.status,
        "_save": "Save",
    }
    data.update(changes)
    return data


def test_saving_a_unit_in_the_admin_goes_through_the_service(superuser_client, world):
    unit = world.unit("badinh")
    version = unit.version
    response = superuser_client.post(
        admin_url(Unit, "change", unit.pk), _unit_form_data(unit, short_name="Q. Ba Đình")
    )
    assert response.status_code == 302
    unit.refresh_from_db()
    assert unit.short_name == "Q. Ba Đình"
    assert unit.version == version + 1
    assert unit.search_text.endswith("q. ba dinh")
    entry = AuditEntry.objects.for_object(unit).first()
    assert entry.action == "unit.update"
    assert entry.actor == world.admin
    assert entry.before == {"short_name": "Ba Đình"}
    assert entry.after == {"short_name": "Q. Ba Đình"}


def test_adding_a_unit_in_the_admin_goes_through_the_service(superuser_client, world):
    template = world.unit("badinh")
    response = superuser_client.post(
        admin_url(Unit, "add"),
        _unit_form_data(template, name="Ủy ban MTTQ Việt Nam phường Thử", short_name="Thử"),
    )
    assert response.status_code == 302
    unit = Unit.objects.get(name="Ủy ban MTTQ Việt Nam phường Thử")
    entry = AuditEntry.objects.for_object(unit).get()
    assert entry.action == "unit.create"
    assert entry.actor == world.admin


def test_an_invalid_admin_change_is_shown_on_the_form_and_not_saved(superuser_client, world):
    unit = world.unit("badinh")
    entries = AuditEntry.objects.count()
    response = superuser_client.post(
        admin_url(Unit, "change", unit.pk),
        _unit_form_data(unit, valid_from="2020-01-01", valid_to="2019-01-01"),
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    unit.refresh_from_db()
    assert unit.valid_to is None
    assert AuditEntry.objects.count() == entries


def test_a_service_refusal_in_the_admin_is_a_message_not_a_500(world, settings):
    settings.ROOT_URLCONF = "tests.core.urls_errors"
    client = Client(raise_request_exception=False)
    client.force_login(world.admin)
    unit = world.unit("badinh")
    url = f"/test-admin/clusters/unit/{unit.pk}/change/"
    response = client.post(url, {"name": unit.name, "short_name": "Khác", "_save": "Save"})
    assert response.status_code == 302
    assert response.url == url
    unit.refresh_from_db()
    assert unit.short_name == "Ba Đình"
    page = client.get(url)
    assert "Bản ghi đã khóa, không thể sửa." in page.content.decode()
