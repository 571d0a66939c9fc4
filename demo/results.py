"""Stage "assessed" of the demo: Cluster No. 1's 2020 year-end review, from the sheets to the
locked ranking, and two good practices.

All six units submit plausible values (invented for the demo) with an evidence placeholder
marked "DỮ LIỆU MINH HỌA"; the cluster head reviews (Long Biên's sheet is returned and fixed,
one score is adjusted with a reason), every sheet is accepted and the results are locked.
Dates are moved back into December 2020 afterwards. Safe to run twice.
"""

import datetime
import zoneinfo

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from agreements.models import IN_FORCE, Agreement, Criterion
from agreements.signing import services as signing
from agreements.signing.models import Signature
from core.text import fold
from results import services
from results.models import Assessment, GoodPractice, Period, Score
from results.selectors import results_agreement

HANOI = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
OPENED_AT = datetime.datetime(2020, 11, 20, 9, 0, tzinfo=HANOI)
DEADLINE = datetime.datetime(2020, 12, 15, 17, 0, tzinfo=HANOI)
LOCKED_AT = datetime.datetime(2020, 12, 22, 15, 30, tzinfo=HANOI)

# Full marks on every criterion of the seed agreement (demo/agreements.py), one bonus model.
FULL = {
    "1.1": "2",
    "1.2": "100",
    "1.3": "1",
    "2.1": "100",
    "2.2": "20",
    "2.3": "1",
    "2.4": "0",
    "3.1": "10",
    "3.2": "90",
    "3.3": "50",
    "3.4": "1",
    "4.1": "1",
    "4.2": "100",
    "5.1": "1",
    "5.2": "1",
    "5.3": "1",
}
# What each unit achieved, where it differs from FULL (plausible, invented).
ACHIEVED = {
    "dongda": {"3.3": "62", "3.4": "3"},  # 103
    "hoankiem": {"1.2": "98", "3.4": "2"},  # 101.8
    "haibatrung": {"3.1": "8", "2.1": "98.75", "3.4": "2"},  # 99.9, two bonus models
    "badinh": {"2.2": "18", "4.2": "95"},  # 99.9, one bonus model: ranked after Hai Bà Trưng
    "longbien": {"2.4": "2", "3.3": "45", "3.4": "0"},  # 98.3 after the fix
    "hoangmai": {"1.3": "0", "3.2": "80", "2.4": "1", "3.4": "0"},
}
EXPLANATIONS = {
    "1.1": "Đã tổ chức hội nghị quán triệt tại quận và hội nghị triển khai đến các phường.",
    "1.2": "Tổng hợp theo báo cáo Ngày hội Đại đoàn kết toàn dân tộc của các khu dân cư.",
    "3.3": "Tổng hợp ý kiến, kiến nghị gửi Đại hội Đảng bộ quận.",
    "3.4": "Mô hình được Ủy ban MTTQ Việt Nam thành phố biểu dương.",
}
LINK = "https://example.org/du-lieu-minh-hoa"


def placeholder_pdf(title):
    """A one-page PDF that says it is demo data (ASCII text: no font embedding needed)."""
    text = f"DU LIEU MINH HOA - {fold(title)} - tai lieu minh chung mo phong"
    text = text.encode("ascii", "replace").decode().replace("(", "[").replace(")", "]")
    stream = f"BT /F1 14 Tf 60 780 Td ({text}) Tj ET".encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return bytes(out)


def _ensure_signed(world, agreement):
    """Without the signing stage, every chair signs (typed signature) so that results can
    follow the agreement; with it, this finds the agreement signed and does nothing."""
    if results_agreement(world.cluster_year) is not None:
        return
    signed = set(agreement.signatures.filter(void=False).values_list("unit_id", flat=True))
    for username, unit in world.units.items():
        if unit.pk in signed:
            continue
        signing.signature_sign(
            actor=world.user(username),
            agreement=agreement,
            unit=unit,
            method=Signature.Method.TYPED,
            content_hash=agreement.content_hash,
        )


def _entries(username, criteria, *, fixed=False):
    values = {**FULL, **ACHIEVED[username]}
    if username == "longbien" and not fixed:
        values["3.3"] = "45"
    entries = {}
    for code, criterion in criteria.items():
        entries[criterion.pk] = {
            "value": values[code],
            "explanation": f"{EXPLANATIONS.get(code, '')} (Dữ liệu minh họa.)".strip(),
            "links": LINK if code in ("1.1", "3.4") else "",
        }
    return entries


def _evidence(actor, assessment, code, title):
    score = Score.objects.get(assessment=assessment, criterion__code=code)
    upload = SimpleUploadedFile(f"{title}.pdf", placeholder_pdf(title), "application/pdf")
    services.evidence_add(actor=actor, score=score, upload=upload)


def _reviewer(world, username):
    return world.user("hoankiem") if username == "dongda" else world.user("canbo.dongda")


