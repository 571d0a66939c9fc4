"""Demo stage "signed": every unit signs the 2020 agreement digitally (its chair, then its
organisation: twelve signatures) and the application closes the file; pdfsig and verify_pdf
find every signature valid."""

import io

import pytest
from django.core.management import call_command

from agreements.models import Agreement
from agreements.signing.digital.models import DocumentRevision
from agreements.signing.models import Seal, Signature
from demo import stages
from demo.drawn import drawn_signature_png
from tests.agreements.signing.digital.support import nss_db, pdfsig


@pytest.mark.django_db
def test_the_signed_stage_signs_digitally_as_every_unit_and_closes(settings, tmp_path):
    settings.DEBUG = True
    out = io.StringIO()
    call_command("seed_demo", through="signed", stdout=out)
    assert "signed" in out.getvalue()

    agreement = Agreement.objects.get(cluster_year__year=2020, status=Agreement.Status.SEALED)
    assert agreement.signing_mode == Agreement.SigningMode.DIGITAL
    signatures = Signature.objects.filter(agreement=agreement, void=False).order_by("signed_at")
    assert [s.signer_name for s in signatures] == [
        "Trần Văn B",
        "Đỗ Trọng Nam",
        "Lê Thị C",
        "Phạm Văn D",
        "Hoàng Thị E",
        "Vũ Văn G",
    ]
    assert {s.method for s in signatures} == {Signature.Method.DIGITAL}
    revisions = DocumentRevision.objects.filter(agreement=agreement)
    assert revisions.filter(kind=DocumentRevision.Kind.SIGNATURE).count() == 12
    revision_count = revisions.count()
    seal = Seal.objects.get(agreement=agreement)
    assert seal.status == Seal.Status.SEALED
    path = tmp_path / "giao-uoc-2020.pdf"
    with seal.file.open("rb") as handle:
        path.write_bytes(handle.read())
    # poppler: thirteen signatures (twelve of the units, the closing one), each valid, trusted.
    found = pdfsig(path, nss_db(tmp_path / "nss"))
    assert len(found) == 13
    assert all(valid and trusted for valid, trusted, _name in found), found
    assert [name for _v, _t, name in found][:2] == ["ChuTich_1", "DonVi_1"]
    assert found[-1][2] == "KetThuc"
    printed = io.StringIO()
    call_command("verify_pdf", str(path), stdout=printed)  # exits 0: authentic
    assert "Signatures: 13" in printed.getvalue() and "AUTHENTIC" in printed.getvalue()

    # Safe to run twice: nothing signed or sealed again.
    call_command("seed_demo", through="signed", stdout=io.StringIO())
    assert Signature.objects.filter(agreement=agreement).count() == 6
    assert revisions.count() == revision_count
    seal_again = Seal.objects.get(agreement=agreement)
    assert (seal_again.sha256, seal_again.attempts) == (seal.sha256, 1)


def test_the_stage_comes_right_after_adoption():
    names = stages.names()
    assert names.index("signed") == names.index("adopted") + 1


def test_demo_signatures_are_distinct_drawn_pngs():
    first = drawn_signature_png("Trần Văn B")
    assert first == drawn_signature_png("Trần Văn B")
    assert first != drawn_signature_png("Vũ Văn G")
    from agreements.signing.images import clean_signature_image

    assert clean_signature_image(first).startswith(b"\x89PNG")
