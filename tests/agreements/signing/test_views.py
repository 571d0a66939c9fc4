"""The signing pages: who sees what, every refusal through the web, the status panel, the seal."""

import base64

import pytest
from axes.models import AccessAttempt
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agreements.models import Agreement
from agreements.signing import services as signing
from agreements.signing.models import Decline, PaperSigning, Seal, Signature, SigningClosure
from core.models import AuditEntry
from demo.foundation import DEMO_PASSWORD
from tests.agreements.signing.support import MEMBERS, adopt_agreement, drawn_png, scan_pdf, sign


def url(name, *args):
    return reverse(f"agreements:{name}", args=args)


def data_url(png):
    return "data:image/png;base64," + base64.b64encode(png).decode()


@pytest.fixture(autouse=True)
def _english(settings):
    """Messages are asserted in English (the msgids), whatever catalogue is compiled."""
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def agreement(world):
    return adopt_agreement(world)


def sign_post(agreement, unit, **overrides):
    return {
        "unit": unit.pk,
        "method": "drawn",
        "image": data_url(drawn_png()),
        "content_hash": agreement.content_hash,
        "password": DEMO_PASSWORD,
        "confirm": "on",
        **overrides,
    }


# --- the signing page ----------------------------------------------------------------------


def test_the_signing_page_shows_the_frozen_content_its_hash_and_the_signer(
    world, agreement, client_for
):
    response = client_for(world.user("hoankiem")).get(url("sign", agreement.pk))
    assert response.status_code == 200
    text = response.text
    assert agreement.content_hash in text
    assert "Triển khai thực hiện có hiệu quả các nhiệm vụ" in text
    assert "Phạm Văn D" in text
    assert "TM. BAN THƯỜNG TRỰC" in text and "CHỦ TỊCH" in text
    assert "data-signature-canvas" in text
    assert 'name="password"' in text
    assert "signature_pad.umd.min.js" in text and "js/signature-pad.js" in text


@pytest.mark.parametrize(
    ("username", "status"),
    [("ngoai", 404), ("xem", 403), ("canbo.dongda", 403), ("bantt", 403)],
)
def test_only_signatories_open_the_signing_page(world, agreement, client_for, username, status):
    client = client_for(world.user(username))
    assert client.get(url("sign", agreement.pk)).status_code == status
    response = client.post(url("sign", agreement.pk), sign_post(agreement, world.unit("dongda")))
    assert response.status_code == status
    assert not Signature.objects.exists()


def test_anonymous_visitors_are_sent_to_log_in(agreement, client):
    response = client.post(url("sign", agreement.pk), {})
    assert response.status_code == 302
    assert reverse("login") in response["Location"]
    assert not Signature.objects.exists()


def test_signing_through_the_page(world, agreement, client_for):
    client = client_for(world.user("badinh"))
    response = client.post(
        url("sign", agreement.pk),
        sign_post(agreement, world.unit("badinh")),
        HTTP_USER_AGENT="Mozilla/5.0 (iPhone)",
        REMOTE_ADDR="198.51.100.23",
    )
    assert response.status_code == 302
    assert response["Location"] == url("signing", agreement.pk)
    signature = Signature.objects.get(agreement=agreement, unit=world.unit("badinh"))
    assert signature.method == "drawn"
    entry = AuditEntry.objects.for_object(signature).get(action="signature.sign")
    assert (entry.ip, entry.user_agent) == ("198.51.100.23", "Mozilla/5.0 (iPhone)")
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.SIGNING
    # Nothing left to sign for Ba Đình: the page says so, and a second post stores nothing.
    again = client.get(url("sign", agreement.pk))
    assert again.status_code == 200 and "sign-form" not in again.text
    client.post(url("sign", agreement.pk), sign_post(agreement, world.unit("badinh")))
    assert Signature.objects.filter(unit=world.unit("badinh")).count() == 1


def test_the_keyboard_path_types_the_name(world, agreement, client_for):
    response = client_for(world.user("longbien")).post(
        url("sign", agreement.pk), sign_post(agreement, world.unit("longbien"), method="typed")
    )
    assert response.status_code == 302
    assert Signature.objects.get(unit=world.unit("longbien")).method == "typed"


