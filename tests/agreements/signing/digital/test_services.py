"""Digital signatures end to end on PostgreSQL, with the demo PKI's real certificates, its OCSP,
CRL and timestamp services and the demo remote signing provider: every acceptance check, the
order, the turns, the closing, and an outside validator (poppler's pdfsig) after every step."""

import io

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader

from agreements.models import Agreement
from agreements.signing import services as signing_services
from agreements.signing.digital import pdf, selectors, services
from agreements.signing.digital.models import (
    Certificate,
    Confirmation,
    DocumentRevision,
    SignatureSlot,
    Turn,
)
from agreements.signing.models import Seal, Signature
from clusters import services as cluster_services
from core.errors import DomainError
from core.models import AuditEntry
from demo.pki import config
from tests.agreements.signing.digital.support import (
    certificate_der,
    clerk,
    install_organisation_key,
    nss_db,
    open_digital,
    pdfsig,
    pki_file,
    prepare_everyone,
    register_chair,
    sign_organisation,
    sign_remotely,
    slot,
)
from tests.agreements.signing.support import MEMBERS, adopt_agreement

pytestmark = pytest.mark.django_db


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
    agreement.refresh_from_db()
    return agreement


def current(agreement):
    return selectors.read_revision(selectors.latest_revision(agreement))


def test_opening_prepares_the_file_once_with_a_field_per_signature(world, opened):
    revision = selectors.latest_revision(opened)
    assert revision.number == 0 and revision.kind == DocumentRevision.Kind.PREPARED
    data = current(opened)
    reader = PdfFileReader(io.BytesIO(data), strict=False)
    names = sorted(f.get_object()["/T"] for f in reader.root["/AcroForm"]["/Fields"])
    expected = sorted(
        [f"ChuTich_{i}" for i in range(1, 7)] + [f"DonVi_{i}" for i in range(1, 7)] + ["KetThuc"]
    )
    assert names == expected
    assert reader.embedded_signatures == []
    # The organisation's field overlaps the left third of its chair's (Phụ lục I).
    personal = slot(opened, "dongda", SignatureSlot.Kind.PERSONAL, world).box
    seal = slot(opened, "dongda", SignatureSlot.Kind.ORGANISATION, world).box
    third = personal[0] + (personal[2] - personal[0]) / 3
    assert seal[0] < personal[0] < seal[2] <= third + 1
    assert opened.signing_mode == Agreement.SigningMode.DIGITAL
    assert AuditEntry.objects.filter(action="cluster_year.signing_mode").exists()


def test_only_the_heads_people_open_it_only_once_and_as_the_cluster_year_says(world, agreement):
    # The year says simple (the default): the signing cannot be opened digitally.
    with pytest.raises(DomainError, match="simple way"):
        services.digital_signing_open(actor=world.user("dongda"), agreement=agreement)
    with pytest.raises(DomainError):
        open_digital(world, agreement, "mixed", actor="badinh")
    services.digital_signing_open(actor=world.user("dongda"), agreement=agreement)
    with pytest.raises(DomainError, match="already started"):
        services.digital_signing_open(actor=world.user("dongda"), agreement=agreement)
    assert DocumentRevision.objects.filter(agreement=agreement).count() == 1
    # Now the signing has begun, the year's way is kept.
    with pytest.raises(DomainError, match="has begun"):
        cluster_services.cluster_year_signing_mode_set(
            actor=world.user("bantt"), cluster_year=agreement.cluster_year, mode="simple"
        )
    agreement.cluster_year.refresh_from_db()
    assert agreement.cluster_year.signing_mode == "mixed"


def test_a_simple_signature_is_refused_when_the_year_signs_digitally(world, agreement):
    cluster_services.cluster_year_signing_mode_set(
        actor=world.user("bantt"), cluster_year=agreement.cluster_year, mode="digital"
    )
    agreement.refresh_from_db()
    with pytest.raises(DomainError, match="digital signatures"):
        signing_services.signature_sign(
            actor=world.user("hoankiem"),
            agreement=agreement,
            unit=world.unit("hoankiem"),
            method=Signature.Method.TYPED,
            content_hash=agreement.content_hash,
        )
    assert not Signature.objects.filter(agreement=agreement).exists()


def test_a_first_simple_signature_keeps_the_years_way(world, agreement):
    signing_services.signature_sign(
        actor=world.user("hoankiem"),
        agreement=agreement,
        unit=world.unit("hoankiem"),
        method=Signature.Method.TYPED,
        content_hash=agreement.content_hash,
    )
    with pytest.raises(DomainError, match="has begun"):
        cluster_services.cluster_year_signing_mode_set(
            actor=world.user("bantt"), cluster_year=agreement.cluster_year, mode="digital"
        )


