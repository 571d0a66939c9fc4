"""Stage "adopted" of the demo: Cluster No. 1's 2020 agreement, from draft to adoption.

The five sections are cut from the seed report (demo/seed/, a copy of the news report) exactly
as DOMAIN.md says; the quantified targets are invented for the demo and the agreement is
marked as demo data, so its documents carry "DỮ LIỆU MINH HỌA". Safe to run twice.
"""

import datetime
import zoneinfo
from decimal import Decimal
from pathlib import Path

from agreements import services
from agreements.models import IN_FORCE, Agreement

REPORT = Path(__file__).resolve().parent / "seed" / "cum-thi-dua-so-1-2020.txt"
LEAD_IN = "gồm 5 nội dung gồm:"
OPENINGS = [
    "Triển khai thực hiện có hiệu quả các nhiệm vụ của Trung ương và Thành phố,",
    "Đổi mới, nâng cao chất lượng công tác Thi đua - Khen thưởng",
    "Thực hiện tốt nội dung các phong trào thi đua được phát động,",
    "Triển khai thực hiện Nghị quyết số 18-NQ/TW ngày 25/10/2018",
    "Thi đua phấn đấu xây dựng cơ quan văn hóa, đơn vị an toàn vững mạnh, đoàn kết;",
]
HEADINGS = [
    "Thực hiện nhiệm vụ chính trị của Trung ương, Thành phố và địa phương",
    "Đổi mới, nâng cao chất lượng công tác Thi đua - Khen thưởng",
    "Thực hiện các phong trào thi đua và nhiệm vụ trọng tâm của Thành phố",
    "Đổi mới, sắp xếp tổ chức bộ máy và xây dựng đội ngũ cán bộ",
    "Xây dựng cơ quan văn hóa, đơn vị an toàn; thực hiện dân chủ ở cơ sở",
]
HANOI = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
CONFERENCE_AT = datetime.datetime(2020, 2, 5, 14, 0, tzinfo=HANOI)
VENUE = "Trụ sở Quận ủy – HĐND - UBND quận Đống Đa"
GUESTS = [
    {
        "name": "Nguyễn Lan Hương",
        "title": (
            "Phó Chủ tịch Ủy ban Trung ương MTTQ Việt Nam, "
            "Chủ tịch Ủy ban MTTQ Việt Nam thành phố Hà Nội"
        ),
        "organisation": "Ủy ban MTTQ Việt Nam thành phố Hà Nội",
    },
    {
        "name": "Hà Minh Hải",
        "title": "Thành ủy viên, Bí thư Quận ủy Đống Đa",
        "organisation": "Quận ủy Đống Đa",
    },
]
CLOSING_CLAUSE = (
    "Các đơn vị trong Cụm thi đua số 1 cam kết tổ chức thực hiện nghiêm túc các nội dung giao "
    "ước thi đua này; định kỳ sơ kết 6 tháng, tổng kết năm, tự chấm điểm và bình xét thi đua "
    "theo các chỉ tiêu, tiêu chí tại Phụ lục kèm theo."
)

D = Decimal


def _c(code, text, points, *, measure="number", unit_label="", target=None, rule=None, **extra):
    if rule is None:
        rule = "proportional" if measure in ("number", "percent") else "all_or_nothing"
    return {
        "code": code,
        "text": text,
        "measure": measure,
        "unit_label": unit_label,
        "target": D(target) if target is not None else None,
        "max_points": D(points),
        "rule": rule,
        **extra,
    }


