"""A second factor for signatories: optional, then mandatory by OTP_REQUIRED_FOR_SIGNATORIES.

The 2021 agreement awaits signatures; Ba Đình's chair ("badinh") may sign it.
"""

import time

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from agreements.signing.models import Signature
from core.models import AuditEntry
from demo.foundation import DEMO_PASSWORD
from tests.trust.support import client_as

pytestmark = pytest.mark.django_db


def code(device, steps_ahead=0):
    """The code the user's authenticator app shows (`steps_ahead` time steps from now)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def sign_url(world):
    return reverse("agreements:sign", args=[world.agreement_2021.pk])


def enrol(client, user):
    assert client.get(reverse("otp_setup")).status_code == 200
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(reverse("otp_setup"), {"token": code(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    return device


def sign(client, world):
    return client.post(
        sign_url(world),
        {
            "unit": world.unit("badinh").pk,
            "password": DEMO_PASSWORD,
            "method": Signature.Method.TYPED,
            "content_hash": world.agreement_2021.content_hash,
            "confirm": "on",
        },
    )


def test_without_a_second_factor_a_signatory_signs_as_before(trust_world):
    client = client_as(trust_world, "badinh")
    assert client.get(sign_url(trust_world)).status_code == 200
    assert sign(client, trust_world).status_code == 302
    assert Signature.objects.filter(
        agreement=trust_world.agreement_2021, unit=trust_world.unit("badinh"), void=False
    ).exists()


def test_enrolling_shows_a_qr_code_and_confirms_with_a_code(trust_world):
    client, user = client_as(trust_world, "badinh"), trust_world.user("badinh")
    response = client.get(reverse("otp_setup"))
    assert b'src="data:image/png;base64,' in response.content
    device = TOTPDevice.objects.get(user=user, confirmed=False)

    wrong = client.post(reverse("otp_setup"), {"token": f"{(int(code(device)) + 1) % 10**6:06d}"})
    assert wrong.status_code == 400
    assert not TOTPDevice.objects.filter(user=user, confirmed=True).exists()

    device = enrol(client, user)
    assert device.confirmed
    entry = AuditEntry.objects.filter(action="otp.enrol").latest("pk")
    assert entry.actor == user


def test_an_enrolled_signatory_confirms_a_code_once_per_session_before_signing(trust_world):
    user = trust_world.user("badinh")
    enrol(client_as(trust_world, "badinh"), user)
    later = Client()  # a new session: not yet verified
    later.force_login(user)

    response = later.get(sign_url(trust_world))
    assert response.status_code == 302
    assert response.url.startswith(reverse("otp_verify"))
    refused = sign(later, trust_world)
    assert refused.status_code == 302 and refused.url.startswith(reverse("otp_verify"))
    assert not Signature.objects.filter(
        agreement=trust_world.agreement_2021, unit=trust_world.unit("badinh")
    ).exists()

    device = TOTPDevice.objects.get(user=user, confirmed=True)
    bad = later.post(reverse("otp_verify"), {"token": "000000", "next": sign_url(trust_world)})
    assert bad.status_code == 400
    device.refresh_from_db()
    assert device.throttling_failure_count == 1  # wrong codes slow down guessing
    device.throttle_reset()  # (a second later)
    good = later.post(
        reverse("otp_verify"), {"token": code(device, 1), "next": sign_url(trust_world)}
    )
    assert good.status_code == 302
    assert good.url == sign_url(trust_world)
    assert later.get(sign_url(trust_world)).status_code == 200
    assert sign(later, trust_world).status_code == 302
    assert Signature.objects.filter(
        agreement=trust_world.agreement_2021, unit=trust_world.unit("badinh"), void=False
    ).exists()


def test_verify_never_redirects_to_another_site(trust_world):
    user = trust_world.user("badinh")
    client = client_as(trust_world, "badinh")
    device = enrol(client, user)
    response = client.post(
        reverse("otp_verify"), {"token": code(device, 1), "next": "https://evil.example/"}
    )
    assert response.status_code == 302
    assert response.url == reverse("dashboard")


def test_when_mandatory_a_signatory_without_a_second_factor_cannot_sign(trust_world, settings):
    settings.OTP_REQUIRED_FOR_SIGNATORIES = True
    client, user = client_as(trust_world, "badinh"), trust_world.user("badinh")
    response = client.get(sign_url(trust_world))
    assert response.status_code == 302
    assert response.url.startswith(reverse("otp_setup"))
    refused = sign(client, trust_world)
    assert refused.status_code == 302 and refused.url.startswith(reverse("otp_setup"))
    decline = client.post(
        reverse("agreements:decline", args=[trust_world.agreement_2021.pk]),
        {"unit": trust_world.unit("badinh").pk, "reason": "Thử"},
    )
    assert decline.status_code == 302 and decline.url.startswith(reverse("otp_setup"))
    assert not Signature.objects.filter(
        agreement=trust_world.agreement_2021, unit=trust_world.unit("badinh")
    ).exists()

    enrol(client, user)  # enrolling also verifies this session
    assert client.get(sign_url(trust_world)).status_code == 200
    assert sign(client, trust_world).status_code == 302
    assert Signature.objects.filter(
        agreement=trust_world.agreement_2021, unit=trust_world.unit("badinh"), void=False
    ).exists()


def test_when_mandatory_people_who_do_not_sign_are_not_asked(trust_world, settings):
    settings.OTP_REQUIRED_FOR_SIGNATORIES = True
    # An officer does not sign: the sign page refuses as before (403), no detour to enrol.
    assert client_as(trust_world, "canbo.badinh").get(sign_url(trust_world)).status_code == 403
    assert client_as(trust_world, "canbo.badinh").get(reverse("dashboard")).status_code == 200


def test_removing_the_authenticator_needs_a_current_code(trust_world):
    client, user = client_as(trust_world, "badinh"), trust_world.user("badinh")
    device = enrol(client, user)
    client.post(reverse("otp_remove"), {"token": "123"})
    assert TOTPDevice.objects.filter(pk=device.pk).exists()
    response = client.post(reverse("otp_remove"), {"token": code(device, 1)})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert AuditEntry.objects.filter(action="otp.remove", actor=user).exists()