def test_the_whole_agreement_signed_by_every_chair_and_unit_then_closed(
    world, opened, tmp_path, django_capture_on_commit_callbacks
):
    nss = nss_db(tmp_path / "nss")
    for step, username in enumerate(MEMBERS):
        sign_remotely(world, opened, username)
        with django_capture_on_commit_callbacks(execute=True):  # the last one closes the file
            revision = sign_organisation(world, opened, username)
        data = selectors.read_revision(revision)
        found = pdf.read_signatures(data, pdf.validation_context())
        assert len(found) == 2 * (step + 1)
        assert all(f.intact and f.valid and f.trusted for f in found), found
        # Every earlier signature stays valid for an outside validator too.
        path = tmp_path / f"step-{step}.pdf"
        path.write_bytes(data)
        results = pdfsig(path, nss)
        assert all(valid and trusted for valid, trusted, _name in results), results
    opened.refresh_from_db()
    assert opened.status == Agreement.Status.SEALED
    seal = Seal.objects.get(agreement=opened)
    with seal.file.open("rb") as handle:
        final = handle.read()
    found = pdf.read_signatures(final, pdf.validation_context())
    assert [f.field_name for f in found][-1] == "KetThuc"
    assert all(f.intact and f.valid and f.trusted for f in found)
    assert found[-1].kind == "timestamp" or found[-1].signer_name.startswith("DEMO")
    path = tmp_path / "final.pdf"
    path.write_bytes(final)
    results = pdfsig(path, nss)
    assert sum(1 for valid, trusted, _n in results if valid and trusted) >= 12
    assert Signature.objects.filter(agreement=opened, method=Signature.Method.DIGITAL).count() == 6
    assert opened.signing_record.sha256
    revisions = list(DocumentRevision.objects.filter(agreement=opened).order_by("number"))
    assert [r.number for r in revisions] == list(range(14))
    for earlier, later in zip(revisions, revisions[1:], strict=False):
        assert selectors.read_revision(later).startswith(selectors.read_revision(earlier))


def test_the_organisation_signs_only_after_its_chair(world, opened):
    with pytest.raises(DomainError, match="after its chair"):
        sign_organisation(world, opened, "badinh")
    sign_remotely(world, opened, "badinh")
    sign_organisation(world, opened, "badinh")
    assert Signature.objects.get(agreement=opened, unit=world.unit("badinh")).method == "digital"


def test_a_refusal_at_the_provider_changes_nothing_and_says_why(world, opened):
    before = current(opened)
    with pytest.raises(DomainError, match="refused"):
        sign_remotely(world, opened, "dongda", decision="refuse")
    assert current(opened) == before
    turn = Turn.objects.get(agreement=opened)
    assert turn.state == Turn.State.FAILED and "refused" in turn.message
    sign_remotely(world, opened, "dongda")  # a fresh turn works
    assert selectors.latest_revision(opened).number == 1


def _accept(world, opened, username, data, kind=SignatureSlot.Kind.PERSONAL):
    actor = world.user(username) if kind == SignatureSlot.Kind.PERSONAL else clerk(world, username)
    turn = services.turn_request(
        actor=actor,
        agreement=opened,
        slot=slot(opened, username, kind, world),
        channel=DocumentRevision.Channel.UPLOAD,
    )
    return services.revision_accept(
        actor=actor, turn=turn, data=data, channel=DocumentRevision.Channel.UPLOAD
    )


def _signed_by(data, field_name, arch, label, **kwargs):
    signer = pdf.signer_from_pkcs12(pki_file(arch, f"{label}.pfx").read_bytes())
    return pdf.sign(data, field_name, signer, None, reason="x", location="y", **kwargs)


@pytest.mark.parametrize(
    ("label", "field", "message"),
    [
        (config.FORGED, "ChuTich_2", "not the one registered"),  # Đống Đa's name, another key
        (config.chair_label("dongda"), "ChuTich_3", "another field"),
    ],
)
def test_a_wrong_signature_is_refused_and_leaves_the_file_as_it_was(
    world, opened, label, field, message
):
    before = current(opened)
    data = _signed_by(before, field, config.SERVICE, label)
    with pytest.raises(DomainError, match=message):
        _accept(world, opened, "dongda", data)
    assert current(opened) == before
    assert AuditEntry.objects.filter(action="signing.refused").exists()


def _unsigned_update(data):
    """An incremental update that adds no signature (the document's title changed)."""
    from pyhanko.pdf_utils.generic import NameObject, TextStringObject
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    writer.root[NameObject("/Lang")] = TextStringObject("en")
    writer.update_root()
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.parametrize("case", ["two signatures", "no signature"])
def test_exactly_one_new_signature_is_accepted(world, opened, case):
    before = current(opened)
    label = config.chair_label("dongda")
    if case == "two signatures":
        once = _signed_by(before, "ChuTich_2", config.SERVICE, label)
        data = _signed_by(once, "ChuTich_3", config.SERVICE, label)
    else:
        data = _unsigned_update(before)
    with pytest.raises(DomainError, match="exactly one new signature"):
        _accept(world, opened, "dongda", data)
    assert current(opened) == before


