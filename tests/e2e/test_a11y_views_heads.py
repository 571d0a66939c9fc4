"""axe on one page of every view a visitor, a viewer, an outsider and the heads' chairs open,
at both sizes.

See tests/e2e/a11y_views.py. The 2020 head's chair comes last: the moments made for it (a
circulated amendment of 2020, its own remote signing turn in 2021) would change what the others
reach.
"""

import pytest

from tests.e2e.a11y_views import STAGE, check_roles

pytestmark = pytest.mark.browser


def test_one_page_of_every_view_has_no_serious_violation(axe_page, live_server, live_stage):
    world = live_stage(STAGE)
    problems = check_roles(
        axe_page, live_server.url, world, [None, "xem", "ngoai", "hoankiem", "dongda"]
    )
    assert not problems, "\n".join(problems)
