"""A hand-drawn-looking signature image for the demo's people (deterministic per name)."""

import hashlib
import io
import math
import random


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
