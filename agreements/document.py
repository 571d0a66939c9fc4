"""The agreement's official document: its context, its PDF, and the stored sealed file."""

from django.core.exceptions import ObjectDoesNotExist

from agreements import selectors
from agreements.models import Agreement, Criterion
from core.documents import nfc, place_date_line, render_docx, render_pdf, sentence_case
from core.text import vn_number

TEMPLATE = "documents/agreement.html"
NBSP = "\u00a0"
ROLE_LABELS = {"head": "Cụm trưởng", "deputy": "Cụm phó"}
MEASURE_UNITS = {Criterion.Measure.PERCENT: "%", Criterion.Measure.YES_NO: "Có/Không"}
COLUMNS = 2


def _lines(text):
    return [line.strip() for line in nfc(text).splitlines() if line.strip()]


def _date_line(agreement):
    if agreement.date:
        return place_date_line(agreement.place, agreement.date)
    blank = NBSP * 6
    date = f"ngày{blank}tháng{blank}năm {agreement.year or ''}".rstrip()
    return f"{agreement.place}, {date}" if agreement.place else date[:1].upper() + date[1:]


def _rule_note(criterion):
    """How the criterion is scored, when it differs from the annex's general note."""
    C = Criterion
    per = vn_number(criterion.points_per_occurrence)
    cap = vn_number(criterion.effective_cap)
    if criterion.kind == C.Kind.PENALTY:
        if criterion.rule == C.Rule.PER_OCCURRENCE:
            return f"Điểm trừ: trừ {per} điểm/lần, tối đa {cap} điểm"
        return f"Điểm trừ: tối đa {cap} điểm"
    if criterion.kind == C.Kind.BONUS:
        if criterion.rule == C.Rule.PER_OCCURRENCE:
            return f"Điểm thưởng: {per} điểm/lần, tối đa {cap} điểm"
        return f"Điểm thưởng: tối đa {cap} điểm"
    if criterion.rule == C.Rule.MANUAL:
        return "Chấm theo kết quả thực tế"
    if criterion.rule == C.Rule.ALL_OR_NOTHING and criterion.measure != C.Measure.YES_NO:
        return "Đạt chỉ tiêu: điểm tối đa; không đạt: 0 điểm"
    return ""


SCORING_NOTE = (
    "Cách chấm: chỉ tiêu định lượng chấm theo tỷ lệ kết quả đạt được so với chỉ tiêu, không vượt "
    "quá điểm tối đa; chỉ tiêu Có/Không: đạt được điểm tối đa, không đạt 0 điểm; điểm thưởng và "
    "điểm trừ không vượt quá mức tối đa ghi tại từng tiêu chí."
)


def _points(criterion):
    if criterion.kind == Criterion.Kind.BONUS:
        return f"+{vn_number(criterion.effective_cap)}"
    if criterion.kind == Criterion.Kind.PENALTY:
        return f"-{vn_number(criterion.effective_cap)}"
    return vn_number(criterion.max_points)


def criterion_reading(criterion):
    """A criterion's target and points as the document writes them (the signing page too)."""
    return {
        "unit_label": criterion.unit_label or MEASURE_UNITS.get(criterion.measure, ""),
        "target": _target(criterion),
        "points": _points(criterion),
        "rule_note": _rule_note(criterion),
    }


def _target(criterion):
    if criterion.measure == Criterion.Measure.YES_NO:
        return "Có"
    if criterion.measure == Criterion.Measure.TEXT:
        return ""
    return vn_number(criterion.target)


ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]


def _roman(number):
    return ROMAN[number - 1] if number <= len(ROMAN) else str(number)


def _annex(totals):
    rows = []
    for number, entry in enumerate(totals.sections, start=1):
        section = entry.section
        rows.append(
            {
                "type": "section",
                "number": _roman(number),
                "heading": section.heading or section.text[:120],
                "points": vn_number(entry.totals.normal),
            }
        )
        for criterion in section.criteria.all():
            rows.append(
                {
                    "type": "criterion",
                    "code": criterion.code,
                    "text": criterion.text,
                    "unit_label": criterion.unit_label or MEASURE_UNITS.get(criterion.measure, ""),
                    "target": _target(criterion),
                    "points": _points(criterion),
                    "rule_note": _rule_note(criterion),
                }
            )
    return rows


def slot_id(unit_id):
    """The id of the box a unit's digital signature fields are placed on."""
    return f"slot-{unit_id}"


def _cell(member, signed, digital=False):
    extra = signed.get(member["unit_id"], {}) if signed else {}
    return {
        "slot_id": slot_id(member["unit_id"]) if digital else "",
        "unit_id": member["unit_id"],
        "unit": member["name"].upper(),
        "role_label": ROLE_LABELS.get(member["role"], NBSP),
        "lines": member["signature_block"],
        "name": member["signatory_name"],
        "image": extra.get("image", ""),
        "note": extra.get("note", ""),
    }


