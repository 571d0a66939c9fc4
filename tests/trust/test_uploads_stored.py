"""Re-validating a record whose file is already stored must not open (and leak) that file."""

import pytest

from clusters import services
from tests.trust.support import pdf_upload

pytestmark = pytest.mark.django_db


def test_updating_a_plan_with_a_stored_file_leaves_the_file_closed(world):
    plan = services.plan_update(
        actor=world.user("bantt"),
        plan=world.plan,
        expected_version=world.plan.version,
        file=pdf_upload("ke-hoach.pdf", "Ke hoach"),
    )
    plan.refresh_from_db()
    plan = services.plan_update(
        actor=world.user("bantt"), plan=plan, expected_version=plan.version, title="Kế hoạch mới"
    )
    plan.refresh_from_db()
    plan.full_clean()
    assert plan.title == "Kế hoạch mới"
    assert plan.file.name.endswith(".pdf")
    assert plan.file.closed, "validating the stored file opened it"
