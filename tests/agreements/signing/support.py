"""Helpers of the signing tests: an adopted agreement of the seed cluster, signature images."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile

from agreements import services
from agreements.models import Agreement

# The six districts of Cluster No. 1 (usernames of their chairs).
MEMBERS = ["haibatrung", "dongda", "badinh", "hoankiem", "longbien", "hoangmai"]


def adopt_agreement(world):
    """Draft, circulate and adopt the 2020 agreement of Cluster No. 1 (as Đống Đa, the head)."""
    head = world.user("dongda")
    agreement = services.agreement_create(
        actor=head, cluster_year=world.cluster_year, origin=Agreement.Origin.BLANK
    )
    services.section_add(
        actor=head,
        agreement=agreement,
        heading="",
        text="Triển khai thực hiện có hiệu quả các nhiệm vụ của Trung ương và Thành phố.",
    )
    services.section_add(
        actor=head,
        agreement=agreement,
        heading="",
        text="Thi đua phấn đấu xây dựng cơ quan văn hóa, đơn vị an toàn vững mạnh, đoàn kết.",
    )
    services.agreement_circulate(actor=head, agreement=agreement)
    return services.agreement_adopt(actor=head, agreement=agreement)


def drawn_png(seed=0, size=(400, 150)):
    """A PNG of a hand-drawn-looking stroke (what the pad sends), different per seed."""
    from PIL import Image, ImageDraw

    image = Image.new("RGBA", size, (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    points = [(20 + i * 12, 75 + ((i * (7 + seed)) % 40) - 20) for i in range((size[0] - 40) // 12)]
    draw.line(points, fill=(0, 0, 0, 255), width=4)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def blank_png(size=(400, 150)):
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGBA", size, (255, 255, 255, 0)).save(out, format="PNG")
    return out.getvalue()


def scan_pdf(text="Bản giấy đã ký — DỮ LIỆU MINH HỌA"):
    """A small real PDF, standing for the scan of the signed paper copy."""
    from weasyprint import HTML

    data = HTML(string=f"<p>{text}</p>").write_pdf()
    return SimpleUploadedFile("scan.pdf", data, content_type="application/pdf")


def sign(world, username, agreement, *, unit=None, method="drawn", image=None, **extra):
    from agreements.signing import services as signing

    return signing.signature_sign(
        actor=world.user(username),
        agreement=agreement,
        unit=unit or world.unit(username),
        method=method,
        image=drawn_png(MEMBERS.index(username) if username in MEMBERS else 0)
        if image is None and method == "drawn"
        else (image or b""),
        content_hash=extra.pop("content_hash", agreement.content_hash),
        **extra,
    )