def build(world):
    """Build (or find) the locked 2020 year-end review of Cluster No. 1."""
    cluster_year = world.cluster_year
    period = Period.objects.filter(cluster_year=cluster_year, kind=Period.Kind.YEAR_END).first()
    if period is not None:
        world.period = period
        return world
    agreement = Agreement.objects.get(
        cluster_year=cluster_year, kind=Agreement.Kind.AGREEMENT, status__in=IN_FORCE
    )
    _ensure_signed(world, agreement)
    head_officer = world.user("canbo.dongda")
    period = services.period_open(
        actor=head_officer,
        cluster_year=cluster_year,
        kind=Period.Kind.YEAR_END,
        deadline=timezone.now() + datetime.timedelta(days=14),
        note=(
            "Đề nghị các đơn vị tự chấm điểm theo các chỉ tiêu của Giao ước thi đua năm 2020, "
            "kèm minh chứng, gửi Cụm trưởng trước ngày 15/12/2020. (Dữ liệu minh họa.)"
        ),
    )
    criteria = {c.code: c for c in Criterion.objects.filter(section__agreement=agreement)}
    sheets = {}
    for username in ACHIEVED:
        unit = world.unit(username)
        actor = world.user("canbo.badinh" if username == "badinh" else username)
        sheet = Assessment.objects.get(period=period, unit=unit)
        services.assessment_save(
            actor=actor,
            assessment=sheet,
            expected_version=sheet.version,
            entries=_entries(username, criteria),
        )
        _evidence(actor, sheet, "1.1", f"Bao cao hoi nghi - {unit.short_name}")
        services.assessment_submit(actor=actor, assessment=sheet)
        sheets[username] = sheet

    longbien = sheets["longbien"]
    services.assessment_return(
        actor=head_officer,
        assessment=longbien,
        comment=(
            "Đề nghị bổ sung minh chứng cho tiêu chí 3.3 (danh sách ý kiến, kiến nghị đã tổng "
            "hợp gửi Đại hội) và giải trình số lần gửi báo cáo chậm (tiêu chí 2.4)."
        ),
    )
    longbien.refresh_from_db()
    services.assessment_save(
        actor=world.user("longbien"),
        assessment=longbien,
        expected_version=longbien.version,
        entries=_entries("longbien", criteria, fixed=True),
    )
    _evidence(world.user("longbien"), longbien, "3.3", "Danh sach y kien kien nghi - Long Bien")
    services.assessment_submit(actor=world.user("longbien"), assessment=longbien)

    hoangmai_32 = Score.objects.get(assessment=sheets["hoangmai"], criterion__code="3.2")
    services.score_adjust(
        actor=head_officer,
        score=hoangmai_32,
        reviewed_score="6.67",
        reason=(
            "Theo quyết định công nhận của quận, tỷ lệ khu dân cư văn hóa là 75%, không phải 80%."
            " (Dữ liệu minh họa.)"
        ),
    )
    for username, sheet in sheets.items():
        services.assessment_accept(actor=_reviewer(world, username), assessment=sheet)
    services.period_lock(actor=world.user("dongda"), period=period)
    _practices(world, period)
    _backdate(period)
    period.refresh_from_db()
    world.period = period
    return world


def _practices(world, period):
    cluster_year = world.cluster_year
    criteria = {c.code: c for c in Criterion.objects.filter(section__agreement=period.agreement)}

    def bonus(username):
        return Score.objects.filter(
            assessment__period=period, assessment__unit=world.unit(username), criterion__code="3.4"
        )

    hoankiem = services.practice_create(
        actor=world.user("hoankiem"),
        cluster_year=cluster_year,
        unit=world.unit("hoankiem"),
        title="“Phố cổ văn minh – Người Hoàn Kiếm thanh lịch”",
        description=(
            "Mỗi tổ dân phố trong khu phố cổ đăng ký một tuyến phố văn minh; Ban Công tác Mặt "
            "trận khu dân cư vận động các hộ kinh doanh giữ vỉa hè thông thoáng, phân loại rác "
            "tại nguồn và ứng xử thanh lịch với du khách. (Dữ liệu minh họa.)"
        ),
        results=(
            "42 tuyến phố đạt tiêu chí “tuyến phố văn minh”; 98% khu dân cư tổ chức Ngày hội "
            "Đại đoàn kết toàn dân tộc. (Dữ liệu minh họa.)"
        ),
        criteria=[criteria["1.2"], criteria["3.2"]],
        bonus_claims=list(bonus("hoankiem")),
    )
    services.practice_publish(actor=world.user("hoankiem"), practice=hoankiem)
    services.practice_feature(actor=world.user("dongda"), practice=hoankiem)
    dongda = services.practice_create(
        actor=world.user("canbo.dongda"),
        cluster_year=cluster_year,
        unit=world.unit("dongda"),
        title="Mô hình “Khu dân cư tự quản, đoàn kết, nghĩa tình”",
        description=(
            "Ban Công tác Mặt trận các khu dân cư tổ chức tự quản về an ninh trật tự, vệ sinh "
            "môi trường và giúp đỡ hộ khó khăn; hằng quý đối thoại giữa Nhân dân với chính "
            "quyền phường. (Dữ liệu minh họa.)"
        ),
        results="3 mô hình được Thành phố biểu dương, nhân rộng. (Dữ liệu minh họa.)",
        criteria=[criteria["3.3"], criteria["5.3"]],
        bonus_claims=list(bonus("dongda")),
    )
    services.practice_publish(actor=world.user("canbo.dongda"), practice=dongda)


def _backdate(period):
    """The story happened in late 2020: move the review's dates there (the ranking snapshot
    keeps the moment it was actually taken; it is immutable)."""
    Period.objects.filter(pk=period.pk).update(
        opened_at=OPENED_AT, deadline=DEADLINE, locked_at=LOCKED_AT
    )
    for index, sheet in enumerate(period.assessments.order_by("pk")):
        submitted = DEADLINE - datetime.timedelta(days=6 - index)
        Assessment.objects.filter(pk=sheet.pk).update(
            submitted_at=submitted, reviewed_at=submitted + datetime.timedelta(days=2)
        )
    GoodPractice.objects.filter(cluster_year=period.cluster_year).update(
        published_at=LOCKED_AT + datetime.timedelta(days=1)
    )