def test_a_revoked_certificate_is_refused(world, opened):
    chair = world.user("dongda")
    record = services.certificate_register(
        actor=chair,
        kind=Certificate.Kind.PERSONAL,
        der=certificate_der(config.SERVICE, config.REVOKED),
        person=chair.person,
    )
    services.certificate_confirm(actor=world.user("bantt"), certificate=record)
    Certificate.objects.filter(person=chair.person).exclude(pk=record.pk).update(
        status=Confirmation.RETIRED
    )
    before = current(opened)
    data = _signed_by(before, "ChuTich_2", config.SERVICE, config.REVOKED)
    with pytest.raises(DomainError, match="revoked"):
        _accept(world, opened, "dongda", data)
    assert current(opened) == before


def test_an_expired_certificate_cannot_be_registered(world):
    chair = world.user("dongda")
    with pytest.raises(DomainError, match="expired"):
        services.certificate_register(
            actor=chair,
            kind=Certificate.Kind.PERSONAL,
            der=certificate_der(config.SERVICE, config.EXPIRED),
            person=chair.person,
        )


def test_a_text_change_or_a_rewritten_file_is_refused(world, opened):
    before = current(opened)
    signed = _signed_by(before, "ChuTich_2", config.SERVICE, config.chair_label("dongda"))
    # A later revision that adds a free-text annotation on the page.
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(signed), strict=False)
    annotation = generic.DictionaryObject(
        {
            generic.NameObject("/Type"): generic.NameObject("/Annot"),
            generic.NameObject("/Subtype"): generic.NameObject("/FreeText"),
            generic.NameObject("/Rect"): generic.ArrayObject(
                [generic.NumberObject(n) for n in (50, 50, 200, 80)]
            ),
            generic.NameObject("/Contents"): generic.TextStringObject("Sửa nội dung"),
        }
    )
    page = writer.root["/Pages"]["/Kids"][0].get_object()
    page["/Annots"] = generic.ArrayObject([writer.add_object(annotation)])
    writer.update_container(page)
    changed = io.BytesIO()
    writer.write(changed)
    with pytest.raises(DomainError, match="changed"):
        _accept(world, opened, "dongda", changed.getvalue())
    # The earlier revision changed (here its title's first byte): a rewritten file.
    position = signed.index(b"/Title")
    rewritten = signed[:position] + b"/Titlf" + signed[position + 6 :]
    with pytest.raises(DomainError, match="rewritten"):
        _accept(world, opened, "dongda", rewritten)
    assert current(opened) == before


def test_a_certificate_counts_only_once_a_second_person_confirms_it(world, agreement):
    record = register_chair(world, "dongda", confirm=False)
    install_organisation_key(world, "dongda")
    open_digital(world, agreement)
    with pytest.raises(DomainError, match="no confirmed signing certificate"):
        sign_remotely(world, agreement, "dongda")
    with pytest.raises(DomainError, match="Nobody confirms their own"):
        services.certificate_confirm(actor=world.user("dongda"), certificate=record)
    with pytest.raises(DomainError, match="staff"):
        services.certificate_confirm(actor=world.user("badinh"), certificate=record)
    services.certificate_confirm(actor=world.user("bantt"), certificate=record)
    sign_remotely(world, agreement, "dongda")


def test_the_registrant_does_not_confirm(world):
    pfx = pki_file(config.SERVICE, f"{config.unit_label('badinh')}.pfx").read_bytes()
    record = services.organisation_key_install(
        actor=world.user("bantt"), unit=world.unit("badinh"), pkcs12_data=pfx, password=""
    )
    with pytest.raises(DomainError, match="second person"):
        services.organisation_key_confirm(actor=world.user("bantt"), organisation_key=record)
    assert record.certificate.status == Confirmation.PENDING


def test_the_organisation_key_is_never_stored_in_clear(world):
    pfx = pki_file(config.SERVICE, f"{config.unit_label('badinh')}.pfx").read_bytes()
    record = install_organisation_key(world, "badinh")
    stored = bytes(record.sealed_key)
    assert pfx not in stored and b"PRIVATE KEY" not in stored
    assert AuditEntry.objects.filter(action="organisation_key.install").exists()


def test_simple_signing_is_refused_on_a_digital_agreement(world, opened):
    from tests.agreements.signing.support import sign

    with pytest.raises(DomainError, match="digital signatures"):
        sign(world, "badinh", opened)