def signature_cells(agreement, signed=None, *, digital=False):
    """One cell per member unit: the members as adopted (frozen) or as they are (a draft).

    `signed` maps unit ids to {"image": data URI, "note": text} for the signing work; with
    `digital`, each cell holds an empty box where its unit's signature fields will be.
    """
    if agreement.is_template:
        return []
    if agreement.is_frozen and agreement.members_snapshot:
        members = agreement.members_snapshot
    else:
        members = selectors.members_snapshot(agreement.cluster_year, agreement.date)
    return [_cell(m, signed, digital) for m in members]


def _rows(cells, columns=COLUMNS):
    rows = [cells[i : i + columns] for i in range(0, len(cells), columns)]
    if rows and len(rows[-1]) < columns:
        rows[-1] = rows[-1] + [None] * (columns - len(rows[-1]))
    return rows


def agreement_document_context(agreement, *, signed=None, digital=False):
    """Everything templates/documents/agreement.html needs, in Vietnamese."""
    sections = selectors.sections_with_criteria(agreement)
    totals = selectors.totals(sections)
    if agreement.is_template:
        issuer = agreement.template_parent
        header = issuer.header
        issuer_name = f"{issuer.collective_name} {issuer.name}".strip()
        group = "các cụm thi đua"
        recipients = ["Các cụm thi đua", "Lưu: VT"]
    else:
        cluster = agreement.cluster_year.cluster
        parent = cluster.parent
        header = cluster.header
        issuer_name = cluster.name
        group = cluster.name
        recipients = [
            f"{parent.collective_name} {parent.name} (để báo cáo)".strip(),
            f"Các đơn vị trong {cluster.name}",
            f"Lưu: VT, {cluster.name}",
        ]
    cells = signature_cells(agreement, signed, digital=digital)
    title = nfc(agreement.title)
    superseded_note = ""
    if agreement.status == agreement.Status.SUPERSEDED:
        newer = Agreement.objects.filter(supersedes=agreement).first()
        if newer is not None:
            adopted = f" thông qua ngày {newer.date:%d/%m/%Y}" if newer.date else ""
            superseded_note = (
                f"Văn bản này đã được thay thế bởi bản sửa đổi “{nfc(newer.title)}”{adopted}."
            )
    return {
        "agreement": agreement,
        "document_name": f"{title} – {issuer_name}",
        "header_lines": header,
        "number_line": "",
        "place_date": _date_line(agreement),
        "title": title,
        "subtitle": "",
        "is_draft": agreement.is_editable,
        "is_demo": agreement.is_demo,
        "legal_basis": _lines(agreement.legal_basis),
        "intro": (
            f"Các đơn vị trong {group} thống nhất ký kết giao ước thi đua năm "
            f"{agreement.year} với các nội dung sau:"
        ),
        "sections": [{"heading": nfc(s.heading), "paragraphs": _lines(s.text)} for s in sections],
        "closing": _lines(agreement.closing),
        "signature_cells": cells,
        "signature_rows": _rows(cells),
        "recipients": recipients,
        "content_hash": agreement.content_hash if agreement.is_frozen else "",
        "superseded_note": superseded_note,
        "has_criteria": totals.overall.count > 0,
        "annex": _annex(totals),
        "annex_reference": f"Kèm theo {sentence_case(title)} của {issuer_name}",
        "total_normal": vn_number(totals.overall.normal),
        "total_bonus": vn_number(totals.overall.bonus) if totals.overall.bonus else "",
        "total_penalty": vn_number(totals.overall.penalty) if totals.overall.penalty else "",
        "scoring_note": SCORING_NOTE,
    }


def render_agreement_pdf(agreement, *, signed=None):
    """Render the agreement's document to PDF bytes (PDF/A-3b, fonts embedded)."""
    return render_pdf(TEMPLATE, agreement_document_context(agreement, signed=signed))


def render_agreement_docx(agreement):
    """The agreement's text as an editable Word file (never a signed agreement's)."""
    return render_docx(TEMPLATE, agreement_document_context(agreement))


def sealed_file(agreement):
    """The stored sealed document, once signing has sealed it (None before)."""
    try:
        seal = agreement.seal
    except (ObjectDoesNotExist, AttributeError):  # not sealed yet, or no signing work
        return None
    if seal.is_sealed and seal.file:
        return seal.file
    return None


def current_pdf(agreement):
    """The agreement's current document: the sealed file when there is one, else a rendering."""
    stored = sealed_file(agreement)
    if stored is not None:
        with stored.open("rb") as handle:
            return handle.read()
    return render_agreement_pdf(agreement)


def download_name(agreement):
    if agreement.is_template:
        return f"mau-giao-uoc-{agreement.year}-{agreement.pk}.pdf"
    suffix = "" if agreement.is_frozen else "-du-thao"
    return f"giao-uoc-{agreement.year}-{agreement.pk}{suffix}.pdf"
