"""The digital signing's pages: opening it, a turn, remote signing through the provider and back,
the clerk's organisation signature, the certificates page and its confirmations, the
verification page and `verify_pdf` on a digitally signed file — and the refusals."""

import io
import re
import threading
from xml.etree import ElementTree

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import close_old_connections
from django.test import Client
from django.urls import reverse
from pyhanko.pdf_utils.reader import PdfFileReader

from agreements.models import Agreement
from agreements.signing.digital import selectors, services
from agreements.signing.digital.models import (
    Certificate,
    Confirmation,
    DocumentRevision,
    SignatureSlot,
    Turn,
)
from agreements.signing.models import Seal
from clusters import services as cluster_services
from core.errors import DomainError
from demo.pki import config
from tests.agreements.signing.digital.support import (
    approve_at_provider,
    clerk,
    install_organisation_key,
    open_digital,
    pki_file,
    prepare_everyone,
    register_chair,
    sign_organisation,
    sign_remotely,
    slot,
)
from tests.agreements.signing.support import MEMBERS, adopt_agreement, sign

pytestmark = pytest.mark.django_db


def url(name, *args, **kwargs):
    return reverse(f"agreements:{name}", args=args, kwargs=kwargs or None)


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def agreement(world):
    return adopt_agreement(world)


@pytest.fixture
def opened(world, agreement):
    prepare_everyone(world)
    open_digital(world, agreement)
    return agreement


def messages_of(response):
    return [str(m) for m in response.wsgi_request._messages]


def _year_signs(world, agreement, mode):
    cluster_services.cluster_year_signing_mode_set(
        actor=world.user("bantt"), cluster_year=agreement.cluster_year, mode=mode
    )


def test_the_head_opens_the_digital_signing_as_the_year_says(world, agreement, client_for):
    _year_signs(world, agreement, "digital")
    client = client_for(world.user("dongda"))
    page = client.get(url("signing", agreement.pk))
    assert "Open the signing with digital signatures" in page.text
    assert "Digital signatures of every unit" in page.text
    response = client.post(url("digital_open", agreement.pk))
    assert response.status_code == 302
    assert response["Location"] == url("signing", agreement.pk)
    assert DocumentRevision.objects.filter(agreement=agreement).count() == 1
    assert "ChuTich_1" in client.get(url("signing", agreement.pk)).text


@pytest.mark.parametrize(("username", "status"), [("badinh", 403), ("ngoai", 404)])
def test_only_the_heads_people_open_it(world, agreement, client_for, username, status):
    _year_signs(world, agreement, "digital")
    response = client_for(world.user(username)).post(url("digital_open", agreement.pk))
    assert response.status_code == status
    assert not DocumentRevision.objects.filter(agreement=agreement).exists()


def test_a_simple_year_is_not_opened_digitally(world, agreement, client_for):
    client = client_for(world.user("dongda"))
    assert (
        "Open the signing with digital signatures"
        not in client.get(url("signing", agreement.pk)).text
    )
    response = client.post(url("digital_open", agreement.pk))
    assert response.status_code == 302
    assert messages_of(response) == [
        "This year's agreement is signed the simple way, not digitally."
    ]
    assert not DocumentRevision.objects.filter(agreement=agreement).exists()


def test_a_chair_signs_remotely_through_the_provider_and_back(world, opened, client_for):
    client = client_for(world.user("badinh"))
    field = slot(opened, "badinh", SignatureSlot.Kind.PERSONAL, world)
    response = client.post(url("digital_sign", opened.pk, field.pk))
    assert response.status_code == 302
    provider = response["Location"]
    assert provider.startswith(settings.REMOTE_SIGNING_URL + "/oauth2/authorize?")
    answer = approve_at_provider(provider)
    back = client.get(url("digital_return"), answer)
    assert back.status_code == 302 and back["Location"] == url("signing", opened.pk)
    revision = selectors.latest_revision(opened)
    assert revision.slot == field and revision.added_by == world.user("badinh")
    assert revision.channel == DocumentRevision.Channel.REMOTE


def test_a_wrong_pin_at_the_provider_leaves_the_turn_open(world, opened, client_for):
    client = client_for(world.user("badinh"))
    field = slot(opened, "badinh", SignatureSlot.Kind.PERSONAL, world)
    provider = client.post(url("digital_sign", opened.pk, field.pk))["Location"]
    answer = approve_at_provider(provider, pin="000000")
    assert "PIN" in answer["page"]
    assert Turn.objects.get(agreement=opened).state == Turn.State.ACTIVE
    assert selectors.latest_revision(opened).number == 0


