"""Demo stage "signed": the six district chairs sign the 2020 agreement and it is sealed."""

import io

import pytest
from django.core.management import call_command

from agreements.models import Agreement
from agreements.signing.models import Seal, Signature
from core import sealing
from demo import signing as demo_signing
from demo import stages


@pytest.mark.django_db
def test_the_signed_stage_signs_as_the_six_chairs_and_seals(settings):
    settings.DEBUG = True
    out = io.StringIO()
    call_command("seed_demo", through="signed", stdout=out)
    assert "signed" in out.getvalue()

    agreement = Agreement.objects.get(cluster_year__year=2020, status=Agreement.Status.SEALED)
    signatures = Signature.objects.filter(agreement=agreement, void=False).order_by("signed_at")
    assert [s.signer_name for s in signatures] == [
        "Trần Văn B",
        "Đỗ Trọng Nam",
        "Lê Thị C",
        "Phạm Văn D",
        "Hoàng Thị E",
        "Vũ Văn G",
    ]
    assert {s.method for s in signatures} == {"drawn"}
    assert signatures[0].signed_at.date().isoformat() == "2020-02-05"
    seal = Seal.objects.get(agreement=agreement)
    assert seal.status == Seal.Status.SEALED
    with seal.file.open("rb") as handle:
        assert sealing.verify_sealed_pdf(handle.read()).authentic

    # Safe to run twice: nothing signed or sealed again.
    call_command("seed_demo", through="signed", stdout=io.StringIO())
    assert Signature.objects.filter(agreement=agreement).count() == 6
    seal_again = Seal.objects.get(agreement=agreement)
    assert (seal_again.sha256, seal_again.attempts) == (seal.sha256, 1)


def test_the_stage_comes_right_after_adoption():
    names = stages.names()
    assert names.index("signed") == names.index("adopted") + 1


def test_demo_signatures_are_distinct_drawn_pngs():
    first = demo_signing.drawn_signature_png("Trần Văn B")
    assert first == demo_signing.drawn_signature_png("Trần Văn B")
    assert first != demo_signing.drawn_signature_png("Vũ Văn G")
    from agreements.signing.images import clean_signature_image

    assert clean_signature_image(first).startswith(b"\x89PNG")
