"""The audit trail: append-only, and one entry (or more) with actor and address per service call."""

import datetime
import inspect

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from clusters import services
from clusters.models import ClusterYear, Membership, Person, Position, Unit
from core.audit import audit_record, entries_for, snapshot
from core.audit_labels import action_label
from core.middleware import RequestContextMiddleware, client_address
from core.models import AuditEntry

pytestmark = pytest.mark.django_db

User = get_user_model()


def run_in_request(call, **meta):
    """Run `call()` inside the request-context middleware, as a view would."""
    request = RequestFactory().post("/", **meta)
    result = {}

    def view(_request):
        result["value"] = call()
        return HttpResponse()

    RequestContextMiddleware(view)(request)
    return result["value"]


# --- append-only ----------------------------------------------------------------------------


@pytest.fixture
def entry(world):
    return audit_record(actor=world.user("bantt"), obj=world.parent, action="test.entry")


def test_saving_an_existing_entry_is_refused(entry):
    entry.reason = "sửa lại"
    with pytest.raises(TypeError):
        entry.save()
    assert AuditEntry.objects.get(pk=entry.pk).reason == ""


def test_deleting_an_entry_is_refused(entry):
    with pytest.raises(TypeError):
        entry.delete()
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_queryset_update_and_delete_are_refused(entry):
    with pytest.raises(TypeError):
        AuditEntry.objects.filter(pk=entry.pk).update(reason="x")
    with pytest.raises(TypeError):
        AuditEntry.objects.all().delete()
    with pytest.raises(TypeError), transaction.atomic():
        AuditEntry.objects.bulk_update([entry], ["reason"])
    assert AuditEntry.objects.filter(pk=entry.pk, reason="").exists()


def test_an_actor_with_entries_cannot_be_deleted(entry, world):
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        world.user("bantt").delete()


def test_entries_for_an_object_are_newest_first(world):
    unit = world.unit("badinh")
    first = audit_record(actor=None, obj=unit, action="test.first")
    second = audit_record(actor=None, obj=unit, action="test.second")
    entries = entries_for(unit)
    assert entries[:2] == [second, first]
    assert all(e.object_id == str(unit.pk) for e in entries)


def test_snapshot_makes_values_json_ready(world):
    data = snapshot(world.plan, ["parent", "date", "file", "year"])
    assert data == {"parent": world.parent.pk, "date": "2020-01-20", "file": None, "year": 2020}


def test_anonymous_actor_is_recorded_as_nobody(world):
    from django.contrib.auth.models import AnonymousUser

    entry = audit_record(actor=AnonymousUser(), obj=world.parent, action="test.anon")
    assert entry.actor is None
    assert entry.actor_name == ""


# --- client address -------------------------------------------------------------------------