def logged_in(user):
    """A client of its own (the `client_for` fixture shares one between users)."""
    client = Client()
    client.force_login(user)
    return client


def test_another_signer_waits_in_line_then_signs(world, opened):
    first = logged_in(world.user("badinh"))
    first.post(url("digital_sign", opened.pk, slot(opened, "badinh", "personal", world).pk))
    second = logged_in(world.user("longbien"))
    response = second.post(
        url("digital_sign", opened.pk, slot(opened, "longbien", "personal", world).pk)
    )
    turn = Turn.objects.get(agreement=opened, user=world.user("longbien"))
    assert response["Location"] == url("digital_turn", turn.pk)
    # The signing page shows each field's open turn: one signing now, the other in line.
    turns = {row.slot.pk: row.turn for row in selectors.slot_rows(opened)}
    assert turns[slot(opened, "badinh", "personal", world).pk].state == Turn.State.ACTIVE
    assert turns[slot(opened, "longbien", "personal", world).pk].state == Turn.State.WAITING
    assert turns[slot(opened, "dongda", "personal", world).pk] is None
    status = second.get(url("signing", opened.pk)).text
    assert "Signing now" in status and "Waiting in line" in status
    page = second.get(url("digital_turn", turn.pk))
    assert "You are number 2 in line" in page.text
    assert second.get(url("digital_turn", turn.pk), HTTP_HX_REQUEST="true").status_code == 200
    # The first leaves: the turn passes on, and the second goes to the provider.
    first_turn = Turn.objects.get(agreement=opened, user=world.user("badinh"))
    assert first.post(url("digital_turn", first_turn.pk), {"cancel": "1"}).status_code == 302
    turn.refresh_from_db()
    assert turn.state == Turn.State.ACTIVE
    provider = second.post(url("digital_turn", turn.pk))["Location"]
    second.get(url("digital_return"), approve_at_provider(provider))
    assert selectors.latest_revision(opened).added_by == world.user("longbien")


def test_a_turn_is_its_signers_only(world, opened, client_for):
    client_for(world.user("badinh")).post(
        url("digital_sign", opened.pk, slot(opened, "badinh", "personal", world).pk)
    )
    turn = Turn.objects.get(agreement=opened)
    assert client_for(world.user("dongda")).get(url("digital_turn", turn.pk)).status_code == 404


@pytest.mark.parametrize(
    ("username", "status"), [("dongda", 403), ("canbo.badinh", 403), ("ngoai", 404)]
)
def test_nobody_signs_another_units_field(world, opened, client_for, username, status):
    field = slot(opened, "badinh", SignatureSlot.Kind.PERSONAL, world)
    response = client_for(world.user(username)).post(url("digital_sign", opened.pk, field.pk))
    assert response.status_code == status
    assert not Turn.objects.exists()


def test_the_clerk_applies_the_organisation_signature(world, opened, client_for):
    sign_remotely(world, opened, "badinh")
    field = slot(opened, "badinh", SignatureSlot.Kind.ORGANISATION, world)
    response = client_for(clerk(world, "badinh")).post(url("digital_sign", opened.pk, field.pk))
    assert response.status_code == 302
    assert "The organisation signature of Ba Đình is on the agreement." in messages_of(response)
    assert selectors.latest_revision(opened).slot == field


def test_the_certificates_page_registers_and_a_second_person_confirms(world, client_for):
    chair = world.user("badinh")
    client = client_for(chair)
    assert client.get(url("certificates")).status_code == 200
    pem = pki_file(config.chair_arch("badinh"), f"{config.chair_label('badinh')}.cert.pem")
    response = client.post(
        url("certificate_register"),
        {"certificate": SimpleUploadedFile("c.pem", pem.read_bytes()), "remote_credential": ""},
    )
    assert response.status_code == 302
    record = Certificate.objects.get(person=chair.person)
    assert record.status == Confirmation.PENDING
    own = client.post(url("registration_confirm", "certificate", record.pk))
    assert own.status_code == 403  # the holder is not the parent body's staff
    staff = client_for(world.user("bantt"))
    assert record.subject_name in staff.get(url("certificates")).text
    staff.post(url("registration_confirm", "certificate", record.pk))
    record.refresh_from_db()
    assert record.status == Confirmation.CONFIRMED and record.confirmed_by == world.user("bantt")


def test_a_file_that_is_not_a_certificate_says_so(world, client_for):
    response = client_for(world.user("badinh")).post(
        url("certificate_register"),
        {"certificate": SimpleUploadedFile("c.pem", b"not a certificate"), "remote_credential": ""},
    )
    assert response.status_code == 302
    assert any("not a certificate" in m for m in messages_of(response))
    assert not Certificate.objects.exists()


