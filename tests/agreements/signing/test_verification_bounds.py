"""The public verification page cannot be used to hold the server: the work a file may cost is
bounded before it is parsed, one check runs at a time ("busy" for one more), and IPv6 clients
are counted per /64 as well as per address."""

import time

import psycopg
import pytest
from django.core.cache import cache
from django.db import connection

from agreements.signing import verification
from agreements.signing.digital import pdf as digital_pdf
from bench.verification import crafted
from core import sealing
from tests.agreements.signing.test_verification import upload, verify_url

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"
    cache.clear()


@pytest.fixture
def nothing_parses(monkeypatch):
    """Fail the test if any parser is reached (what "refused before parsing" means)."""

    def parsed(*args, **kwargs):
        raise AssertionError("the file was parsed")

    monkeypatch.setattr(sealing, "verify_sealed_pdf", parsed)
    monkeypatch.setattr(digital_pdf, "read_signatures", parsed)


def post(client, data, address="192.0.2.40", url=None):
    return client.post(url or verify_url(), {"file": upload(data)}, REMOTE_ADDR=address)


def test_the_sealed_file_plus_20000_empty_updates_is_refused_before_it_is_parsed(
    sealed, sealed_bytes, client, nothing_parses
):
    attack = crafted(sealed_bytes, 20_000)
    assert 1_500_000 < len(attack) < 3_000_000
    started = time.perf_counter()
    response = post(client, attack, url=verify_url(sealed))
    seconds = time.perf_counter() - started
    assert response.status_code == 200
    result = response.context["result"]
    assert result.check.codes == ("too_many_revisions",)
    assert not result.authentic and result.seal is None
    assert "more revisions than any agreement of this system" in response.text
    assert seconds < 2, seconds


def test_the_command_refuses_it_too_before_parsing(sealed_bytes, nothing_parses):
    result = verification.verify_bytes(crafted(sealed_bytes, 20_000))
    assert result.check.codes == ("too_many_revisions",)


def test_a_few_updates_stay_within_the_bounds_and_are_checked(sealed_bytes, client):
    response = post(client, crafted(sealed_bytes, 3))
    assert response.status_code == 200
    result = response.context["result"]
    assert result.check.codes == ("not_whole_file",)  # parsed, and found changed after the seal


@pytest.mark.parametrize(
    ("code", "setting", "filler"),
    [
        ("too_many_signatures", "VERIFY_MAX_SIGNATURES", b"<</ByteRange [0 0 0 0]>>\n"),
        ("too_many_objects", "VERIFY_MAX_OBJECTS", b"9 0 obj\nnull\nendobj\n"),
    ],
)
def test_too_many_signatures_or_objects_are_refused_before_parsing(
    sealed_bytes, client, settings, nothing_parses, code, setting, filler
):
    limit = getattr(settings, setting)
    data = sealed_bytes + b"%" + filler * (limit + 1)
    response = post(client, data)
    assert response.status_code == 200
    assert response.context["result"].check.codes == (code,)
    assert str(sealing.REASONS[code]) in response.text


def test_the_limits_are_settings(sealed_bytes, settings):
    settings.VERIFY_MAX_REVISIONS = 2
    assert verification.verify_bytes(crafted(sealed_bytes, 2)).check.codes == (
        "too_many_revisions",
    )


@pytest.fixture
def other_check_running():
    """Another worker (another connection) holding every checking slot."""
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    with psycopg.connect(**params, autocommit=True) as other:
        other.execute("SELECT pg_advisory_lock(%s, 0)", [verification.LOCK_NAMESPACE])
        yield
        other.execute("SELECT pg_advisory_unlock(%s, 0)", [verification.LOCK_NAMESPACE])


def test_a_check_while_another_runs_is_answered_busy_at_once(
    sealed, sealed_bytes, client, other_check_running
):
    started = time.perf_counter()
    response = post(client, sealed_bytes, url=verify_url(sealed))
    assert time.perf_counter() - started < 2
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response.context["result"] is None
    assert "Another file is being checked right now" in response.text
    # A file over the bounds is still refused, without waiting for the slot.
    response = post(client, crafted(sealed_bytes, 20_000), address="192.0.2.41")
    assert response.status_code == 200
    assert response.context["result"].check.codes == ("too_many_revisions",)


def test_the_slot_is_free_again_after_a_check(sealed_bytes, client, settings):
    assert post(client, sealed_bytes).context["result"].authentic
    assert post(client, sealed_bytes).context["result"].authentic
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid = %s",
            [verification.LOCK_NAMESPACE],
        )
        assert cursor.fetchone()[0] == 0


def test_ipv6_clients_are_limited_per_64_as_well_as_per_address(client, settings, world):
    settings.VERIFY_RATE_LIMIT = 3
    settings.VERIFY_RATE_LIMIT_IPV6_NETWORK = 5
    cache.clear()
    for host in range(5):  # five addresses of one /64, once each
        assert post(client, b"hello", address=f"2001:db8:1:2::{host + 1}").status_code == 200
    refused = post(client, b"hello", address="2001:db8:1:2:ffff::9")
    assert refused.status_code == 429
    assert "Too many checks from your address" in refused.text
    # Another /64 is not held up; one address alone still has its own limit.
    for _ in range(3):
        assert post(client, b"hello", address="2001:db8:1:3::1").status_code == 200
    assert post(client, b"hello", address="2001:db8:1:3::1").status_code == 429


def test_ipv4_clients_stay_per_address(client, settings, world):
    settings.VERIFY_RATE_LIMIT = 2
    settings.VERIFY_RATE_LIMIT_IPV6_NETWORK = 2
    cache.clear()
    for host in range(10):  # one office behind one /24 is ten clients, not one
        assert post(client, b"hello", address=f"198.51.100.{host + 1}").status_code == 200
    assert post(client, b"hello", address="::ffff:198.51.100.200").status_code == 200


def test_the_benchmark_times_the_crafted_file_under_its_goal(sealed, settings):
    from bench import verification as bench_verification

    result = bench_verification.measure()
    assert result["crafted_reason"] == ["too_many_revisions"]
    assert result["updates"] == 20_000 and result["crafted_bytes"] > 1_500_000
    assert result["met"] and result["crafted_verdict_s"] < bench_verification.GOAL_SECONDS
    assert result["genuine_verdict_s"] > 0


def test_without_postgresql_one_check_runs_at_a_time_in_the_process(monkeypatch, world):
    monkeypatch.setattr(connection, "vendor", "sqlite")
    held = verification.checking_slot()
    held.__enter__()
    with pytest.raises(verification.Busy), verification.checking_slot():
        pass
    held.__exit__(None, None, None)
    with verification.checking_slot():  # released again
        pass


def test_a_signed_files_verdict_is_kept_for_the_same_file(sealed_bytes, monkeypatch, settings):
    real = digital_pdf.read_signatures
    calls = []

    def counted(data, vc):
        calls.append(len(data))
        return real(data, vc)

    monkeypatch.setattr(digital_pdf, "read_signatures", counted)
    first = verification._read_signatures(sealed_bytes)
    started = time.perf_counter()
    again = verification._read_signatures(sealed_bytes)
    assert time.perf_counter() - started < 0.5
    assert calls == [len(sealed_bytes)] and again == first and first[0].intact
    settings.VERIFY_DIGITAL_CACHE_SECONDS = 0
    verification._read_signatures(sealed_bytes)
    assert len(calls) == 2
