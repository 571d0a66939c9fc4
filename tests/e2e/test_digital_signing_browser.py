"""The 2021 story in Chromium, in Vietnamese: the demo's agreement is signed in mixed mode (Hoàn
Kiếm's chair and clerk signed digitally in the demo; four units sign simply here). Ba Đình's chair
signs remotely from a phone — the demo provider's own page asks for the PIN — then Ba Đình's clerk
adds the organisation signature from a desktop; that is the last unit, so the file is closed and
sealed. `pdfsig` and `verify_pdf` then check every signature of the result."""

import io
import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from agreements.models import Agreement
from agreements.signing.digital.models import SignatureSlot
from agreements.signing.models import Seal
from tests.agreements.signing.digital.support import nss_db, pdfsig
from tests.agreements.signing.support import sign
from tests.e2e.conftest import PHONE, log_in

pytestmark = pytest.mark.browser

SIMPLY = ["haibatrung", "dongda", "hoangmai", "longbien"]
DEMO_PIN = "123456"


def field_button(page, agreement, unit, kind):
    field = SignatureSlot.objects.get(agreement=agreement, unit=unit, kind=kind)
    return page.locator(f"#field-{field.name} button[type=submit]")


def test_a_chair_signs_remotely_on_a_phone_and_the_clerk_closes_the_file(
    browser, browser_context_args, live_server, live_stage, shots, tmp_path
):
    world = live_stage("digital")
    base = live_server.url
    agreement = Agreement.objects.get(pk=world.agreement_2021.pk)
    assert agreement.signing_mode == Agreement.SigningMode.MIXED
    for username in SIMPLY:
        sign(world, username, agreement)
    signing_url = base + reverse("agreements:signing", args=[agreement.pk])
    badinh = world.unit("badinh")

    phone = browser.new_context(**{**browser_context_args, "viewport": PHONE, "has_touch": True})
    page = phone.new_page()
    log_in(page, base, "badinh")
    page.goto(signing_url)
    personal = field_button(page, agreement, badinh, SignatureSlot.Kind.PERSONAL)
    expect(personal).to_have_text("Ký số từ xa")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shots(page, "chair-signing-page")
    with page.expect_navigation(url=lambda url: not url.startswith(base), timeout=30_000):
        personal.click()  # the file is prepared, the turn taken, then off to the provider

    # The provider's page (another origin): the PIN is typed there, never in the application.
    expect(page.locator("h1")).to_have_text("DEMO Dịch vụ ký số từ xa")
    page.fill("#pin", DEMO_PIN)
    shots(page, "provider-asks-for-the-pin")
    page.click("button[value=approve]")

    expect(page).to_have_url(re.compile(re.escape(signing_url) + "$"))
    expect(page.locator(".alert-success").first).to_contain_text("Chữ ký số của bạn")
    expect(page.locator(f"#field-{personal_name(agreement, badinh)}")).to_contain_text(
        world.user("badinh").get_full_name()
    )
    # Units that signed simply say so, in the signature list and in the digital panel.
    expect(page.locator(f"#digital-unit-{world.unit('dongda').pk}")).to_contain_text(
        "Chữ ký điện tử, không phải chữ ký số"
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shots(page, "chair-signed")
    phone.close()

    desk = browser.new_context(**browser_context_args)
    page = desk.new_page()
    log_in(page, base, "vanthu.badinh")
    page.goto(signing_url)
    organisation = field_button(page, agreement, badinh, SignatureSlot.Kind.ORGANISATION)
    expect(organisation).to_have_text("Đóng chữ ký số của cơ quan, tổ chức")
    organisation.click()
    expect(page).to_have_url(re.compile(re.escape(signing_url) + "$"))
    expect(page.locator(".alert-success").first).to_contain_text("Ba Đình")
    shots(page, "clerk-closed-the-file")
    desk.close()

    agreement.refresh_from_db()
    seal = Seal.objects.get(agreement=agreement)
    assert agreement.status == Agreement.Status.SEALED and seal.status == Seal.Status.SEALED
    with seal.file.open("rb") as handle:
        final = handle.read()
    path = tmp_path / "giao-uoc-2021.pdf"
    path.write_bytes(final)

    # Poppler: every signature valid and trusted against the demo roots (two per digital unit
    # and the closing one; the application's seal is the last).
    checked = pdfsig(path, nss_db(tmp_path / "nss"))
    assert len(checked) == 5 and all(valid and trusted for valid, trusted, _name in checked)
    out = io.StringIO()
    call_command("verify_pdf", str(path), stdout=out)  # exits 0 only when authentic
    printed = out.getvalue()
    assert "Signatures: 5" in printed and "AUTHENTIC" in printed
    assert printed.count(": valid, revocation good") == 5


def personal_name(agreement, unit):
    return SignatureSlot.objects.get(
        agreement=agreement, unit=unit, kind=SignatureSlot.Kind.PERSONAL
    ).name