def test_a_wrong_pkcs12_password_is_a_message(world, client_for):
    pfx = (settings.DEV_KEYS_DIR / "seal.p12").read_bytes()  # password-protected
    response = client_for(clerk(world, "badinh")).post(
        url("organisation_key_install", world.unit("badinh").pk),
        {"pkcs12": SimpleUploadedFile("k.p12", pfx), "password": "wrong"},
    )
    assert response.status_code == 302
    assert any("wrong password" in m for m in messages_of(response))


def test_verify_pdf_and_the_verification_page_list_every_signature(
    world, opened, client, tmp_path, django_capture_on_commit_callbacks
):
    for username in MEMBERS:
        sign_remotely(world, opened, username)
        with django_capture_on_commit_callbacks(execute=True):
            sign_organisation(world, opened, username)
    seal = Seal.objects.get(agreement=opened)
    with seal.file.open("rb") as handle:
        final = handle.read()
    page = client.post(
        url("verify_code", seal.verification_code),
        {"file": SimpleUploadedFile("giao-uoc.pdf", final, content_type="application/pdf")},
    )
    assert page.status_code == 200
    result = page.context["result"]
    assert result.authentic and len(result.signatures) == 13
    assert {s.unit for s in result.signatures[:12]} == {world.unit(u).name for u in MEMBERS}
    assert "Valid and trusted; revocation checked" in page.text
    record = client.get(url("signing_record_pdf", seal.verification_code))
    assert record.status_code == 200 and record["Content-Type"] == "application/pdf"
    assert b"".join(record.streaming_content).startswith(b"%PDF-")
    path = tmp_path / "final.pdf"
    path.write_bytes(final)
    out = io.StringIO()
    call_command("verify_pdf", str(path), stdout=out)  # exits 0: authentic
    printed = out.getvalue()
    assert "Signatures: 13" in printed and "AUTHENTIC" in printed
    listed = [line for line in printed.splitlines() if re.match(r"\s*\d+\. ", line)]
    assert len(listed) == 13 and all(": valid, revocation good" in line for line in listed)
    assert all(world.unit(u).name in printed for u in MEMBERS)


@pytest.mark.django_db(transaction=True)
def test_six_clerks_at_the_same_moment_all_sign_in_turn(world, opened):
    """Six organisation signatures asked for at once: each waits its turn on the latest
    revision; all six end up in the file, nothing lost, nobody restarted."""
    for username in MEMBERS:
        sign_remotely(world, opened, username)
    errors = []

    def sign(username):
        try:
            user = clerk(world, username)
            field = slot(opened, username, SignatureSlot.Kind.ORGANISATION, world)
            turn = services.turn_request(
                actor=user,
                agreement=opened,
                slot=field,
                channel=DocumentRevision.Channel.SERVER_KEY,
            )
            for _ in range(600):
                turn.refresh_from_db()
                if turn.state == Turn.State.ACTIVE:
                    services.organisation_sign(actor=user, turn=turn)
                    return
                threading.Event().wait(0.05)
            errors.append(f"{username}: no turn")
        except Exception as error:  # noqa: BLE001
            errors.append(f"{username}: {error!r}")
        finally:
            close_old_connections()

    threads = [threading.Thread(target=sign, args=(u,)) for u in MEMBERS]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    organisation = DocumentRevision.objects.filter(
        agreement=opened, slot__kind=SignatureSlot.Kind.ORGANISATION
    )
    assert organisation.count() == 6
    assert not Turn.objects.filter(agreement=opened, state__in=["failed", "expired"]).exists()
    numbers = list(
        DocumentRevision.objects.filter(agreement=opened).values_list("number", flat=True)
    )
    assert sorted(numbers)[:13] == list(range(13))


def test_producer_stays_the_same_in_info_and_xmp(world, opened):
    sign_remotely(world, opened, "dongda")
    data = selectors.read_revision(selectors.latest_revision(opened))
    reader = PdfFileReader(io.BytesIO(data), strict=False)
    info = str(reader.trailer["/Info"]["/Producer"])
    xmp = reader.root["/Metadata"].get_object().data.decode()
    assert info and xmp_producer(xmp) == info


def xmp_producer(xmp):
    """pdf:Producer of an XMP packet, written as an attribute or as an element."""
    name = "{http://ns.adobe.com/pdf/1.3/}Producer"
    for element in ElementTree.fromstring(
        xmp[xmp.index("<x:xmpmeta") : xmp.index("<?xpacket end")]
    ).iter():
        if name in element.attrib:
            return element.attrib[name]
        if element.tag == name:
            return element.text
    return None


