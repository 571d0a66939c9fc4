"""In Chromium: a criterion's maximum typed the Vietnamese way ("17,5") is saved as 17,5.

Chromium's <input type="number"> dropped the comma ("17,5" reached the server as 175); number
fields are text inputs now, read on the server by core.text.parse_number.
"""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from agreements.models import Criterion
from tests.e2e.conftest import log_in, start_blank_agreement

pytestmark = pytest.mark.browser


def _add_criterion(page, section, code, text, maximum):
    prefix = f"new-criterion-{section.pk}"
    page.click(f"#criterion-add-{section.pk} a")
    page.fill(f"input[name='{prefix}-code']", code)
    page.fill(f"textarea[name='{prefix}-text']", text)
    page.select_option(f"select[name='{prefix}-measure']", "yes_no")
    page.select_option(f"select[name='{prefix}-rule']", "all_or_nothing")
    field = page.locator(f"input[name='{prefix}-max_points']")
    expect(field).to_have_attribute("type", "text")
    expect(field).to_have_attribute("inputmode", "decimal")
    field.press_sequentially(maximum)
    page.click(f"#criterion-add-{section.pk} button[type=submit]")


def test_a_maximum_typed_with_a_decimal_comma_keeps_its_value(page, live_server, live_world):
    world, base = live_world, live_server.url
    log_in(page, base, "canbo.dongda")
    agreement = start_blank_agreement(page, base, world.cluster_year)
    page.fill("textarea[name='new-section-text']", "Công tác thi đua, khen thưởng")
    page.click("#section-add button[type=submit]")
    expect(page.locator("#sections > section.agreement-section")).to_have_count(1)
    section = agreement.sections.get()

    _add_criterion(page, section, "1.1", "Sơ kết 6 tháng", "17,5")
    rows = page.locator(f"#criteria-{section.pk} tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("17,5")
    expect(page.locator(f"#section-total-{section.pk} strong")).to_have_text("17,5")
    assert Criterion.objects.get(section=section, code="1.1").max_points == Decimal("17.5")

    _add_criterion(page, section, "1.2", "Tổng kết năm", "12.5")
    expect(rows).to_have_count(2)
    expect(page.locator(f"#section-total-{section.pk} strong")).to_have_text("30")
    expect(page.locator("#total-normal")).to_have_text("30")

    # What could hold a thousands separator is refused on its field; nothing is added.
    _add_criterion(page, section, "1.3", "Không rõ", "1.234,5")
    feedback = page.locator(f"#criterion-add-{section.pk} .invalid-feedback")
    expect(feedback).to_contain_text("hàng nghìn")
    expect(rows).to_have_count(2)
    assert sorted(
        Criterion.objects.filter(section=section).values_list("max_points", flat=True)
    ) == [
        Decimal("12.5"),
        Decimal("17.5"),
    ]
