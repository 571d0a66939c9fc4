import pytest

from demo import scale
from tests.perf.support import BIG, SMALL


@pytest.fixture
def small(db):
    return scale.build(SMALL)


@pytest.fixture
def big(db):
    return scale.build(BIG)
