"""Fixtures shared by the signing tests: an agreement signed by every member and sealed."""

import pytest

from agreements.signing.models import Seal
from tests.agreements.signing.support import MEMBERS, adopt_agreement, sign


@pytest.fixture
def sealed(world, django_capture_on_commit_callbacks):
    agreement = adopt_agreement(world)
    for username in MEMBERS:
        with django_capture_on_commit_callbacks(execute=True):
            sign(world, username, agreement)
    seal = Seal.objects.get(agreement=agreement)
    assert seal.status == Seal.Status.SEALED, seal.error
    return seal


@pytest.fixture
def sealed_bytes(sealed):
    with sealed.file.open("rb") as handle:
        return handle.read()
