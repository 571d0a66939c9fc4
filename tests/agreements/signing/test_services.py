"""Signing an adopted agreement: the rules, every refusal, paper signing, closing, sealing once."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.utils import timezone

from agreements import services
from agreements.models import Agreement
from agreements.signing import selectors as signing_selectors
from agreements.signing import services as signing
from agreements.signing.models import (
    Decline,
    PaperSigning,
    SavedSignature,
    Seal,
    Signature,
    SigningClosure,
)
from core.models import AuditEntry
from tests.agreements.signing.support import (
    MEMBERS,
    adopt_agreement,
    blank_png,
    drawn_png,
    scan_pdf,
    sign,
)


@pytest.fixture(autouse=True)
def _english(settings):
    """Messages are asserted in English (the msgids), whatever catalogue is compiled."""
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def agreement(world):
    return adopt_agreement(world)


def _refused(callable_, match):
    with pytest.raises(ValidationError) as info:
        callable_()
    text = " ".join(str(m) for m in info.value.messages)
    assert match in text, text
    return info.value


# --- the whole flow ------------------------------------------------------------------------


def test_every_member_signs_then_sealing_is_requested_once(
    world, agreement, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        first = sign(world, "haibatrung", agreement)
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.SIGNING
    assert callbacks == []  # nothing to seal yet
    assert first.signer_name == "Trần Văn B"
    assert first.signer_position == "Chủ tịch"
    assert first.signature_block == ["TM. BAN THƯỜNG TRỰC", "CHỦ TỊCH"]
    assert first.content_hash == agreement.content_hash
    assert first.unit_name == world.unit("haibatrung").name
    assert bytes(first.image).startswith(b"\x89PNG")

    for username in MEMBERS[1:-1]:
        with django_capture_on_commit_callbacks() as callbacks:
            sign(world, username, agreement)
        assert callbacks == []
    with django_capture_on_commit_callbacks() as callbacks:
        sign(world, MEMBERS[-1], agreement)
    assert len(callbacks) == 1  # the sealing task, enqueued once, after the commit

    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.SIGNED
    assert Signature.objects.filter(agreement=agreement, void=False).count() == 6
    seal = Seal.objects.get(agreement=agreement)
    assert seal.status == Seal.Status.PENDING
    assert len(seal.verification_code) >= 22  # ≥ 128 bits, URL-safe


def test_the_audit_trail_keeps_the_client_address_and_user_agent(world, agreement, client):
    from core.middleware import _request_context

    token = _request_context.set({"ip": "203.0.113.7", "user_agent": "Mozilla/5.0 (Phone)"})
    try:
        signature = sign(world, "badinh", agreement)
    finally:
        _request_context.reset(token)
    entry = AuditEntry.objects.for_object(signature).get(action="signature.sign")
    assert entry.ip == "203.0.113.7"
    assert entry.user_agent == "Mozilla/5.0 (Phone)"
    assert entry.after["content_hash"] == agreement.content_hash
    assert entry.after["method"] == "drawn"


def test_a_vice_chair_signs_with_the_kt_block(world, agreement):
    from clusters.models import Person

    vice = Person.objects.get(full_name="Bùi Thị L")
    vice.user = world.user("xem")  # give the read-only viewer's login to the vice-chair
    vice.save(update_fields=["user"])
    signature = sign(world, "xem", agreement, unit=world.unit("hoankiem"))
    assert signature.signer_name == "Bùi Thị L"
    assert signature.signature_block == ["TM. BAN THƯỜNG TRỰC", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]
    assert signature.signer_position == "Phó Chủ tịch"


def test_typed_and_saved_signatures(world, agreement):
    typed = sign(world, "badinh", agreement, method="typed")
    assert typed.method == Signature.Method.TYPED
    assert bytes(typed.image).startswith(b"\x89PNG")

    _refused(lambda: sign(world, "longbien", agreement, method="saved"), "no saved signature")
    signing.saved_signature_save(actor=world.user("longbien"), image=drawn_png(3))
    saved = sign(world, "longbien", agreement, method="saved")
    assert bytes(saved.image) == bytes(
        SavedSignature.objects.get(user=world.user("longbien")).image
    )


def test_drawing_can_be_saved_for_next_time(world, agreement):
    sign(world, "hoangmai", agreement, save_for_later=True)
    assert SavedSignature.objects.filter(user=world.user("hoangmai")).exists()


# --- refusals: nothing stored --------------------------------------------------------------


def test_a_non_signatory_cannot_sign(world, agreement):
    _refused(
        lambda: sign(world, "canbo.dongda", agreement, unit=world.unit("dongda")),
        "Only the chair",
    )
    assert not Signature.objects.exists()


def test_a_signatory_cannot_sign_for_another_unit(world, agreement):
    _refused(lambda: sign(world, "dongda", agreement, unit=world.unit("badinh")), "Only the chair")
    assert not Signature.objects.exists()


def test_a_signatory_of_a_non_member_cannot_sign(world, agreement):
    from clusters.models import Person, Position

    outsider_unit = world.other_cluster_year.memberships.first().unit
    Position.objects.create(
        person=Person.objects.get(user=world.user("ngoai")),
        unit=outsider_unit,
        title=Position.Title.CHAIR,
        can_sign=True,
        confirmation="confirmed",
    )
    _refused(lambda: sign(world, "ngoai", agreement, unit=outsider_unit), "is not a member")
    assert not Signature.objects.exists()


def test_a_unit_signs_once(world, agreement):
    sign(world, "dongda", agreement)
    _refused(lambda: sign(world, "dongda", agreement), "has already signed")
    assert Signature.objects.filter(unit=world.unit("dongda")).count() == 1


def test_the_database_refuses_a_second_live_signature(world, agreement):
    from django.db import IntegrityError, transaction

    first = sign(world, "dongda", agreement)
    duplicate = Signature(
        **{
            f.attname: getattr(first, f.attname)
            for f in Signature._meta.concrete_fields
            if not f.primary_key
        }
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


def test_a_draft_cannot_be_signed(world):
    draft = services.agreement_create(
        actor=world.user("dongda"),
        cluster_year=world.cluster_year,
        origin=Agreement.Origin.BLANK,
    )
    _refused(lambda: sign(world, "dongda", draft), "still a draft")
    assert not Signature.objects.exists()


def test_a_superseded_agreement_cannot_be_signed_and_its_signatures_turn_void(world, agreement):
    head = world.user("dongda")
    old_signature = sign(world, "dongda", agreement)
    sign(world, "badinh", agreement)
    signing.signature_decline(
        actor=world.user("hoankiem"),
        agreement=agreement,
        unit=world.unit("hoankiem"),
        reason="Chỉ tiêu 2 chưa phù hợp.",
    )
    amendment = services.agreement_amend(actor=head, agreement=agreement, reason="Sửa chỉ tiêu 2")
    services.agreement_circulate(actor=head, agreement=amendment)
    amendment = services.agreement_adopt(actor=head, agreement=amendment)
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.SUPERSEDED
    signing.signatures_void(actor=head, agreement=agreement)

    old_signature.refresh_from_db()
    assert old_signature.void and old_signature.voided_at is not None
    assert Signature.objects.filter(agreement=agreement).count() == 2  # kept, for the record
    _refused(lambda: sign(world, "longbien", agreement), "superseded")
    # The amendment's signatures start afresh.
    fresh = sign(world, "dongda", amendment)
    assert fresh.agreement == amendment and not fresh.void


def test_an_expired_session_is_refused(world, agreement):

    _refused(
        lambda: signing.signature_sign(
            actor=AnonymousUser(),
            agreement=agreement,
            unit=world.unit("dongda"),
            method="drawn",
            image=drawn_png(),
            content_hash=agreement.content_hash,
        ),
        "session has expired",
    )
    assert not Signature.objects.exists()


def test_a_stale_content_hash_is_refused(world, agreement):
    _refused(lambda: sign(world, "dongda", agreement, content_hash="0" * 64), "not the adopted")


@pytest.mark.parametrize(
    ("image", "message"),
    [
        (b"", "Draw your signature"),
        (b"GIF89a" + b"\x00" * 40, "must be a PNG"),
        (b"\x89PNG\r\n\x1a\n" + b"garbage" * 10, "cannot be read"),
        ("blank", "empty"),
        ("huge", "too large"),
    ],
)
def test_a_bad_signature_image_is_refused(world, agreement, image, message):
    if image == "blank":
        image = blank_png()
    elif image == "huge":
        image = b"\x89PNG\r\n\x1a\n" + b"\x00" * (400 * 1024)
    _refused(lambda: sign(world, "dongda", agreement, image=image), message)
    assert not Signature.objects.exists()


# --- refusal to sign -----------------------------------------------------------------------


def test_a_signatory_declines_with_a_reason(world, agreement):
    decline = signing.signature_decline(
        actor=world.user("badinh"),
        agreement=agreement,
        unit=world.unit("badinh"),
        reason="Chỉ tiêu 1.2 cao quá.",
    )
    assert decline.signer_name == "Lê Thị C"
    rows = {row.unit_id: row for row in signing_selectors.signing_rows(agreement)}
    assert rows[world.unit("badinh").pk].latest_decline == decline
    _refused(
        lambda: signing.signature_decline(
            actor=world.user("badinh"), agreement=agreement, unit=world.unit("badinh"), reason=" "
        ),
        "Say why",
    )
    # Declining is not final: the unit may still sign.
    sign(world, "badinh", agreement)


def test_only_a_signatory_declines(world, agreement):
    _refused(
        lambda: signing.signature_decline(
            actor=world.user("canbo.badinh"),
            agreement=agreement,
            unit=world.unit("badinh"),
            reason="x",
        ),
        "Only the chair",
    )
    assert not Decline.objects.exists()


# --- paper signing -------------------------------------------------------------------------


def test_paper_signing_counts_once_confirmed(world, agreement):
    head = world.user("canbo.dongda")
    records = signing.paper_signing_record(
        actor=head,
        agreement=agreement,
        units=[world.unit("longbien"), world.unit("hoangmai")],
        scan=scan_pdf(),
    )
    assert len(records) == 2
    assert records[0].scan.name == records[1].scan.name  # one stored scan
    assert len(records[0].scan_sha256) == 64
    assert records[0].signer_name == "Hoàng Thị E"
    assert not Signature.objects.exists()  # not before confirmation

    signature = signing.paper_signing_confirm(actor=world.user("longbien"), paper=records[0])
    assert signature.method == Signature.Method.PAPER
    assert signature.paper == records[0]
    assert signature.signer_name == "Hoàng Thị E"
    records[0].refresh_from_db()
    assert records[0].confirmed_by == world.user("longbien")
    _refused(
        lambda: signing.paper_signing_confirm(actor=world.user("longbien"), paper=records[0]),
        "already been confirmed",
    )
    # Parent staff may confirm too; somebody else's chair may not.
    _refused(
        lambda: signing.paper_signing_confirm(actor=world.user("badinh"), paper=records[1]),
        "Only the signatory",
    )
    # Parent staff wait until Hoàng Mai's chair could no longer contest it.
    _refused(
        lambda: signing.paper_signing_confirm(actor=world.user("bantt"), paper=records[1]),
        "may contest it until",
    )
    PaperSigning.objects.filter(pk=records[1].pk).update(contest_until=timezone.now())
    signing.paper_signing_confirm(actor=world.user("bantt"), paper=records[1])
    assert Signature.objects.filter(method="paper").count() == 2
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.SIGNING


def test_paper_signing_refusals(world, agreement):
    head = world.user("dongda")
    sign(world, "badinh", agreement)
    _refused(
        lambda: signing.paper_signing_record(
            actor=world.user("badinh"),
            agreement=agreement,
            units=[world.unit("longbien")],
            scan=scan_pdf(),
        ),
        "cluster head",
    )
    _refused(
        lambda: signing.paper_signing_record(
            actor=head, agreement=agreement, units=[world.unit("badinh")], scan=scan_pdf()
        ),
        "already signed",
    )
    from django.core.files.uploadedfile import SimpleUploadedFile

    not_pdf = SimpleUploadedFile("scan.pdf", b"just text, no PDF", content_type="application/pdf")
    _refused(
        lambda: signing.paper_signing_record(
            actor=head, agreement=agreement, units=[world.unit("longbien")], scan=not_pdf
        ),
        "does not match",
    )
    signing.paper_signing_record(
        actor=head, agreement=agreement, units=[world.unit("longbien")], scan=scan_pdf()
    )
    _refused(
        lambda: signing.paper_signing_record(
            actor=head, agreement=agreement, units=[world.unit("longbien")], scan=scan_pdf()
        ),
        "already recorded",
    )
    assert PaperSigning.objects.count() == 1


def test_a_head_withdraws_a_mistaken_paper_signing(world, agreement):
    (record,) = signing.paper_signing_record(
        actor=world.user("dongda"),
        agreement=agreement,
        units=[world.unit("longbien")],
        scan=scan_pdf(),
    )
    signing.paper_signing_withdraw(actor=world.user("dongda"), paper=record)
    _refused(
        lambda: signing.paper_signing_confirm(actor=world.user("longbien"), paper=record),
        "withdrawn",
    )
    sign(world, "longbien", agreement)


# --- closing the signing and reminders -----------------------------------------------------


def test_parent_staff_close_the_signing_with_a_reason(
    world, agreement, django_capture_on_commit_callbacks
):
    for username in MEMBERS[:4]:
        sign(world, username, agreement)
    _refused(
        lambda: signing.signing_close(actor=world.user("dongda"), agreement=agreement, reason="x"),
        "parent body's staff",
    )
    _refused(
        lambda: signing.signing_close(actor=world.user("bantt"), agreement=agreement, reason=""),
        "reason",
    )
    with django_capture_on_commit_callbacks() as callbacks:
        closure = signing.signing_close(
            actor=world.user("bantt"),
            agreement=agreement,
            reason="Quận Long Biên và Hoàng Mai đang sáp nhập.",
        )
    assert len(callbacks) == 1
    assert [u["name"] for u in closure.units_not_signed] == sorted(
        [world.unit("longbien").name, world.unit("hoangmai").name]
    )
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.SIGNED
    assert Seal.objects.filter(agreement=agreement, status="pending").exists()
    _refused(lambda: sign(world, "longbien", agreement), "finished")
    assert SigningClosure.objects.count() == 1


def test_closing_needs_somebody_to_have_signed(world, agreement):
    _refused(
        lambda: signing.signing_close(actor=world.user("bantt"), agreement=agreement, reason="x"),
        "Nobody has signed",
    )


def test_the_head_reminds_the_unsigned_signatories(
    world, agreement, mailoutbox, django_capture_on_commit_callbacks
):
    for username in MEMBERS[:4]:
        sign(world, username, agreement)
    with django_capture_on_commit_callbacks(execute=True):
        count = signing.signing_remind(actor=world.user("canbo.dongda"), agreement=agreement)
    assert count == 2
    recipients = sorted(address for m in mailoutbox for address in m.to)
    assert recipients == sorted([world.user("longbien").email, world.user("hoangmai").email])
    assert f"/agreements/{agreement.pk}/sign/" in mailoutbox[0].body
    _refused(
        lambda: signing.signing_remind(actor=world.user("badinh"), agreement=agreement),
        "cluster head",
    )


def test_a_decline_is_mailed_to_the_head(
    world, agreement, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        signing.signature_decline(
            actor=world.user("badinh"),
            agreement=agreement,
            unit=world.unit("badinh"),
            reason="Chỉ tiêu 1.2 cao quá.",
        )
    recipients = {address for m in mailoutbox for address in m.to}
    assert world.user("dongda").email in recipients
    assert any("Chỉ tiêu 1.2 cao quá." in m.body for m in mailoutbox)


# --- retry of a failed seal ----------------------------------------------------------------


def test_only_a_failed_seal_can_be_retried(world, agreement, django_capture_on_commit_callbacks):
    for username in MEMBERS:
        sign(world, username, agreement)
    _refused(
        lambda: signing.seal_retry(actor=world.user("dongda"), agreement=agreement),
        "has not failed",
    )
    Seal.objects.filter(agreement=agreement).update(status="failed", error="boom")
    _refused(
        lambda: signing.seal_retry(actor=world.user("badinh"), agreement=agreement),
        "Only the cluster head",
    )
    with django_capture_on_commit_callbacks() as callbacks:
        seal = signing.seal_retry(actor=world.user("dongda"), agreement=agreement)
    assert seal.status == Seal.Status.PENDING
    assert len(callbacks) == 1
