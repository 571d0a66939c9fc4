"""A failure while rendering or sealing leaves the agreement signed, unsealed and retryable.

The 2021 agreement: Long Biên's paper signing awaits confirmation, Hoàn Kiếm signed digitally;
the four other chairs sign online and parent staff confirm the paper, which completes the signing
and enqueues the closing and the seal.
"""

import hashlib

import pytest
from django.urls import reverse
from django.utils import timezone

from agreements.models import Agreement
from agreements.signing import tasks, verification
from agreements.signing.digital import closing
from agreements.signing.models import PaperSigning, Seal, Signature
from agreements.signing.services import paper_signing_confirm, signature_sign
from core.models import AuditEntry
from tests.trust.support import client_as

pytestmark = pytest.mark.django_db

# Hoàn Kiếm's chair and clerk signed digitally in the demo (the 2021 agreement is mixed), so the
# file is closed by the digital path: the closing signature and the application's seal.
SIGNERS = ["haibatrung", "dongda", "badinh", "hoangmai"]


def complete_the_signing(world, capture):
    agreement = world.agreement_2021
    with capture(execute=True):
        for username in SIGNERS:
            signature_sign(
                actor=world.user(username),
                agreement=agreement,
                unit=world.unit(username),
                method=Signature.Method.TYPED,
                content_hash=agreement.content_hash,
            )
        # Long Biên's chair let the period for contesting pass: parent staff may confirm.
        PaperSigning.objects.filter(pk=world.paper.pk).update(contest_until=timezone.now())
        paper_signing_confirm(actor=world.user("bantt"), paper=world.paper)
    agreement.refresh_from_db()
    return agreement


def break_the_certificate(settings, tmp_path):
    settings.SEAL_PKCS12_PATH = tmp_path / "missing" / "seal.p12"


def break_the_renderer(monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("WeasyPrint ran out of memory")

    monkeypatch.setattr(tasks, "render_pdf", fail)
    monkeypatch.setattr(closing, "render_pdf", fail)  # the signing record of a digital file


@pytest.mark.parametrize("failure", ["certificate", "renderer"])
def test_a_failed_seal_leaves_the_agreement_signed_then_one_retry_seals_it_once(
    trust_world, settings, tmp_path, monkeypatch, django_capture_on_commit_callbacks, failure
):
    world = trust_world
    good_certificate = settings.SEAL_PKCS12_PATH
    with monkeypatch.context() as broken:
        if failure == "certificate":
            break_the_certificate(settings, tmp_path)
        else:
            break_the_renderer(broken)
        agreement = complete_the_signing(world, django_capture_on_commit_callbacks)

    seal = Seal.objects.get(agreement=agreement)
    assert agreement.status == Agreement.Status.SIGNED
    assert seal.status == Seal.Status.FAILED
    assert not seal.file and not seal.sha256
    assert seal.error
    assert AuditEntry.objects.filter(action="seal.fail", object_id=str(seal.pk)).count() == 1

    head = client_as(world, "hoankiem")
    page = head.get(reverse("agreements:signing", args=[agreement.pk]))
    retry_url = reverse("agreements:seal_retry", args=[agreement.pk])
    assert page.status_code == 200
    assert b"alert-danger" in page.content and retry_url.encode() in page.content
    # A member that does not run the signing sees the failure but no retry button.
    status_url = reverse("agreements:signing", args=[agreement.pk])
    member = client_as(world, "canbo.badinh").get(status_url)
    assert b"alert-danger" in member.content and retry_url.encode() not in member.content

    settings.SEAL_PKCS12_PATH = good_certificate  # the administrator fixes the cause
    with django_capture_on_commit_callbacks(execute=True):
        first = head.post(retry_url)
        second = head.post(retry_url)  # a double click: nothing more to retry
    assert first.status_code == 302 and second.status_code == 302

    seal.refresh_from_db()
    agreement.refresh_from_db()
    assert seal.status == Seal.Status.SEALED
    assert agreement.status == Agreement.Status.SEALED
    assert seal.attempts == 2
    data = seal.file.read()
    seal.file.close()
    assert hashlib.sha256(data).hexdigest() == seal.sha256
    answer = verification.verify_bytes(data)  # what the public verification page says
    assert answer.authentic and answer.digital, answer.reasons
    assert [s.verdict for s in answer.signatures] == ["valid"] * len(answer.signatures)
    assert AuditEntry.objects.filter(action="seal.sealed", object_id=str(seal.pk)).count() == 1
    assert AuditEntry.objects.filter(action="seal.retry", object_id=str(seal.pk)).count() == 1
    assert tasks.seal_now(agreement.pk) == "skipped"
    seal.refresh_from_db()
    assert seal.sha256 == hashlib.sha256(data).hexdigest()