# Invented, plausible quantified targets (demo data): 100 points in all, one bonus, one penalty.
CRITERIA = [
    [
        _c(
            "1.1",
            "Tổ chức hội nghị quán triệt, triển khai Nghị quyết Đại hội Đảng bộ Thành phố lần "
            "thứ XVI và Nghị quyết Đại hội MTTQ Việt Nam thành phố lần thứ XVII",
            "10",
            unit_label="hội nghị",
            target="2",
        ),
        _c(
            "1.2",
            "Tỷ lệ khu dân cư tổ chức Ngày hội Đại đoàn kết toàn dân tộc",
            "10",
            measure="percent",
            unit_label="%",
            target="100",
        ),
        _c(
            "1.3",
            "Ban hành chương trình phối hợp thực hiện 08 chương trình công tác của Thành ủy",
            "5",
            measure="yes_no",
        ),
    ],
    [
        _c(
            "2.1",
            "Tỷ lệ hồ sơ đề nghị khen thưởng bảo đảm đúng thành tích, tiêu chuẩn, đối tượng",
            "8",
            measure="percent",
            unit_label="%",
            target="100",
        ),
        _c(
            "2.2",
            "Số tập thể, cá nhân ở cơ sở và người lao động trực tiếp được khen thưởng",
            "7",
            unit_label="tập thể, cá nhân",
            target="20",
        ),
        _c(
            "2.3",
            "Sơ kết 6 tháng, tổng kết năm công tác thi đua - khen thưởng đúng thời hạn",
            "5",
            measure="yes_no",
        ),
        _c(
            "2.4",
            "Gửi báo cáo thi đua - khen thưởng chậm so với thời hạn quy định",
            "0",
            unit_label="lần",
            kind="penalty",
            rule="per_occurrence",
            points_per_occurrence=D("0.5"),
            cap=D("2"),
        ),
    ],
    [
        _c(
            "3.1",
            "Số hoạt động tuyên truyền kỷ niệm 90 năm Ngày thành lập Đảng và 90 năm Ngày thành "
            "lập Mặt trận dân tộc thống nhất Việt Nam",
            "10",
            unit_label="hoạt động",
            target="10",
        ),
        _c(
            "3.2",
            "Tỷ lệ khu dân cư đạt danh hiệu “Khu dân cư văn hóa”",
            "8",
            measure="percent",
            unit_label="%",
            target="90",
        ),
        _c(
            "3.3",
            "Số ý kiến, kiến nghị của cử tri và Nhân dân được tổng hợp gửi Đại hội Đảng bộ "
            "cùng cấp",
            "7",
            unit_label="ý kiến",
            target="50",
        ),
        _c(
            "3.4",
            "Mô hình mới, cách làm hay được Ủy ban MTTQ Việt Nam thành phố biểu dương, nhân rộng",
            "3",
            unit_label="mô hình",
            kind="bonus",
            rule="per_occurrence",
            points_per_occurrence=D("1"),
            cap=D("3"),
        ),
    ],
    [
        _c(
            "4.1",
            "Hoàn thành sắp xếp, kiện toàn tổ chức bộ máy cơ quan Ủy ban MTTQ Việt Nam quận "
            "theo Nghị quyết số 18-NQ/TW",
            "7",
            measure="yes_no",
        ),
        _c(
            "4.2",
            "Tỷ lệ cán bộ cơ quan được bồi dưỡng nghiệp vụ công tác Mặt trận trong năm",
            "8",
            measure="percent",
            unit_label="%",
            target="100",
        ),
    ],
    [
        _c("5.1", "Cơ quan đạt danh hiệu “Cơ quan đạt chuẩn văn hóa”", "5", measure="yes_no"),
        _c(
            "5.2",
            "Tổ chức hội nghị cán bộ, công chức thực hiện quy chế dân chủ ở cơ sở",
            "5",
            unit_label="hội nghị",
            target="1",
            rule="all_or_nothing",
        ),
        _c(
            "5.3",
            "Không có cán bộ vi phạm kỷ luật, pháp luật; bảo đảm an ninh, an toàn cơ quan",
            "5",
            measure="yes_no",
        ),
    ],
]

TEMPLATE_2021 = {
    "legal_basis": (
        "Căn cứ Luật Thi đua, Khen thưởng ngày 26/11/2003; Luật sửa đổi, bổ sung một số điều "
        "của Luật Thi đua, Khen thưởng ngày 14/6/2005 và ngày 16/11/2013;"
    ),
    "closing": CLOSING_CLAUSE.replace("Cụm thi đua số 1", "Cụm thi đua"),
    "sections": [
        (
            "Thực hiện nhiệm vụ chính trị",
            "Triển khai thực hiện có hiệu quả các nhiệm vụ của Trung ương và Thành phố, Nghị "
            "quyết Đại hội Đảng bộ các cấp nhiệm kỳ 2020 - 2025 và nhiệm vụ chính trị của đơn vị.",
            [
                _c(
                    "1.1",
                    "Tổ chức hội nghị quán triệt, triển khai Nghị quyết Đại hội Đảng bộ cùng cấp",
                    "15",
                    unit_label="hội nghị",
                    target="2",
                ),
                _c(
                    "1.2",
                    "Tỷ lệ khu dân cư tổ chức Ngày hội Đại đoàn kết toàn dân tộc",
                    "15",
                    measure="percent",
                    unit_label="%",
                    target="100",
                ),
            ],
        ),
        (
            "Công tác thi đua - khen thưởng",
            "Đổi mới, nâng cao chất lượng công tác Thi đua - Khen thưởng; chú trọng khen thưởng "
            "cấp cơ sở và người lao động trực tiếp.",
            [
                _c(
                    "2.1",
                    "Sơ kết 6 tháng, tổng kết năm công tác thi đua - khen thưởng đúng thời hạn",
                    "10",
                    measure="yes_no",
                ),
                _c(
                    "2.2",
                    "Gửi báo cáo chậm so với thời hạn quy định",
                    "0",
                    unit_label="lần",
                    kind="penalty",
                    rule="per_occurrence",
                    points_per_occurrence=D("0.5"),
                    cap=D("2"),
                ),
            ],
        ),
        (
            "Xây dựng cơ quan, đơn vị",
            "Thi đua xây dựng cơ quan văn hóa, đơn vị an toàn vững mạnh, đoàn kết; thực hiện "
            "tốt dân chủ ở cơ sở.",
            [
                _c(
                    "3.1",
                    "Cơ quan đạt danh hiệu “Cơ quan đạt chuẩn văn hóa”",
                    "10",
                    measure="yes_no",
                )
            ],
        ),
    ],
}


def report_paragraphs():
    return [line.strip() for line in REPORT.read_text(encoding="utf-8").splitlines()]


