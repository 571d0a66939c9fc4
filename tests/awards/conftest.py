"""The awards world: the results world with a locked ranking and the 2020 award catalogue."""

import pytest

from tests.awards.support import build_catalogue, full_meeting, lock_ranking, meeting
from tests.results.support import results  # noqa: F401  (the results world, a fixture)


@pytest.fixture
def ranked(results):  # noqa: F811  (the fixture imported above)
    """The year-end ranking locked and the catalogue built: a vote can be prepared."""
    lock_ranking(results)
    build_catalogue(results.world)
    return results.world


@pytest.fixture
def the_meeting(ranked):
    return meeting(ranked)


@pytest.fixture
def voted(results):  # noqa: F811
    """The ranking locked, the catalogue built (world.flag, .merit, .person) and the year-end
    meeting's votes held: a proposal file can be made."""
    lock_ranking(results)
    world = results.world
    world.flag, world.merit, world.person = build_catalogue(world)
    world.meeting = full_meeting(world)
    return world