def test_without_trusted_proxies_the_socket_address_is_used(world, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    request = RequestFactory().get(
        "/", REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR="203.0.113.9"
    )
    assert client_address(request) == "198.51.100.7"


def test_with_one_trusted_proxy_the_last_forwarded_hop_is_used(world, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    request = RequestFactory().get(
        "/",
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9",  # the first hop is client-supplied
    )
    assert client_address(request) == "203.0.113.9"


def test_with_a_trusted_proxy_but_no_header_the_socket_address_is_used(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_address(RequestFactory().get("/", REMOTE_ADDR="10.0.0.2")) == "10.0.0.2"


@pytest.mark.parametrize("forwarded", ["unknown", "203.0.113.9:4711", "<script>"])
def test_a_malformed_forwarded_address_is_dropped_not_stored(world, settings, forwarded):
    settings.TRUSTED_PROXY_COUNT = 1
    entry = run_in_request(
        lambda: audit_record(actor=world.admin, obj=world.parent, action="test.ip"),
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR=forwarded,
    )
    assert AuditEntry.objects.get(pk=entry.pk).ip is None


@pytest.mark.parametrize(
    ("proxies", "expected"), [(0, "198.51.100.7"), (1, "203.0.113.9")], ids=["direct", "proxy"]
)
def test_a_service_called_from_a_view_records_actor_and_address(
    client_for, world, settings, proxies, expected
):
    settings.TRUSTED_PROXY_COUNT = proxies
    person = Person.objects.get(user=world.user("canbo.badinh"))
    response = client_for(world.user("bantt")).post(
        reverse("accounts:deactivate", args=[person.pk]),
        {"reason": "Chuyển công tác"},
        REMOTE_ADDR="198.51.100.7",
        HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9",
        HTTP_USER_AGENT="Thử nghiệm/1.0",
    )
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="account.deactivate")
    assert entry.actor == world.user("bantt")
    assert entry.actor_name == "Ngô Thị H"
    assert entry.ip == expected
    assert entry.user_agent == "Thử nghiệm/1.0"
    assert entry.before == {"is_active": True}
    assert entry.after == {"is_active": False}
    assert entry.reason == "Chuyển công tác"


# --- every clusters service writes entries --------------------------------------------------


def _new_unit(world, name):
    return Unit.objects.create(
        name=name,
        short_name=name,
        level=world.unit("badinh").level,
        parent=world.parent,
        place_name="Hà Nội",
        header_lines="ỦY BAN MTTQ VIỆT NAM",
    )


def _preparing_year(world, year=2030):
    cluster_year = ClusterYear.objects.create(cluster=world.cluster, year=year)
    Membership.objects.create(
        cluster_year=cluster_year, unit=world.unit("badinh"), role="head", order=1
    )
    return cluster_year


def _pending_position(world):
    """A vice-chair asked for by bantt: the admin, a second person, decides it."""
    return services.position_create(
        actor=world.user("bantt"),
        person=Person.objects.get(full_name="Bùi Thị L"),
        unit=world.unit("longbien"),
        title=Position.Title.VICE_CHAIR,
        can_sign=True,
    )


def _invited_user(world):
    user = User.objects.create(username="moi", email="moi@example.invalid")
    user.set_unusable_password()
    user.save()
    return user


# name -> a function of the world returning the service's keyword arguments (except actor).
CASES = {
    "unit_create": lambda w: {
        "name": "Ủy ban MTTQ Việt Nam phường Thử",
        "short_name": "Thử",
        "level": w.unit("badinh").level,
        "parent": w.parent,
        "place_name": "Hà Nội",
        "header_lines": "ỦY BAN MTTQ VIỆT NAM",
    },
    "unit_update": lambda w: {
        "unit": w.unit("badinh"),
        "expected_version": w.unit("badinh").version,
        "short_name": "Q. Ba Đình",
    },
    "level_create": lambda w: {"name": "Cấp thôn", "rank": 9},
    "level_update": lambda w: {"level": w.unit("badinh").level, "rank": 7},
    "succession_record": lambda w: {
        "predecessor": w.unit("longbien"),
        "successor": _new_unit(w, "Phường Long Biên mới"),
        "kind": "merge",
        "effective_date": datetime.date(2025, 7, 1),
        "basis": "Nghị quyết thử",
    },
    "person_create": lambda w: {"full_name": "Trần Thị Thử"},
    "person_update": lambda w: {
        "person": Person.objects.get(user=w.user("dongda")),
        "expected_version": Person.objects.get(user=w.user("dongda")).version,
        "phone": "0241234567",
    },
    "position_create": lambda w: {
        "person": Person.objects.create(full_name="Trần Văn Thử"),
        "unit": w.unit("badinh"),
        "title": Position.Title.OFFICER,
    },
    "position_appoint": lambda w: {
        "unit": w.unit("badinh"),
        "full_name": "Trần Văn Mới",
        "title": Position.Title.OFFICER,
    },
    "position_update": lambda w: {
        "position": Position.objects.get(person__user=w.user("canbo.badinh")),
        "end": datetime.date(2030, 12, 31),
    },
    "position_confirm": lambda w: {"position": _pending_position(w)},
    "position_refuse": lambda w: {
        "position": _pending_position(w),
        "reason": "Không có quyết định",
    },
    "viewer_grant_create": lambda w: {"user": w.user("dongda"), "unit": w.parent},
    "account_create": lambda w: {
        "person": Person.objects.get(full_name="Bùi Thị L"),
        "username": "buithil",
    },
    "account_set_active": lambda w: {
        "user": w.user("canbo.badinh"),
        "active": False,
        "reason": "Nghỉ hưu",
    },
    "account_update": lambda w: {"user": w.user("canbo.badinh"), "email": "n@example.invalid"},
    "account_invite": lambda w: {"user": _invited_user(w)},
    "cluster_create": lambda w: {
        "parent": w.parent,
        "name": "Cụm thi đua số 9",
        "header_lines": "CỤM THI ĐUA SỐ 9",
    },
    "cluster_update": lambda w: {
        "cluster": w.cluster,
        "expected_version": w.cluster.version,
        "header_lines": "CỤM SỐ 1",
    },
    "plan_create": lambda w: {
        "parent": w.parent,
        "year": 2021,
        "number": 12,
        "symbol": "KH-MTTQ-BTT",
        "date": datetime.date(2021, 1, 15),
        "title": "Kế hoạch thi đua năm 2021",
    },
    "plan_update": lambda w: {
        "plan": w.plan,
        "expected_version": w.plan.version,
        "title": "Kế hoạch (sửa)",
    },
    "cluster_year_create": lambda w: {"cluster": w.cluster, "year": 2031},
    "cluster_year_update": lambda w: {
        "cluster_year": w.cluster_year,
        "expected_version": w.cluster_year.version,
        "plan": None,
    },
    "cluster_year_start": lambda w: {"cluster_year": _preparing_year(w)},
    "cluster_year_close": lambda w: {"cluster_year": w.cluster_year},
    "cluster_year_delegate_drafting": lambda w: {
        "cluster_year": w.cluster_year,
        "delegated": True,
    },
    "cluster_year_signing_mode_set": lambda w: {
        "cluster_year": w.cluster_year,
        "mode": "digital",
    },
    "membership_add": lambda w: {
        "cluster_year": _preparing_year(w),
        "unit": w.unit("dongda"),
    },
    "membership_update": lambda w: {
        "membership": w.cluster_year.memberships.get(unit=w.unit("badinh")),
        "role": "member",
        "order": 9,
    },
    "membership_remove": lambda w: {
        "membership": _preparing_year(w).memberships.get(),
        "reason": "Thử",
    },
    "year_rollover": lambda w: {
        "cluster_year": w.cluster_year,
        "head": w.unit("hoankiem"),
        "deputy": w.unit("badinh"),
    },
    "years_rollover": lambda w: {"parent": w.parent, "year": w.cluster_year.year},
    "number_allocate": lambda w: {
        "unit": w.parent,
        "year": 2020,
        "symbol": "TTr-MTTQ",
        "purpose": "Tờ trình thử",
    },
}


def public_services():
    return {
        name
        for name, value in inspect.getmembers(services, inspect.isfunction)
        if value.__module__ == services.__name__ and not name.startswith("_")
    }


def test_every_clusters_service_is_in_the_audit_catalogue():
    missing = public_services() - set(CASES)
    assert not missing, f"Add these services to CASES in {__file__}: {sorted(missing)}"


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_service_call_writes_entries_with_actor_and_address(world, settings, name):
    settings.TRUSTED_PROXY_COUNT = 1
    actor = world.admin
    kwargs = CASES[name](world)
    before = set(AuditEntry.objects.values_list("pk", flat=True))
    run_in_request(
        lambda: getattr(services, name)(actor=actor, **kwargs),
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="192.0.2.44",
    )
    new = list(AuditEntry.objects.exclude(pk__in=before))
    assert new, f"{name} wrote no audit entry"
    for entry in new:
        assert entry.actor == actor
        assert entry.actor_name == "Quản trị Hệ thống"
        assert entry.ip == "192.0.2.44"
        assert entry.action
        assert action_label(entry.action) != entry.action, f"{entry.action} has no label"
        assert entry.object_repr


def test_a_simple_service_writes_exactly_one_entry_with_before_and_after(world):
    unit = world.unit("badinh")
    before = AuditEntry.objects.count()
    services.unit_update(
        actor=world.admin, unit=unit, expected_version=unit.version, short_name="Q. Ba Đình"
    )
    assert AuditEntry.objects.count() == before + 1
    entry = AuditEntry.objects.for_object(unit).first()
    assert entry.action == "unit.update"
    assert entry.before == {"short_name": "Ba Đình"}
    assert entry.after == {"short_name": "Q. Ba Đình"}


def test_a_refused_service_call_leaves_no_entry(world):
    from django.core.exceptions import ValidationError

    before = AuditEntry.objects.count()
    with pytest.raises(ValidationError):
        services.membership_add(
            actor=world.admin, cluster_year=world.cluster_year, unit=world.unit("badinh")
        )
    assert AuditEntry.objects.count() == before


def test_the_history_panel_names_the_action_in_the_reader_language(world, client):
    from django.utils import translation

    unit = world.unit("dongda")
    services.unit_update(
        actor=world.admin, unit=unit, expected_version=unit.version, short_name="Đống Đa"
    )
    client.force_login(world.user("bantt"))
    page = client.get(reverse("clusters:unit", args=[unit.pk]))
    assert page.status_code == 200
    with translation.override("vi"):
        label = str(action_label("unit.update"))
    assert label == "Sửa thông tin đơn vị" and label in page.text
    assert "unit.update" not in page.text


def test_an_action_without_a_label_is_shown_as_its_code():
    assert action_label("nothing.known") == "nothing.known"