def cut_sections(paragraphs=None):
    """The five sections: the paragraph after the lead-in, cut where each opening begins.

    Each section runs to the "; " before the next opening (not included); the fifth to the end.
    Also returns the next paragraph ("Trước mắt, …"), an immediate task for the closing part.
    """
    paragraphs = paragraphs if paragraphs is not None else report_paragraphs()
    index = next(i for i, p in enumerate(paragraphs) if p.endswith(LEAD_IN))
    paragraph, following = paragraphs[index + 1], paragraphs[index + 2]
    starts = [paragraph.index(opening) for opening in OPENINGS]
    assert starts == sorted(starts), "the openings must come in order"
    sections = []
    for number, start in enumerate(starts):
        if number + 1 < len(starts):
            text = paragraph[start : starts[number + 1]]
            assert text.endswith("; "), text[-20:]
            text = text[: -len("; ")]
        else:
            text = paragraph[start:]
        sections.append(text)
    return sections, following


def _add_content(actor, agreement, sections):
    for heading, text, criteria in sections:
        section = services.section_add(actor=actor, agreement=agreement, heading=heading, text=text)
        for fields in criteria:
            services.criterion_add(actor=actor, section=section, **fields)


def _template_2021(world):
    parent, bantt = world.parent, world.user("bantt")
    template = Agreement.objects.filter(
        kind=Agreement.Kind.TEMPLATE, template_parent=parent, template_year=2021
    ).first()
    if template is not None:
        return template
    template = services.template_create(actor=bantt, parent=parent, year=2021)
    Agreement.objects.filter(pk=template.pk).update(is_demo=True)
    template.refresh_from_db()
    services.agreement_update(
        actor=bantt,
        agreement=template,
        expected_version=template.version,
        title=template.title,
        place=template.place,
        date=None,
        legal_basis=TEMPLATE_2021["legal_basis"],
        closing=TEMPLATE_2021["closing"],
    )
    _add_content(bantt, template, TEMPLATE_2021["sections"])
    return template


def build(world):
    """Build (or find) the adopted 2020 agreement of Cluster No. 1 and the 2021 template."""
    world.template_2021 = _template_2021(world)
    cluster_year = world.cluster_year
    existing = Agreement.objects.filter(cluster_year=cluster_year, status__in=IN_FORCE).first()
    if existing is not None:
        world.agreement = existing
        return world
    officer, head = world.user("canbo.dongda"), world.user("dongda")
    sections, immediate_task = cut_sections()
    agreement = services.agreement_create(
        actor=officer, cluster_year=cluster_year, origin="blank", is_demo=True
    )
    services.agreement_update(
        actor=officer,
        agreement=agreement,
        expected_version=agreement.version,
        title=agreement.title,
        place=agreement.place,
        date=CONFERENCE_AT.date(),
        legal_basis=agreement.legal_basis,
        closing=f"{CLOSING_CLAUSE}\n{immediate_task.rstrip('.')}.",
    )
    _add_content(officer, agreement, zip(HEADINGS, sections, CRITERIA, strict=True))
    services.agreement_circulate(actor=head, agreement=agreement)
    section_2 = agreement.sections.get(order=2)
    answered = services.comment_add(
        actor=world.user("canbo.badinh"),
        agreement=agreement,
        unit=world.unit("badinh"),
        section=section_2,
        text=(
            "Đề nghị bổ sung chỉ tiêu về số tập thể, cá nhân ở cơ sở và người lao động trực "
            "tiếp được khen thưởng."
        ),
    )
    services.comment_answer(
        actor=officer,
        comment=answered,
        answer="Cụm trưởng tiếp thu; đã bổ sung chỉ tiêu 2.2 vào dự thảo.",
    )
    services.comment_add(
        actor=world.user("hoankiem"),
        agreement=agreement,
        unit=world.unit("hoankiem"),
        text=(
            "Ủy ban MTTQ Việt Nam quận Hoàn Kiếm thống nhất với dự thảo; đề nghị bổ sung nhiệm "
            "vụ tuyên truyền phòng, chống dịch bệnh vào phần tổ chức thực hiện."
        ),
    )
    agreement = services.agreement_adopt(actor=head, agreement=agreement)
    # The story happened in 2020: date the adoption at the conference, not at the demo's build.
    Agreement.objects.filter(pk=agreement.pk).update(
        adopted_at=CONFERENCE_AT + datetime.timedelta(hours=1)
    )
    services.conference_save(
        actor=officer,
        agreement=agreement,
        starts_at=CONFERENCE_AT,
        venue=VENUE,
        hosts=[world.unit("dongda"), world.unit("hoankiem")],
        minutes=(
            "Hội nghị triển khai công tác Thi đua - Khen thưởng và ký giao ước thi đua năm 2020 "
            "của Cụm thi đua số 1. Các đơn vị trong Cụm cơ bản thống nhất với dự thảo giao ước "
            "gồm 5 nội dung; Cụm trưởng tiếp thu ý kiến của các đơn vị."
        ),
        guests=GUESTS,
    )
    agreement.refresh_from_db()
    world.agreement = agreement
    return world