def test_a_wrong_password_is_refused_on_the_page(world, agreement, client_for):
    response = client_for(world.user("badinh")).post(
        url("sign", agreement.pk), sign_post(agreement, world.unit("badinh"), password="nope")
    )
    assert response.status_code == 400
    [error] = response.context["form"].errors["password"]
    assert error.startswith("The password is not correct.")
    assert "After 4 more wrong passwords" in error
    assert not Signature.objects.exists()
    wrong = AuditEntry.objects.filter(action="account.password_wrong")
    assert list(wrong.values_list("object_id", flat=True)) == [str(world.user("badinh").pk)]


def test_guessing_the_password_by_signing_locks_signing_and_logging_in(world, agreement, client):
    """Wrong passwords on the signing page count with the log-in failures of the same pair."""
    client.force_login(world.user("badinh"))
    page = url("sign", agreement.pk)
    for attempt in range(1, 5):
        response = client.post(
            page, sign_post(agreement, world.unit("badinh"), password=f"x{attempt}")
        )
        assert response.status_code == 400, attempt
    locked = client.post(page, sign_post(agreement, world.unit("badinh"), password="x5"))
    assert locked.status_code == 429
    assert int(locked["Retry-After"]) > 0
    assert AccessAttempt.objects.get(username="badinh").failures_since_start == 5
    # Locked: the page, the right password, and logging in from that address.
    assert client.get(page).status_code == 429
    assert client.post(page, sign_post(agreement, world.unit("badinh"))).status_code == 429
    assert not Signature.objects.exists()
    client.logout()
    login = client.post(reverse("login"), {"username": "badinh", "password": DEMO_PASSWORD})
    assert login.status_code == 429
    assert AuditEntry.objects.filter(action="account.password_wrong").count() == 5


def test_the_right_password_after_a_wrong_one_signs(world, agreement, client_for):
    client = client_for(world.user("badinh"))
    client.post(url("sign", agreement.pk), sign_post(agreement, world.unit("badinh"), password="x"))
    response = client.post(url("sign", agreement.pk), sign_post(agreement, world.unit("badinh")))
    assert response.status_code == 302
    assert Signature.objects.filter(unit=world.unit("badinh")).count() == 1


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"image": ""}, "image"),
        ({"image": "data:image/gif;base64,R0lGODlh"}, "image"),
        ({"image": "data:image/png;base64,@@@"}, "image"),
        ({"confirm": ""}, "confirm"),
        ({"method": "paper"}, "method"),
    ],
)
def test_bad_input_is_refused_on_the_page(world, agreement, client_for, overrides, field):
    response = client_for(world.user("badinh")).post(
        url("sign", agreement.pk), sign_post(agreement, world.unit("badinh"), **overrides)
    )
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert not Signature.objects.exists()


def test_a_draft_shows_why_it_cannot_be_signed(world, client_for):
    from agreements import services

    draft = services.agreement_create(
        actor=world.user("dongda"), cluster_year=world.cluster_year, origin="blank"
    )
    client = client_for(world.user("dongda"))
    response = client.get(url("sign", draft.pk))
    assert response.status_code == 200
    assert "still a draft" in response.text
    response = client.post(url("sign", draft.pk), sign_post(draft, world.unit("dongda")))
    assert response.status_code == 302
    assert not Signature.objects.exists()


def test_declining_through_the_page(world, agreement, client_for):
    response = client_for(world.user("hoangmai")).post(
        url("decline", agreement.pk),
        {"unit": world.unit("hoangmai").pk, "reason": "Chỉ tiêu 2.1 chưa phù hợp."},
    )
    assert response.status_code == 302
    assert Decline.objects.get().reason == "Chỉ tiêu 2.1 chưa phù hợp."
    # The cluster head sees the reason; an outsider does not see the page at all.
    status = client_for(world.user("canbo.dongda")).get(url("signing", agreement.pk))
    assert "Chỉ tiêu 2.1 chưa phù hợp." in status.text
    assert client_for(world.user("ngoai")).get(url("signing", agreement.pk)).status_code == 404


def test_a_saved_signature_is_kept_in_the_profile(world, agreement, client_for):
    client = client_for(world.user("badinh"))
    assert client.get(url("saved_signature")).status_code == 200
    response = client.post(url("saved_signature"), {"image": data_url(drawn_png(2))})
    assert response.status_code == 302
    page = client.get(url("sign", agreement.pk))
    assert 'value="saved"' in page.text
    response = client.post(
        url("sign", agreement.pk), sign_post(agreement, world.unit("badinh"), method="saved")
    )
    assert response.status_code == 302
    client.post(url("saved_signature_delete"))
    assert 'value="saved"' not in client.get(url("sign", agreement.pk)).text


# --- the status panel ----------------------------------------------------------------------


