"""The public verification's bounds (settings VERIFY_*) leave room for a real digitally signed
agreement of a 16-member cluster: 32 signatures of chairs and units, the closing timestamp and the
revisions that carry them.

The agreement is signed for real here by the test world's six units (remote signing at the demo
provider, the organisations' keys on the server, the closing with the demo timestamp service);
what one unit adds to the file is measured and a 16-member file is estimated from it: the
prepared file grown in proportion to its units, sixteen units' additions, the closing's."""

import pytest

from agreements.signing import verification
from agreements.signing.digital import selectors
from agreements.signing.digital.models import DocumentRevision
from agreements.signing.models import Seal
from core import sealing
from tests.agreements.signing.digital.support import (
    open_digital,
    prepare_everyone,
    sign_organisation,
    sign_remotely,
)
from tests.agreements.signing.support import MEMBERS, adopt_agreement

pytestmark = pytest.mark.django_db
CLUSTER_UNITS = 16


def counts(data):
    return {
        "bytes": len(data),
        "revisions": sealing.revision_count_bound(data),
        "objects": max(data.count(b"endobj"), data.count(b"/ObjStm")),
        "signatures": data.count(b"/ByteRange"),
    }


def test_a_sixteen_member_digital_agreement_fits_the_bounds(
    world, settings, django_capture_on_commit_callbacks
):
    settings.LANGUAGE_CODE = "en"
    agreement = adopt_agreement(world)
    prepare_everyone(world)
    open_digital(world, agreement)
    prepared = selectors.read_revision(selectors.latest_revision(agreement))
    for username in MEMBERS:
        sign_remotely(world, agreement, username)
        with django_capture_on_commit_callbacks(execute=True):  # the last one closes the file
            last = sign_organisation(world, agreement, username)
    signed = selectors.read_revision(last)
    seal = Seal.objects.get(agreement=agreement)
    with seal.file.open("rb") as handle:
        final = handle.read()
    assert DocumentRevision.objects.filter(agreement=agreement).count() == 2 * len(MEMBERS) + 2

    base, units, closed = counts(prepared), counts(signed), counts(final)
    estimate = {}
    for name in base:
        per_unit = (units[name] - base[name]) / len(MEMBERS)
        closing = closed[name] - units[name]
        estimate[name] = (
            base[name] * CLUSTER_UNITS / len(MEMBERS) + per_unit * CLUSTER_UNITS + closing
        )
    assert estimate["signatures"] >= 2 * CLUSTER_UNITS + 1
    limits = verification.bounds()
    assert estimate["bytes"] <= limits.max_bytes, estimate
    assert estimate["revisions"] <= limits.max_revisions, estimate
    assert estimate["objects"] <= limits.max_objects, estimate
    assert estimate["signatures"] <= limits.max_signatures, estimate

    # The real closed file passes the bounds and is found authentic through the public path.
    assert sealing.over_bounds(final, limits) == ""
    result = verification.verify_bytes(final, timeout=settings.VERIFY_PARSE_SECONDS)
    assert result.digital and result.authentic, result.reasons
