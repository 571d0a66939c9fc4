"""The score table (bảng tổng hợp điểm) as an official document: its context and its PDF.

Issued in the cluster's name, signed by the cluster head's signatory; the same SVG charts
as the results page. Vietnamese only.
"""

from django.utils import timezone

from agreements.selectors import signatory_of
from core.documents import place_date_line, render_docx, render_pdf, sentence_case
from core.text import vn_number
from results import charts

TEMPLATE = "documents/score_table.html"


def _title(period):
    year = period.cluster_year.year
    if period.is_binding:
        return "BẢNG TỔNG HỢP KẾT QUẢ CHẤM ĐIỂM THI ĐUA", f"NĂM {year}"
    return "BẢNG TỔNG HỢP KẾT QUẢ CHẤM ĐIỂM THI ĐUA", f"SƠ KẾT 6 THÁNG ĐẦU NĂM {year} (TẠM TÍNH)"


def _lines(results):
    by_unit = {row.assessment.unit_id: row for row in results.rows}
    if results.snapshot is not None:
        lines = []
        for entry in results.entries:
            row = by_unit.get(entry.unit_id)
            lines.append(
                {
                    "name": entry.unit_name,
                    "sections": [vn_number(v) for v in entry.section_totals],
                    "bonus": vn_number(entry.bonus),
                    "penalty": vn_number(-entry.penalty),
                    "total": vn_number(entry.total),
                    "percent": vn_number(entry.percent),
                    "rank": entry.rank,
                    "rating": entry.rating,
                    "row": row,
                }
            )
        return lines
    return [
        {
            "name": row.name,
            "sections": [vn_number(v) for v in row.section_points],
            "bonus": vn_number(row.bonus),
            "penalty": vn_number(-row.penalty),
            "total": vn_number(row.total),
            "percent": vn_number(row.percent),
            "rank": row.rank,
            "rating": row.rating,
            "row": row,
        }
        for row in results.rows
    ]


def score_table_context(results):
    period = results.period
    cluster_year = period.cluster_year
    cluster = cluster_year.cluster
    head = cluster_year.head
    when = period.locked_at or timezone.now()
    title, subtitle = _title(period)
    signatory = signatory_of(head, timezone.localdate(when)) if head is not None else None
    lines = _lines(results)
    labels = {row.assessment.unit_id: row.assessment.unit.short_name for row in results.rows}
    profiles = [
        {"name": line["name"], "svg": charts.unit_profile(results, line["row"], labels=labels)}
        for line in lines
        if line["row"] is not None
    ]
    return {
        "document_name": f"{title} {subtitle} — {cluster.name}",
        "header_lines": cluster.header,
        "number_line": "",
        # Issued by the cluster-head unit on the cluster's behalf: its place, as the other
        # documents of the same file.
        "place_date": place_date_line((head or cluster.parent).place_name, when),
        "title": title,
        "subtitle": subtitle,
        "is_draft": not period.is_locked,
        "is_demo": period.agreement.is_demo,
        "period": period,
        "cluster": cluster,
        "agreement": period.agreement,
        "agreement_title": sentence_case(period.agreement.title),
        "locked_on": timezone.localdate(period.locked_at) if period.locked_at else None,
        "sections": [
            {"order": s.order, "heading": s.heading or s.text[:200], "max": vn_number(m)}
            for s, m in zip(results.sections, results.section_max, strict=True)
        ],
        "max_points": vn_number(results.max_points),
        "average_total": vn_number(results.average_total),
        "lines": lines,
        "snapshot": results.snapshot,
        "thresholds": [(label, vn_number(minimum)) for label, minimum in results.rules.thresholds]
        if results.snapshot is None
        else [(label, vn_number(minimum)) for label, minimum in results.snapshot.thresholds],
        "tie_break": results.snapshot.tie_break if results.snapshot else results.rules.tie_break,
        "totals_chart": charts.totals_for_results(results, labels=labels),
        "profiles": profiles,
        "signer": {
            "unit": f"TM. {cluster.name.upper()}",
            "lines": ["CỤM TRƯỞNG"],
            "name": signatory.person.full_name if signatory else "",
        },
        "head_name": head.name if head else "",
    }


TIE_BREAK_VN = {
    "total": "tổng điểm cao hơn",
    "normal": "điểm các tiêu chí (chưa tính thưởng, trừ) cao hơn",
    "bonus": "điểm thưởng cao hơn",
    "fewer_penalty": "điểm trừ ít hơn",
}


def _full_context(results):
    context = score_table_context(results)
    context["tie_break_text"] = "; ".join(TIE_BREAK_VN.get(k, k) for k in context["tie_break"])
    return context


def score_table_pdf(results):
    return render_pdf(TEMPLATE, _full_context(results))


def score_table_docx(results):
    return render_docx(TEMPLATE, _full_context(results))
