"""The lost-update guard: the later of two edits from the same version gets a conflict."""

import pytest

from clusters import services
from clusters.models import Unit
from core.errors import ConflictError
from core.versioning import save_versioned

pytestmark = pytest.mark.django_db


def test_second_save_from_the_same_version_conflicts_and_the_first_is_kept(world):
    loaded_by_a = Unit.objects.get(pk=world.unit("badinh").pk)
    loaded_by_b = Unit.objects.get(pk=world.unit("badinh").pk)
    version = loaded_by_a.version

    loaded_by_a.short_name = "Ba Đình (A)"
    save_versioned(loaded_by_a, expected_version=version, fields=["short_name"])
    assert loaded_by_a.version == version + 1

    loaded_by_b.short_name = "Ba Đình (B)"
    with pytest.raises(ConflictError) as excinfo:
        save_versioned(loaded_by_b, expected_version=version, fields=["short_name"])
    conflict = excinfo.value
    assert conflict.code == "conflict"
    assert list(conflict.current.values()) == ["Ba Đình (A)"]

    stored = Unit.objects.get(pk=loaded_by_a.pk)
    assert stored.short_name == "Ba Đình (A)"
    assert stored.version == version + 1


def test_the_service_refuses_a_stale_version_and_writes_no_audit_entry(world):
    from core.models import AuditEntry

    unit = world.unit("badinh")
    version = unit.version
    services.unit_update(actor=world.admin, unit=unit, expected_version=version, name="Tên A")
    entries = AuditEntry.objects.count()
    with pytest.raises(ConflictError) as excinfo:
        services.unit_update(actor=world.admin, unit=unit, expected_version=version, name="Tên B")
    assert "Tên A" in excinfo.value.current.values()
    unit.refresh_from_db()
    assert unit.name == "Tên A"
    assert AuditEntry.objects.count() == entries


def test_saves_in_sequence_each_with_the_latest_version_succeed(world):
    unit = world.unit("badinh")
    for name in ("Một", "Hai", "Ba"):
        current = Unit.objects.get(pk=unit.pk)
        current.name = name
        save_versioned(current, expected_version=current.version, fields=["name"])
    assert Unit.objects.get(pk=unit.pk).name == "Ba"


def test_the_conflict_partial_shows_the_other_change(world, rf):
    from django.template.loader import render_to_string

    unit = world.unit("badinh")
    stale = unit.version
    services.unit_update(actor=world.admin, unit=unit, expected_version=stale, name="Tên A")
    with pytest.raises(ConflictError) as excinfo:
        services.unit_update(actor=world.admin, unit=unit, expected_version=stale, name="Tên B")
    html = render_to_string("includes/conflict.html", {"conflict": excinfo.value})
    assert "Tên A" in html
    assert 'role="alert"' in html
