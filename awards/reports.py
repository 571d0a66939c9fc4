"""Achievement reports (báo cáo thành tích) in the collective template's structure.

The template the award decrees carry (docs/official-documents.md): the reporting unit's header,
the title "BÁO CÁO THÀNH TÍCH ĐỀ NGHỊ TẶNG …", parts I–III with their numbered sections, the
signature of the unit's head and the certifying authority's block. Each section is prefilled from
what the application knows (the unit, the year's results and ranking, earlier awards) and then
edited by the unit; the document renders as PDF and Word from one template (core.word).
"""

from django.utils import timezone

from awards.models import ProposalItem
from core.documents import place_date_line, render_docx, render_pdf
from core.text import vn_number

TEMPLATE = "documents/achievement_report.html"

# (part heading, [(key, section heading)]) in the template's order.
PARTS = [
    (
        "I. SƠ LƯỢC ĐẶC ĐIỂM, TÌNH HÌNH",
        [
            ("situation", "1. Đặc điểm, tình hình"),
            ("duties", "2. Chức năng, nhiệm vụ"),
        ],
    ),
    (
        "II. THÀNH TÍCH ĐẠT ĐƯỢC",
        [
            ("results", "1. Kết quả thực hiện nhiệm vụ chính trị"),
            ("measures", "2. Các biện pháp, giải pháp và nguyên nhân đạt được thành tích"),
            ("policies", "3. Việc thực hiện chủ trương, chính sách, pháp luật"),
        ],
    ),
    (
        "III. CÁC HÌNH THỨC ĐÃ ĐƯỢC KHEN THƯỞNG",
        [
            ("titles", "1. Danh hiệu thi đua"),
            ("awards", "2. Hình thức khen thưởng"),
        ],
    ),
]
SECTIONS = [section for _part, sections in PARTS for section in sections]
SECTION_KEYS = [key for key, _heading in SECTIONS]
MAX_SECTION = 20000
EARLIER_STATUSES = ("granted",)


def earlier_awards(item):
    """The unit's awards of earlier years recorded in the application, oldest first."""
    year = item.proposal.cluster_year.year
    rows = (
        ProposalItem.objects.filter(
            unit_id=item.unit_id,
            person_name="",
            status__in=EARLIER_STATUSES,
            proposal__cluster_year__year__lt=year,
        )
        .select_related(
            "award_type", "proposal__cluster_year__cluster__parent", "proposal__decision"
        )
        .order_by("proposal__cluster_year__year", "pk")
    )
    lines = []
    for row in rows:
        cluster_year = row.proposal.cluster_year
        decision = getattr(row.proposal, "decision", None)
        parent = cluster_year.cluster.parent
        issuer = f"{parent.collective_name} {parent.name}".strip()
        where = (
            f"Quyết định số {decision.number} ngày {decision.date:%d/%m/%Y} của {issuer}"
            if decision is not None
            else f"của {issuer}"
        )
        lines.append(f"- Năm {cluster_year.year}: {row.award_type.name} ({where}).")
    return lines


def prefill(item):
    """The sections as the application can draft them from the unit's data."""
    cluster_year = item.proposal.cluster_year
    cluster = cluster_year.cluster
    results = [
        f"Năm {cluster_year.year}, {item.unit_name} tham gia phong trào thi đua của {cluster.name}."
    ]
    figures = []
    if item.score is not None:
        figures.append(f"tổng điểm chấm {vn_number(item.score)} điểm")
    if item.rank:
        figures.append(f"xếp thứ {item.rank} trong cụm")
    if item.rating:
        figures.append(f"xếp loại {item.rating}")
    if figures:
        results.append("Kết quả chấm điểm thi đua: " + ", ".join(figures) + ".")
    if item.reason.strip():
        results.append(item.reason.strip())
    if item.report_text.strip():  # a report written before the sections existed
        results.append(item.report_text.strip())
    earlier = earlier_awards(item)
    return {
        "situation": f"{item.unit_name} là thành viên của {cluster.name}.",
        "duties": "",
        "results": "\n".join(results),
        "measures": "",
        "policies": "",
        "titles": "",
        "awards": "\n".join(earlier) if earlier else "",
    }


def sections_of(item):
    """The report's sections: as saved by the unit, else the prefilled draft."""
    saved = item.report_sections or {}
    if any(str(saved.get(key, "")).strip() for key in SECTION_KEYS):
        return {key: str(saved.get(key, "")) for key in SECTION_KEYS}
    return prefill(item)


def parts_of(item, sections=None):
    """The parts and their sections with the text split into paragraphs (page and document)."""
    sections = sections if sections is not None else sections_of(item)
    return [
        {
            "heading": heading,
            "sections": [
                {"heading": title, "paragraphs": _paragraphs(sections.get(key, ""))}
                for key, title in part_sections
            ],
        }
        for heading, part_sections in PARTS
    ]


def report_context(item):
    cluster_year = item.proposal.cluster_year
    unit = item.unit
    parent = cluster_year.cluster.parent
    parts = parts_of(item)
    latest = item.report_versions.order_by("-number").first()
    date = timezone.localdate(latest.saved_at) if latest is not None else timezone.localdate()
    return {
        "document_name": f"Báo cáo thành tích — {item.nominee}",
        "header_lines": unit.header or [item.unit_name.upper()],
        "number_line": "",
        "place_date": place_date_line(unit.place_name or parent.place_name, date),
        "title": f"BÁO CÁO THÀNH TÍCH ĐỀ NGHỊ TẶNG {item.award_type.name.upper()}",
        "subtitle": item.nominee,
        "parts": parts,
        "head_cell": {
            "unit": f"TM. {unit.collective_name.upper()}" if unit.collective_name else "",
            "lines": ["THỦ TRƯỞNG ĐƠN VỊ"],
            "name": "",
        },
        "certifier_cell": {
            "unit": "",
            "lines": ["XÁC NHẬN CỦA CẤP TRÌNH KHEN THƯỞNG"],
            "name": "",
        },
        "is_draft": item.proposal.is_editable,
        "is_demo": False,
    }


def _paragraphs(text):
    return [line.strip() for line in str(text).splitlines() if line.strip()] or ["…"]


def report_pdf(item):
    return render_pdf(TEMPLATE, report_context(item))


def report_docx(item):
    return render_docx(TEMPLATE, report_context(item))
