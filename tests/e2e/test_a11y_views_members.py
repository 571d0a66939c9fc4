"""axe on one page of every view a member's chair, the officers and the clerks open, at both sizes.

See tests/e2e/a11y_views.py. The member's chair comes first: the moment made for it (2021 signed,
reviewed and at its year-end vote) leaves the others nothing they must check; the head's officer's
draft amendment of 2020 comes after it.
"""

import pytest

from tests.e2e.a11y_views import STAGE, check_roles

pytestmark = pytest.mark.browser


def test_one_page_of_every_view_has_no_serious_violation(axe_page, live_server, live_stage):
    world = live_stage(STAGE)
    problems = check_roles(
        axe_page,
        live_server.url,
        world,
        ["badinh", "canbo.dongda", "canbo.badinh", "vanthu.hoankiem", "vanthu.badinh"],
    )
    assert not problems, "\n".join(problems)
