"""In Chromium at a phone's size (375×812): the last chair draws a signature with the mouse, signs,
and the agreement is sealed."""

import io
import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from agreements.models import Agreement
from agreements.signing.models import Seal, Signature
from demo.foundation import DEMO_PASSWORD
from tests.agreements.signing.support import MEMBERS, adopt_agreement, sign
from tests.e2e.conftest import SCREENSHOTS

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 812}


def log_in(page, base_url, username):
    page.goto(base_url + reverse("login"))
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("form[action$='/accounts/login/'] button[type=submit]")
    expect(page).to_have_url(re.compile(re.escape(base_url + reverse("dashboard")) + "$"))


def draw(page, canvas):
    """Draw a signature-like stroke across the canvas with the mouse."""
    box = canvas.bounding_box()
    x0, y0 = box["x"] + 20, box["y"] + box["height"] * 0.6
    page.mouse.move(x0, y0)
    page.mouse.down()
    for i in range(1, 40):
        x = x0 + i * (box["width"] - 40) / 40
        y = y0 - (25 if i % 6 < 3 else -10) * (1 if i % 2 else 0.6)
        page.mouse.move(x, y, steps=2)
    page.mouse.up()


def test_a_chair_draws_and_signs_on_a_phone(browser, browser_context_args, live_server, live_world):
    world, base = live_world, live_server.url
    SCREENSHOTS.mkdir(exist_ok=True)
    agreement = adopt_agreement(world)
    for username in MEMBERS[:-1]:
        sign(world, username, agreement)

    context = browser.new_context(**{**browser_context_args, "viewport": PHONE, "has_touch": True})
    page = context.new_page()
    try:
        log_in(page, base, "hoangmai")
        # The dashboard asks the chair to sign.
        sign_url = reverse("agreements:sign", args=[agreement.pk])
        expect(page.locator(f"a[href='{sign_url}']")).to_be_visible()
        page.goto(base + sign_url)

        expect(page.locator("#content-hash")).to_have_text(agreement.content_hash)
        expect(page.locator(".signature-block-preview")).to_contain_text("Vũ Văn G")
        # Usable at this width: nothing wider than the screen.
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], width

        canvas = page.locator("canvas[data-signature-canvas]")
        canvas.scroll_into_view_if_needed()
        expect(canvas).to_be_visible()
        assert canvas.bounding_box()["width"] > 250

        # Signing with an empty pad is stopped in the page, nothing is sent.
        page.fill("input[name=password]", DEMO_PASSWORD)
        page.check("input[name=confirm]")
        page.click("#sign-button")
        expect(page.locator("[data-signature-error]")).to_be_visible()
        expect(page).to_have_url(re.compile(re.escape(sign_url) + "$"))
        assert not Signature.objects.filter(unit=world.unit("hoangmai")).exists()

        canvas.scroll_into_view_if_needed()
        draw(page, canvas)
        expect(page.locator("[data-signature-error]")).to_be_hidden()
        page.screenshot(path=str(SCREENSHOTS / "signing-375x812-drawn.png"), full_page=True)

        page.click("#sign-button")
        status_url = reverse("agreements:signing", args=[agreement.pk])
        expect(page).to_have_url(re.compile(re.escape(status_url) + "$"), timeout=60_000)
        expect(page.locator("#signing-status")).to_contain_text("6 / 6")
        sealed_link = page.locator(
            f"a[href='{reverse('agreements:sealed_pdf', args=[agreement.pk])}']"
        )
        expect(sealed_link).to_be_visible()
        page.screenshot(path=str(SCREENSHOTS / "signing-375x812-sealed.png"), full_page=True)
    finally:
        context.close()

    signature = Signature.objects.get(agreement=agreement, unit=world.unit("hoangmai"))
    assert signature.method == Signature.Method.DRAWN
    from PIL import Image

    with Image.open(io.BytesIO(bytes(signature.image))) as image:
        assert image.format == "PNG"
        assert image.getchannel("A").getbbox() is not None  # there is ink
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.SEALED
    assert Seal.objects.get(agreement=agreement).status == Seal.Status.SEALED