def test_the_status_panel_lists_who_signed_and_who_not(world, agreement, client_for):
    sign(world, "dongda", agreement)
    response = client_for(world.user("xem")).get(url("signing", agreement.pk))
    assert response.status_code == 200
    assert "1 / 6" in response.text
    assert "Đỗ Trọng Nam" in response.text
    partial = client_for(world.user("xem")).get(
        url("signing", agreement.pk), HTTP_HX_REQUEST="true"
    )
    assert partial.text.lstrip().startswith('<section id="signing-status"')
    assert "<html" not in partial.text


def test_the_status_panel_query_count_does_not_grow_with_signatures(world, agreement, client_for):
    client = client_for(world.user("canbo.dongda"))
    sign(world, "dongda", agreement)
    client.get(url("signing", agreement.pk))  # warm the per-process caches (content types…)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url("signing", agreement.pk)).status_code == 200
    for username in MEMBERS[2:]:
        sign(world, username, agreement)
    (paper,) = signing.paper_signing_record(
        actor=world.user("dongda"),
        agreement=agreement,
        units=[world.unit("haibatrung")],
        scan=scan_pdf(),
    )
    with CaptureQueriesContext(connection) as many:
        assert client.get(url("signing", agreement.pk)).status_code == 200
    assert len(many) == len(one), [q["sql"] for q in many.captured_queries]


