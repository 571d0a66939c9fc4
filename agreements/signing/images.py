"""Signature images: a drawn signature cleaned, a typed name drawn as a signature."""

import io
import subprocess
from functools import lru_cache

from django.utils.translation import gettext as _
from PIL import Image, ImageChops, ImageDraw, ImageFont, UnidentifiedImageError

from agreements.signing.models import PNG_MAGIC, SIGNATURE_IMAGE_MAX_BYTES, SIGNATURE_IMAGE_MAX_SIDE
from core.errors import DomainError


def clean_signature_image(data):
    """Return a clean PNG (re-encoded, metadata dropped) of a drawn signature, or raise."""
    if not data:
        raise DomainError({"image": _("Draw your signature on the pad first.")})
    if len(data) > SIGNATURE_IMAGE_MAX_BYTES:
        raise DomainError({"image": _("The signature image is too large.")})
    if not data.startswith(PNG_MAGIC):
        raise DomainError({"image": _("The signature must be a PNG image.")})
    try:
        with Image.open(io.BytesIO(data)) as probe:
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            if image.format != "PNG":
                raise DomainError({"image": _("The signature must be a PNG image.")})
            width, height = image.size
            if not (20 <= width <= SIGNATURE_IMAGE_MAX_SIDE and 10 <= height <= 1000):
                raise DomainError({"image": _("The signature image has an unusable size.")})
            image = image.convert("RGBA")
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        raise DomainError({"image": _("The signature image cannot be read.")}) from None
    alpha = image.getchannel("A")
    ink = image.convert("L").point(lambda v: 255 if v < 200 else 0)
    # Ink: dark pixels that are not transparent.
    visible = ImageChops.multiply(ink, alpha.point(lambda v: 255 if v > 50 else 0))
    if visible.getbbox() is None:
        raise DomainError({"image": _("The signature is empty: draw it on the pad.")})
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


SEAL_IMAGE_MAX_BYTES = 1024 * 1024


def clean_seal_image(data):
    """A unit's seal image: a PNG with a transparent background, re-encoded, or raise."""
    data = bytes(data or b"")
    if not data:
        raise DomainError({"image": _("Choose the seal's image (PNG).")})
    if len(data) > SEAL_IMAGE_MAX_BYTES or not data.startswith(PNG_MAGIC):
        raise DomainError({"image": _("The seal must be a PNG image of at most 1 MB.")})
    try:
        with Image.open(io.BytesIO(data)) as probe:
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
            if not (100 <= width <= 3000 and 100 <= height <= 3000):
                raise DomainError({"image": _("The seal image has an unusable size.")})
            image = image.convert("RGBA")
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        raise DomainError({"image": _("The seal image cannot be read.")}) from None
    if image.getchannel("A").getextrema()[0] == 255:
        raise DomainError({"image": _("The seal image needs a transparent background.")})
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


@lru_cache(maxsize=1)
def _signature_font_path():
    for pattern in ("Liberation Serif:italic", "DejaVu Serif:italic", "serif:italic"):
        try:
            found = subprocess.run(
                ["fc-match", "-f", "%{file}", pattern],
                capture_output=True,
                text=True,
                timeout=5,
                check=False,
            ).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            found = ""
        if found:
            return found
    return None


def typed_signature_png(name):
    """Render a typed name as a signature image (PNG, transparent background)."""
    name = " ".join((name or "").split()) or "?"
    path = _signature_font_path()
    font = ImageFont.truetype(path, 64) if path else ImageFont.load_default(64)
    left, top, right, bottom = ImageDraw.Draw(Image.new("RGBA", (1, 1))).textbbox(
        (0, 0), name, font=font
    )
    width = min(max(right - left + 40, 200), SIGNATURE_IMAGE_MAX_SIDE)
    height = bottom - top + 40
    image = Image.new("RGBA", (width, height), (255, 255, 255, 0))
    ImageDraw.Draw(image).text((20 - left, 20 - top), name, font=font, fill=(16, 32, 96, 255))
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
