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

import hashlib
import io
import math
import random

from agreements.models import Agreement
from agreements.signing import tasks
from agreements.signing.models import Seal
from agreements.signing.selectors import OPEN_FOR_SIGNING
from demo import digital


def drawn_signature_png(name, size=(420, 150)):
    """A hand-drawn-looking signature for `name` (deterministic: seeded by the name)."""
    from PIL import Image, ImageDraw

    rng = random.Random(int(hashlib.sha256(name.encode()).hexdigest()[:12], 16))
    width, height = size
    scale = 3  # draw large, then shrink: smoother strokes
    image = Image.new("RGBA", (width * scale, height * scale), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    ink = (16, 32, 96, 255)
    points, x, baseline = [], 30.0, height * 0.55
    loops = 4 + len(name.split()[-1]) % 4
    for loop in range(loops):
        amplitude = rng.uniform(18, 42) * (1.25 if loop == 0 else 1.0)
        span = rng.uniform(28, 48)
        for step in range(24):
            t = step / 23
            px = x + span * t + 9 * math.sin(2 * math.pi * t)
            py = baseline - amplitude * math.sin(math.pi * t) ** 2 + 6 * math.cos(2 * math.pi * t)
            points.append((px * scale, py * scale))
        x += span * rng.uniform(0.75, 0.95)
    draw.line(points, fill=ink, width=3 * scale, joint="curve")
    # The flourish under the name.
    start, end = 24.0, min(x + 40, width - 20.0)
    flourish = [
        (
            (start + (end - start) * t) * scale,
            (baseline + 22 + 10 * math.sin(math.pi * t) - 14 * t) * scale,
        )
        for t in (i / 30 for i in range(31))
    ]
    draw.line(flourish, fill=ink, width=2 * scale, joint="curve")
    image = image.resize(size, Image.LANCZOS)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


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
