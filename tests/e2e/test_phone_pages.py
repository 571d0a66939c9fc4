"""At a phone's size (375×812, Vietnamese): the pages that used to be wider than the screen
(results, public verification, printable agreement, conference, plans, comparison, result
rules) fit 375 px, as the roles who open them see them; screenshots at phone and desktop size."""

import pytest
from django.urls import reverse

from tests.e2e.conftest import PHONE, as_user

pytestmark = pytest.mark.browser

# The outermost elements that reach past the screen's right edge (to say what overflows).
WIDE = """() => {
    const width = document.documentElement.clientWidth;
    return [...document.body.querySelectorAll('*')]
        .filter(e => e.getBoundingClientRect().right > width + 1)
        .filter(e => !e.parentElement || e.parentElement.getBoundingClientRect().right <= width + 1)
        .slice(0, 5).map(e => {
            const chain = [];
            for (let b = e; b; b = b.parentElement)
                chain.push(`${b.tagName}.${b.className}:${getComputedStyle(b).overflowX}`);
            return chain.join(' < ');
        });
}"""


@pytest.fixture
def phone(browser, browser_context_args):
    context = browser.new_context(**{**browser_context_args, "viewport": PHONE, "has_touch": True})
    yield context.new_page()
    context.close()


def narrow_pages(world):
    """(who looks, what, address) of the pages that overflowed a phone."""
    from agreements.signing.models import Seal

    seal_code = Seal.objects.get(agreement=world.agreement).verification_code
    agreement, parent, year = world.agreement.pk, world.parent.pk, world.cluster_year.year
    return [
        ("dongda", "results", reverse("results:period", args=[world.period.pk])),
        ("bantt", "results-parent", reverse("results:period", args=[world.period.pk])),
        (None, "verification", reverse("agreements:verify_code", args=[seal_code])),
        ("dongda", "printable-agreement", reverse("agreements:document_print", args=[agreement])),
        ("dongda", "conference", reverse("agreements:conference", args=[agreement])),
        ("bantt", "plans", reverse("clusters:plan_list")),
        ("bantt", "comparison", reverse("results:comparison", args=[world.parent.pk])),
        ("bantt", "result-rules", reverse("results:rules", args=[parent, year])),
    ]


def test_the_pages_that_overflowed_fit_a_phone(phone, page, live_server, live_stage, shots):
    world, base = live_stage("decided"), live_server.url
    problems = []
    for screen, size in ((phone, "phone"), (page, "desktop")):
        for username, what, path in narrow_pages(world):
            as_user(screen, base, username, "vi")
            response = screen.goto(base + path)
            assert response.status == 200, (what, response.status)
            width = screen.evaluate("document.documentElement.scrollWidth")
            if size == "phone" and width > PHONE["width"]:
                problems.append(f"{what}: {width}px wide: {screen.evaluate(WIDE)}")
            shots(screen, f"{size}-{what}")
    assert not problems, "\n".join(problems)
