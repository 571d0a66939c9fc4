"""Stage "signed" of the demo: the six district chairs sign the 2020 agreement, and it is sealed.

The signatures are drawn in code (a hand-like stroke per person, the same every run) and dated
at the conference's afternoon, 05/02/2020, like the adoption. The sealing runs here, at once,
so that the stage ends sealed; the task enqueued by the last signature then finds nothing to do.
Safe to run twice.
"""

import datetime
import hashlib
import io
import math
import random

from agreements.models import Agreement
from agreements.signing import services as signing
from agreements.signing import tasks
from agreements.signing.models import Seal, Signature
from agreements.signing.selectors import OPEN_FOR_SIGNING
from demo.agreements import CONFERENCE_AT
from demo.foundation import DISTRICTS

SIGNED_FROM = CONFERENCE_AT + datetime.timedelta(hours=1, minutes=10)


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
    """Sign as each district chair (in the report's order) and seal the agreement."""
    agreement = Agreement.objects.get(pk=world.agreement.pk)
    if agreement.status in OPEN_FOR_SIGNING:
        for minutes, (username, _short, chair_name) in enumerate(DISTRICTS):
            unit = world.unit(username)
            if Signature.objects.filter(agreement=agreement, unit=unit, void=False).exists():
                continue
            signature = signing.signature_sign(
                actor=world.user(username),
                agreement=agreement,
                unit=unit,
                method=Signature.Method.DRAWN,
                image=drawn_signature_png(chair_name),
                content_hash=agreement.content_hash,
            )
            # The story happened in 2020: date each signature at the conference.
            Signature.objects.filter(pk=signature.pk).update(
                signed_at=SIGNED_FROM + datetime.timedelta(minutes=3 * minutes)
            )
    seal = Seal.objects.filter(agreement=agreement).first()
    if seal is not None and seal.status == Seal.Status.PENDING:
        tasks.seal_now(agreement.pk)
    agreement.refresh_from_db()
    world.agreement = agreement
    world.seal = Seal.objects.filter(agreement=agreement).first()
    return world
