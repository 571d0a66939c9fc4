"""Stage "signed" of the demo: the six units sign the 2020 agreement with digital signatures
(chữ ký số), and the application closes the file.

The parent's staff set the 2020 cluster year to digital signing; its head (Đống Đa) prepares the
file; each chair signs with their demo personal key (as a USB token would), showing a signature
drawn in code (a hand-like stroke per person, the same every run), then the unit's clerk adds the
organisation signature with the unit's key held by the server (demo.digital.sign_all): twelve
signatures, every one checked by the real services against the demo PKI (its OCSP, CRL and
timestamp services must answer: seed_demo starts them). The closing runs here, at once, so that
the stage ends sealed; the task enqueued by the last signature then finds nothing to do. The
signatures carry the time the demo was loaded, not 2020: a digital signature's time is its own.
Safe to run twice.
"""

from agreements.models import Agreement
from agreements.signing import tasks
from agreements.signing.models import Seal
from agreements.signing.selectors import OPEN_FOR_SIGNING
from demo import digital


def build(world):
    """Every unit signs the 2020 agreement digitally (its chair, then its organisation), and the
    application closes the file."""
    agreement = Agreement.objects.get(pk=world.agreement.pk)
    if agreement.status in OPEN_FOR_SIGNING:
        digital.prepare(world)
        agreement = digital.sign_all(world, agreement, head="dongda")
    seal = Seal.objects.filter(agreement=agreement).first()
    if seal is not None and seal.status == Seal.Status.PENDING:
        tasks.seal_now(agreement.pk)
    agreement.refresh_from_db()
    world.agreement = agreement
    world.seal = Seal.objects.filter(agreement=agreement).first()
    return world
