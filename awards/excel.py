"""The parent's year summary of awards by cluster, as a spreadsheet.

User text (names, reasons, notes) is always written as text, never as a formula: the
writers of awards.excel do it (data type "s", and a quote prefix on text that starts like one).
"""

from openpyxl import Workbook
from openpyxl.styles import Font

from awards.models import ProposalItem
from results.excel import (
    BOLD,
    BORDER,
    _header,
    _save,
    column_widths,
    number_cell,
    print_setup,
    text_cell,
)


def year_summary_workbook(parent, year, award_types, lines, items):
    """Sheet 1: one line per cluster (file status, proposed/granted per award).
    Sheet 2: every nominee with the award, reason, figures, status and decision."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Tổng hợp"
    text_cell(ws, 1, 1, f"TỔNG HỢP KHEN THƯỞNG NĂM {year}").font = Font(bold=True, size=14)
    text_cell(ws, 2, 1, parent.name)
    labels = ["STT", "Cụm thi đua", "Trạng thái hồ sơ", "Quyết định"]
    for award_type in award_types:
        labels += [f"{award_type.name}: đề nghị", f"{award_type.name}: được tặng"]
    _header(ws, 4, labels)
    row = 5
    for index, line in enumerate(lines, start=1):
        ws.cell(row=row, column=1).value = index
        text_cell(ws, row, 2, line.cluster_year.cluster.name)
        proposal = line.proposal
        text_cell(ws, row, 3, proposal.get_status_display() if proposal else "—")
        decision = getattr(proposal, "decision", None) if proposal else None
        text_cell(ws, row, 4, f"{decision.number} ({decision.date:%d/%m/%Y})" if decision else "")
        column = 5
        for proposed, granted in line.cells:
            ws.cell(row=row, column=column).value = proposed
            ws.cell(row=row, column=column + 1).value = granted
            column += 2
        for c in range(1, len(labels) + 1):
            ws.cell(row=row, column=c).border = BORDER
        row += 1
    column_widths(ws, (6, 36, 22, 24, *([16] * (len(labels) - 4))))
    print_setup(ws, header_row=4)

    detail = wb.create_sheet("Danh sách")
    headers = [
        "STT",
        "Cụm thi đua",
        "Tập thể, cá nhân",
        "Đơn vị",
        "Hình thức khen thưởng",
        "Tổng điểm",
        "Xếp hạng",
        "Xếp loại",
        "Tỷ lệ phiếu (%)",
        "Thành tích, lý do",
        "Trạng thái",
        "Ghi chú",
        "Quyết định",
    ]
    _header(detail, 1, headers)
    for index, item in enumerate(items, start=1):
        r = index + 1
        proposal = item.proposal
        decision = getattr(proposal, "decision", None)
        detail.cell(row=r, column=1).value = index
        text_cell(detail, r, 2, proposal.cluster_year.cluster.name)
        text_cell(detail, r, 3, item.person_name or item.unit_name)
        text_cell(detail, r, 4, item.unit_name)
        text_cell(detail, r, 5, item.award_type.name)
        number_cell(detail, r, 6, item.score)
        detail.cell(row=r, column=7).value = item.rank
        text_cell(detail, r, 8, item.rating)
        number_cell(detail, r, 9, item.vote_share)
        text_cell(detail, r, 10, item.reason)
        text_cell(detail, r, 11, item.get_status_display())
        note = (
            item.revoked_reason if item.status == ProposalItem.Status.REVOKED else item.parent_note
        )
        text_cell(detail, r, 12, note)
        text_cell(detail, r, 13, decision.number if decision else "")
    column_widths(detail, (6, 30, 36, 36, 36, 10, 10, 22, 12, 60, 16, 30, 20))
    detail.cell(row=1, column=1).font = BOLD
    print_setup(detail, header_row=1)
    return _save(wb)