def test_the_head_reminds_from_the_page(
    world, agreement, client_for, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(world.user("canbo.dongda")).post(url("signing_remind", agreement.pk))
    assert response.status_code == 302
    assert len(mailoutbox) == 6
    assert client_for(world.user("badinh")).post(
        url("signing_remind", agreement.pk)
    ).status_code == (403)
    assert client_for(world.user("ngoai")).post(
        url("signing_remind", agreement.pk)
    ).status_code == (404)


# --- paper signing and closing -------------------------------------------------------------


def test_paper_signing_through_the_pages(world, agreement, client_for):
    head = client_for(world.user("canbo.dongda"))
    assert head.get(url("paper_record", agreement.pk)).status_code == 200
    response = head.post(
        url("paper_record", agreement.pk),
        {"units": [world.unit("longbien").pk], "scan": scan_pdf()},
    )
    assert response.status_code == 302
    paper = PaperSigning.objects.get()

    assert client_for(world.user("badinh")).get(url("paper_record", agreement.pk)).status_code == (
        403
    )
    assert client_for(world.user("badinh")).post(url("paper_confirm", paper.pk)).status_code == 403
    assert client_for(world.user("ngoai")).post(url("paper_confirm", paper.pk)).status_code == 404
    scan = client_for(world.user("badinh")).get(url("paper_scan", paper.pk))
    assert scan.status_code == 200
    assert scan["Content-Disposition"].startswith("attachment")
    assert b"".join(scan.streaming_content).startswith(b"%PDF-")

    status = client_for(world.user("longbien")).get(url("signing", agreement.pk))
    assert url("paper_confirm", paper.pk) in status.text
    response = client_for(world.user("longbien")).post(url("paper_confirm", paper.pk))
    assert response.status_code == 302
    assert Signature.objects.get(unit=world.unit("longbien")).method == "paper"


def test_a_non_pdf_scan_is_refused(world, agreement, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client_for(world.user("canbo.dongda")).post(
        url("paper_record", agreement.pk),
        {
            "units": [world.unit("longbien").pk],
            "scan": SimpleUploadedFile("scan.pdf", b"<html>not a pdf</html>"),
        },
    )
    assert response.status_code == 400
    assert not PaperSigning.objects.exists()


def test_parent_staff_close_the_signing_through_the_page(
    world, agreement, client_for, django_capture_on_commit_callbacks
):
    sign(world, "dongda", agreement)
    assert client_for(world.user("canbo.dongda")).get(
        url("signing_close", agreement.pk)
    ).status_code == (403)
    staff = client_for(world.user("bantt"))
    assert staff.get(url("signing_close", agreement.pk)).status_code == 200
    assert staff.post(url("signing_close", agreement.pk), {"reason": ""}).status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(url("signing_close", agreement.pk), {"reason": "Sáp nhập đơn vị."})
    assert response.status_code == 302
    assert SigningClosure.objects.get().reason == "Sáp nhập đơn vị."
    assert Seal.objects.get().status == Seal.Status.SEALED


# --- the seal ------------------------------------------------------------------------------


@pytest.fixture
def sealed(world, agreement, django_capture_on_commit_callbacks):
    for username in MEMBERS:
        with django_capture_on_commit_callbacks(execute=True):
            sign(world, username, agreement)
    seal = Seal.objects.get(agreement=agreement)
    assert seal.status == Seal.Status.SEALED, seal.error
    return seal


def _bytes(seal):
    with seal.file.open("rb") as handle:
        return handle.read()


def test_members_download_the_sealed_pdf(world, sealed, client_for):
    response = client_for(world.user("canbo.badinh")).get(url("sealed_pdf", sealed.agreement_id))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content) == _bytes(sealed)
    assert client_for(world.user("ngoai")).get(
        url("sealed_pdf", sealed.agreement_id)
    ).status_code == (404)


def test_the_status_panel_links_the_sealed_file_and_its_verification(world, sealed, client_for):
    text = client_for(world.user("badinh")).get(url("signing", sealed.agreement_id)).text
    assert url("sealed_pdf", sealed.agreement_id) in text
    assert url("verify_code", sealed.verification_code) in text
    assert sealed.sha256 in text


def test_a_failed_seal_shows_a_retry_button(world, agreement, client_for, settings, tmp_path):
    settings.SEAL_PKCS12_PATH = tmp_path / "missing.p12"
    for username in MEMBERS:
        sign(world, username, agreement)
    from agreements.signing import tasks

    assert tasks.seal_now(agreement.pk) == Seal.Status.FAILED
    head = client_for(world.user("canbo.dongda"))
    assert url("seal_retry", agreement.pk) in head.get(url("signing", agreement.pk)).text
    assert (
        url("seal_retry", agreement.pk)
        not in client_for(world.user("badinh")).get(url("signing", agreement.pk)).text
    )
    assert client_for(world.user("badinh")).post(url("seal_retry", agreement.pk)).status_code == 403
    response = client_for(world.user("canbo.dongda")).post(url("seal_retry", agreement.pk))
    assert response.status_code == 302
    assert Seal.objects.get(agreement=agreement).status == Seal.Status.PENDING


# --- the panel on other pages, and the dashboard -------------------------------------------


def render_panel(user, agreement):
    from django.template import Context, Template
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = user
    template = Template("{% load signing %}{% signing_status agreement %}")
    return template.render(Context({"request": request, "agreement": agreement}))


def test_the_panel_tag_renders_for_an_adopted_agreement_only(world, agreement):
    from agreements import services

    sign(world, "dongda", agreement)
    html = render_panel(world.user("badinh"), agreement)
    assert 'id="signing-status"' in html
    assert "Đỗ Trọng Nam" in html
    assert url("sign", agreement.pk) in html  # Ba Đình's chair may still sign
    head = world.user("dongda")
    amendment = services.agreement_amend(actor=head, agreement=agreement, reason="Sửa")
    assert render_panel(world.user("badinh"), amendment).strip() == ""  # a draft: no panel


def test_a_superseded_agreement_shows_its_signatures_as_void(world, agreement):
    from agreements import services

    head = world.user("dongda")
    sign(world, "dongda", agreement)
    amendment = services.agreement_amend(actor=head, agreement=agreement, reason="Sửa")
    services.agreement_circulate(actor=head, agreement=amendment)
    services.agreement_adopt(actor=head, agreement=amendment)
    agreement.refresh_from_db()
    signing.signatures_void(actor=head, agreement=agreement)
    html = render_panel(world.user("badinh"), agreement)
    assert "Đỗ Trọng Nam" in html
    assert "void: the agreement was superseded" in html
    assert url("sign", agreement.pk) not in html


def test_signatories_see_the_request_on_their_dashboard(world, agreement, client_for):
    sign(world, "dongda", agreement)
    page = client_for(world.user("badinh")).get(reverse("dashboard"))
    assert url("sign", agreement.pk) in page.text
    # Signed already, or not a signatory: no request.
    assert (
        url("sign", agreement.pk)
        not in client_for(world.user("dongda")).get(reverse("dashboard")).text
    )
    assert (
        url("sign", agreement.pk)
        not in client_for(world.user("canbo.badinh")).get(reverse("dashboard")).text
    )


def test_a_paper_signing_to_confirm_is_on_the_dashboard(world, agreement, client_for):
    (paper,) = signing.paper_signing_record(
        actor=world.user("dongda"),
        agreement=agreement,
        units=[world.unit("longbien")],
        scan=scan_pdf(),
    )
    page = client_for(world.user("longbien")).get(reverse("dashboard"))
    assert "Confirm or contest the paper signing" in page.text