def test_pending_certificates_do_not_count(world, agreement):
    register_chair(world, "badinh", confirm=False)
    install_organisation_key(world, "badinh", confirm=False)
    open_digital(world, agreement)
    with pytest.raises(DomainError):
        sign_remotely(world, agreement, "badinh")


def test_mixed_mode_each_unit_signs_its_way_and_every_page_says_which(
    world, agreement, client_for, django_capture_on_commit_callbacks
):
    prepare_everyone(world, ["badinh"])
    open_digital(world, agreement, "mixed")
    sign_remotely(world, agreement, "badinh")
    simple_sign = url("sign", agreement.pk)
    # Ba Đình began digitally: the simple signature is no longer offered to its chair (and the
    # service refuses it); Đống Đa may still sign simply.
    assert (
        simple_sign not in client_for(world.user("badinh")).get(url("signing", agreement.pk)).text
    )
    assert simple_sign in client_for(world.user("dongda")).get(url("signing", agreement.pk)).text
    with pytest.raises(DomainError):
        sign(world, "badinh", agreement)
    with django_capture_on_commit_callbacks(execute=True):
        for username in MEMBERS:
            if username != "badinh":
                sign(world, username, agreement)
        sign_organisation(world, agreement, "badinh")
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.SEALED
    page = client_for(world.user("dongda")).get(url("signing", agreement.pk)).text
    said = page.lower().count("electronic signature, not a digital signature")
    assert said == 2 * (len(MEMBERS) - 1)  # the list of signatures and the digital panel
    seal = Seal.objects.get(agreement=agreement)
    public = Client().get(url("verify_code", seal.verification_code)).text
    assert public.count("Electronic signature, not a digital signature") == len(MEMBERS) - 1
    assert public.count("Digital signatures of the chair and the organisation") == 1


def test_a_digital_agreement_offers_no_simple_signature(world, opened, client_for):
    page = client_for(world.user("badinh")).get(url("signing", opened.pk)).text
    assert url("sign", opened.pk) not in page
    with pytest.raises(DomainError):
        sign(world, "badinh", opened)


def test_the_signing_page_reads_the_fields_with_the_agreement_whatever_the_mode(world, opened):
    """The digital panel's fields, their revisions and open turns come with the page's read of
    the agreement: the page costs the same queries signed digitally or simply (a query of its
    own before), and shows what the fields' own read shows."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from clusters.models import ClusterYear

    staff = logged_in(world.user("bantt"))
    signer = logged_in(world.user("badinh"))
    signer.post(url("digital_sign", opened.pk, slot(opened, "badinh", "personal", world).pk))
    staff.get(url("signing", opened.pk))
    with CaptureQueriesContext(connection) as digital:
        page = staff.get(url("signing", opened.pk))
    rows = selectors.slot_rows(opened)
    fields = [row.slot.name for row in rows if row.slot.kind != "closing"]
    assert fields and all(name in page.text for name in fields)
    assert "Signing now" in page.text
    ClusterYear.objects.filter(pk=opened.cluster_year_id).update(
        signing_mode=ClusterYear.SigningMode.SIMPLE
    )
    with CaptureQueriesContext(connection) as simple:
        page = staff.get(url("signing", opened.pk))
    assert page.status_code == 200 and "Signing now" not in page.text
    assert len(simple) == len(digital)


def test_the_fields_read_with_the_agreement_are_those_of_their_own_read(world, opened):
    """slot_rows_from_json gives, for every value the panel shows, what slot_rows gives."""
    from agreements import access as agreement_access

    sign_remotely(world, opened, "badinh")  # a filled field, its revision signed
    logged_in(world.user("longbien")).post(  # an open turn
        url("digital_sign", opened.pk, slot(opened, "longbien", "personal", world).pk)
    )
    agreement = (
        agreement_access.agreements_with(annotations={"digital_slots": selectors.slots_json()})
        .filter(pk=opened.pk)
        .get()
    )
    agreement_access.cluster_access.set_members_from_json(
        agreement.cluster_year, agreement.cluster_members, "default"
    )
    from_json = selectors.slot_rows_from_json(agreement, agreement.digital_slots)
    own = selectors.slot_rows(opened)

    def shown(row):
        revision = row.revision
        return (
            row.slot.pk,
            row.slot.name,
            row.slot.kind,
            row.slot.get_kind_display(),
            row.slot.unit.short_name if row.slot.unit_id else None,
            revision and (revision.pk, revision.signer_name, revision.signed_at, revision.added_at),
            row.turn and (row.turn.pk, row.turn.state),
        )

    assert [shown(r) for r in from_json] == [shown(r) for r in own]
    assert any(r.turn for r in own) and any(r.revision for r in own)
