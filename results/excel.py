"""Spreadsheets: the self-assessment template out and back in, and the score table out.

Out: user text is always written as text, never as a formula (data type "s", and a quote
prefix on text that starts like a formula).

In: a workbook is checked before openpyxl opens it — its size, the zip's entry count, total
uncompressed size and compression ratios (zip bombs), no DTD or entity declarations in any
XML part (XML bombs; openpyxl also parses through defusedxml when it is installed), and no
formulas in the worksheet (formulas are never evaluated: read_only=True, data_only=True).
Errors name the row and the cell; nothing is written unless the whole file is valid.
"""

import io
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal

from defusedxml.ElementTree import iterparse
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from agreements.models import Criterion
from core.text import vn_number
from results.selectors import input_kind, score_limits

# Limits for uploaded workbooks.
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_ENTRIES = 200
MAX_UNCOMPRESSED_BYTES = 40 * 1024 * 1024
MAX_RATIO = 100  # uncompressed / compressed, for parts large enough to matter
RATIO_FLOOR_BYTES = 256 * 1024
MAX_ROWS = 3000
MAX_TEXT = 5000

SHEET_TITLE = "Tự chấm điểm"
META_SHEET = "_thidua"
HEADER_ROW = 6
HEADERS = [
    "Mã",
    "Nội dung tiêu chí",
    "Loại",
    "Đơn vị tính",
    "Chỉ tiêu",
    "Điểm tối đa",
    "Kết quả đạt được",
    "Điểm tự chấm",
    "Giải trình",
    "Minh chứng (đường dẫn)",
    "ID",
]
COL = {name: index + 1 for index, name in enumerate(HEADERS)}
VALUE_COL, SCORE_COL, EXPLANATION_COL, LINKS_COL, ID_COL = 7, 8, 9, 10, 11
KIND_LABELS = {
    Criterion.Kind.NORMAL: "Tiêu chí",
    Criterion.Kind.BONUS: "Điểm thưởng",
    Criterion.Kind.PENALTY: "Điểm trừ",
}
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
SPREADSHEET_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"

THIN = Side(style="thin", color="808080")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
BOLD = Font(bold=True)
HEAD_FILL = PatternFill("solid", fgColor="DDE7F3")
SECTION_FILL = PatternFill("solid", fgColor="F2F2F2")
WRAP = Alignment(wrap_text=True, vertical="top")


# --- writing -------------------------------------------------------------------------------


def text_cell(ws, row, column, value):
    """Write user text as text: never a formula, whatever it starts with."""
    cell = ws.cell(row=row, column=column)
    text = "" if value is None else str(value)
    cell.value = text
    cell.data_type = "s"
    if text.startswith(FORMULA_START):
        cell.quotePrefix = True
    return cell


def number_cell(ws, row, column, value, fmt="General"):
    """A number as a number (Excel writes it the reader's way: 15 or 17,5, no trailing zeros)."""
    cell = ws.cell(row=row, column=column)
    cell.value = None if value is None else float(value)
    cell.number_format = fmt
    return cell


def _header(ws, row, labels):
    for column, label in enumerate(labels, start=1):
        cell = text_cell(ws, row, column, label)
        cell.font = BOLD
        cell.fill = HEAD_FILL
        cell.border = BORDER
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")


def print_setup(ws, *, header_row, landscape=True):
    """Set a sheet for printing on A4: the orientation, every column on the width of the page
    (as many pages down as it takes), the header row repeated on every page, and margins."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE if landscape else ws.ORIENTATION_PORTRAIT
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.page_margins.left = ws.page_margins.right = 0.6
    ws.page_margins.top = ws.page_margins.bottom = 0.75
    ws.print_options.horizontalCentered = True


def column_widths(ws, widths):
    """Set the widths of the sheet's columns from the first: one width per column."""
    for column, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(column)].width = width


def _save(wb):
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _value_for_template(score):
    kind = input_kind(score.criterion)
    if kind == "occurrences":
        return score.occurrences
    if kind == "yes_no":
        if score.achieved is None:
            return None
        return "Có" if score.achieved > 0 else "Không"
    if kind == "text":
        return score.achieved_text or None
    return score.achieved


def template_workbook(assessment, sections, scores):
    """The unit's criteria as a workbook to fill offline (current values pre-filled)."""
    period = assessment.period
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET_TITLE
    text_cell(ws, 1, 1, "PHIẾU TỰ CHẤM ĐIỂM THI ĐUA").font = Font(bold=True, size=14)
    text_cell(ws, 2, 1, f"Đơn vị: {assessment.unit_name}")
    text_cell(
        ws,
        3,
        1,
        f"{period.cluster_year.cluster.name} — năm {period.cluster_year.year} — "
        f"{'Tổng kết' if period.is_binding else 'Sơ kết 6 tháng'}",
    )
    text_cell(
        ws,
        4,
        1,
        "Điền cột G (kết quả; Có/Không; số lần vi phạm), H (để trống: điểm gợi ý), I và J. "
        "Không sửa cột A và K, không dùng công thức.",
    ).font = Font(italic=True)
    _header(ws, HEADER_ROW, HEADERS)
    by_criterion = {s.criterion_id: s for s in scores}
    row = HEADER_ROW + 1
    for section in sections:
        cell = text_cell(ws, row, 2, f"{section.order}. {section.heading or section.text[:200]}")
        cell.font = BOLD
        for column in range(1, len(HEADERS) + 1):
            ws.cell(row=row, column=column).fill = SECTION_FILL
            ws.cell(row=row, column=column).border = BORDER
        row += 1
        for criterion in section.criteria.all():
            score = by_criterion.get(criterion.pk)
            if score is None:
                continue
            score.criterion = criterion
            text_cell(ws, row, 1, criterion.code)
            text_cell(ws, row, 2, criterion.text)
            text_cell(ws, row, 3, KIND_LABELS[criterion.kind])
            text_cell(
                ws,
                row,
                4,
                "số lần" if input_kind(criterion) == "occurrences" else criterion.unit_label,
            )
            number_cell(ws, row, 5, criterion.target)
            low, high = score_limits(criterion)
            number_cell(ws, row, 6, low if criterion.kind == Criterion.Kind.PENALTY else high)
            value = _value_for_template(score)
            if isinstance(value, str):
                text_cell(ws, row, VALUE_COL, value)
            elif value is not None:
                number_cell(ws, row, VALUE_COL, value)
            number_cell(ws, row, SCORE_COL, score.self_score)
            text_cell(ws, row, EXPLANATION_COL, score.explanation)
            text_cell(ws, row, LINKS_COL, score.links)
            ws.cell(row=row, column=ID_COL).value = criterion.pk
            for column in range(1, len(HEADERS) + 1):
                ws.cell(row=row, column=column).border = BORDER
                ws.cell(row=row, column=column).alignment = WRAP
            row += 1
    column_widths(ws, (8, 60, 12, 12, 10, 10, 16, 12, 40, 30, 8))
    ws.column_dimensions[get_column_letter(ID_COL)].hidden = True
    print_setup(ws, header_row=HEADER_ROW)
    ws.freeze_panes = ws.cell(row=HEADER_ROW + 1, column=3)
    meta = wb.create_sheet(META_SHEET)
    for index, (key, value) in enumerate(
        (
            ("assessment", assessment.pk),
            ("unit", assessment.unit_id),
            ("period", period.pk),
            ("agreement", period.agreement_id),
        ),
        start=1,
    ):
        text_cell(meta, index, 1, key)
        meta.cell(row=index, column=2).value = value
    meta.sheet_state = "hidden"
    return _save(wb)


def score_table_workbook(results, *, demo=False):
    """The period's score table (units × sections, bonus, penalty, total, rank, rating)."""
    period = results.period
    wb = Workbook()
    ws = wb.active
    ws.title = "Bảng điểm"
    cluster_year = period.cluster_year
    text_cell(ws, 1, 1, "BẢNG TỔNG HỢP ĐIỂM THI ĐUA").font = Font(bold=True, size=14)
    text_cell(
        ws,
        2,
        1,
        f"{cluster_year.cluster.name} — năm {cluster_year.year} — "
        f"{'Tổng kết (chính thức)' if period.is_binding else 'Sơ kết 6 tháng (tạm tính)'}",
    )
    text_cell(ws, 3, 1, f"Điểm tối đa: {vn_number(results.max_points)}")
    if demo:
        text_cell(ws, 4, 1, "DỮ LIỆU MINH HỌA").font = Font(bold=True, color="C00000")
    labels = ["STT", "Đơn vị"]
    labels += [
        f"Nội dung {section.order} (tối đa {vn_number(m)})" for section, m in _sections(results)
    ]
    labels += ["Điểm thưởng", "Điểm trừ", "Tổng điểm", "Tỷ lệ (%)", "Xếp hạng", "Xếp loại"]
    _header(ws, 6, labels)
    row = 7
    for index, line in enumerate(_lines(results), start=1):
        ws.cell(row=row, column=1).value = index
        text_cell(ws, row, 2, line["name"])
        column = 3
        for value in line["sections"]:
            number_cell(ws, row, column, value)
            column += 1
        number_cell(ws, row, column, line["bonus"])
        number_cell(ws, row, column + 1, line["penalty"])
        number_cell(ws, row, column + 2, line["total"]).font = BOLD
        number_cell(ws, row, column + 3, line["percent"])
        ws.cell(row=row, column=column + 4).value = line["rank"]
        text_cell(ws, row, column + 5, line["rating"])
        for c in range(1, len(labels) + 1):
            ws.cell(row=row, column=c).border = BORDER
        row += 1
    text_cell(ws, row, 2, "Bình quân cụm").font = BOLD
    number_cell(ws, row, len(labels) - 3, results.average_total).font = BOLD
    column_widths(ws, (6, 42, *([14] * (len(labels) - 2))))
    ws.freeze_panes = "C7"
    print_setup(ws, header_row=6)

    detail = wb.create_sheet("Chi tiết")
    names = [line["name"] for line in _lines(results)]
    _header(detail, 1, ["Mã", "Tiêu chí", "Loại", *names])
    scores = {(s.assessment_id, s.criterion_id): s for s in results.scores}
    order = [line["assessment_id"] for line in _lines(results)]
    row = 2
    for section in results.sections:
        text_cell(
            detail, row, 2, f"{section.order}. {section.heading or section.text[:200]}"
        ).font = BOLD
        row += 1
        for criterion in section.criteria.all():
            text_cell(detail, row, 1, criterion.code)
            text_cell(detail, row, 2, criterion.text)
            text_cell(detail, row, 3, KIND_LABELS[criterion.kind])
            for offset, assessment_id in enumerate(order):
                score = scores.get((assessment_id, criterion.pk))
                number_cell(detail, row, 4 + offset, score.final_score if score else None)
            row += 1
    column_widths(detail, (8, 60, 12, *([16] * len(names))))
    for column in range(4, 4 + len(names)):
        detail.cell(row=1, column=column).alignment = Alignment(
            wrap_text=True, vertical="center", horizontal="center"
        )
    detail.freeze_panes = "D2"
    print_setup(detail, header_row=1)
    return _save(wb)


def comparison_workbook(parent, year, kind_label, summaries, rows):
    """The parent body's comparison between its clusters: one line per cluster, then every
    unit, best share of its maximum first (as the comparison page)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Các cụm"
    text_cell(ws, 1, 1, "SO SÁNH KẾT QUẢ THI ĐUA GIỮA CÁC CỤM").font = Font(bold=True, size=14)
    text_cell(ws, 2, 1, f"{parent.name} — năm {year} — {kind_label}")
    labels = ["STT", "Cụm thi đua", "Số đơn vị", "Bình quân (% điểm tối đa)", "Đơn vị dẫn đầu"]
    labels.append("Trạng thái")
    _header(ws, 4, labels)
    for index, summary in enumerate(summaries, start=1):
        row = 4 + index
        ws.cell(row=row, column=1).value = index
        text_cell(ws, row, 2, summary.name)
        ws.cell(row=row, column=3).value = summary.units
        number_cell(ws, row, 4, summary.average_percent)
        text_cell(ws, row, 5, "; ".join(summary.leaders))
        text_cell(ws, row, 6, "Đã khóa" if summary.locked else "Đang chấm (tạm tính)")
        for column in range(1, len(labels) + 1):
            ws.cell(row=row, column=column).border = BORDER
            ws.cell(row=row, column=column).alignment = WRAP
    column_widths(ws, (6, 30, 10, 14, 50, 20))
    print_setup(ws, header_row=4)

    units = wb.create_sheet("Các đơn vị")
    labels = ["STT", "Đơn vị", "Cụm thi đua", "Tổng điểm", "Điểm tối đa", "Tỷ lệ (%)"]
    labels += ["Xếp hạng trong cụm", "Xếp loại"]
    _header(units, 1, labels)
    for index, line in enumerate(rows, start=1):
        row = 1 + index
        units.cell(row=row, column=1).value = index
        text_cell(units, row, 2, line.name)
        text_cell(units, row, 3, line.cluster)
        number_cell(units, row, 4, line.total)
        number_cell(units, row, 5, line.max_points)
        number_cell(units, row, 6, line.percent)
        units.cell(row=row, column=7).value = line.rank
        text_cell(units, row, 8, line.rating)
        for column in range(1, len(labels) + 1):
            units.cell(row=row, column=column).border = BORDER
    column_widths(units, (6, 42, 24, 12, 12, 12, 12, 28))
    units.freeze_panes = "C2"
    print_setup(units, header_row=1)
    return _save(wb)


def _sections(results):
    return list(zip(results.sections, results.section_max, strict=True))


def _lines(results):
    """The score table's lines: the snapshot once locked, the live ranking before."""
    if results.snapshot is not None:
        by_unit = {row.assessment.unit_id: row.assessment.pk for row in results.rows}
        return [
            {
                "assessment_id": by_unit.get(entry.unit_id),
                "name": entry.unit_name,
                "sections": [Decimal(v) for v in entry.section_totals],
                "bonus": entry.bonus,
                "penalty": -entry.penalty,
                "total": entry.total,
                "percent": entry.percent,
                "rank": entry.rank,
                "rating": entry.rating,
            }
            for entry in results.entries
        ]
    return [
        {
            "assessment_id": row.assessment.pk,
            "name": row.name,
            "sections": row.section_points,
            "bonus": row.bonus,
            "penalty": -row.penalty,
            "total": row.total,
            "percent": row.percent,
            "rank": row.rank,
            "rating": row.rating,
        }
        for row in results.rows
    ]


# --- reading -------------------------------------------------------------------------------


class WorkbookError(Exception):
    """A workbook that cannot be imported: a list of (cell or None, message)."""

    def __init__(self, errors):
        self.errors = list(errors)
        super().__init__("; ".join(self.messages))

    @property
    def messages(self):
        return [f"{cell}: {message}" if cell else message for cell, message in self.errors]


@dataclass
class Parsed:
    """What a valid workbook says: raw entries per criterion, and where each came from."""

    entries: dict = field(default_factory=dict)  # criterion id -> {value, self_score, ...}
    rows: dict = field(default_factory=dict)  # criterion id -> row number


def _check_archive(data):
    """Refuse zip and XML bombs and formulas before any spreadsheet parser sees the file."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise WorkbookError(
            [(None, _("The file is larger than %(mb)s MB.") % {"mb": MAX_UPLOAD_BYTES // 1048576})]
        )
    if not data.startswith(b"PK\x03\x04"):
        raise WorkbookError([(None, _("The file is not an Excel workbook (.xlsx)."))])
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise WorkbookError([(None, _("The file is not an Excel workbook (.xlsx)."))]) from None
    if len(infos) > MAX_ENTRIES:
        raise WorkbookError([(None, _("The workbook has too many parts to be read safely."))])
    total = sum(info.file_size for info in infos)
    if total > MAX_UNCOMPRESSED_BYTES:
        raise WorkbookError(
            [
                (
                    None,
                    _("The workbook unpacks to more than %(mb)s MB: refused (zip bomb?).")
                    % {"mb": MAX_UNCOMPRESSED_BYTES // 1048576},
                )
            ]
        )
    for info in infos:
        if info.file_size > RATIO_FLOOR_BYTES and (
            info.compress_size == 0 or info.file_size / info.compress_size > MAX_RATIO
        ):
            raise WorkbookError(
                [(None, _("The workbook is compressed suspiciously well: refused (zip bomb?)."))]
            )
    names = {info.filename for info in infos}
    if "xl/workbook.xml" not in names:
        raise WorkbookError([(None, _("The file is not an Excel workbook (.xlsx)."))])
    try:
        for info in infos:
            if info.filename.endswith((".xml", ".rels", ".vml")):
                _check_xml_part(archive, info)
    except zipfile.BadZipFile:
        raise WorkbookError([(None, _("The workbook is damaged."))]) from None
    return archive


def _check_xml_part(archive, info):
    tail = b""
    with archive.open(info) as part:
        first = True
        while chunk := part.read(65536):
            if first and (chunk.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in chunk[:64]):
                # Only UTF-8 parts are read, so that the checks below see every declaration.
                raise WorkbookError([(None, _("The workbook is not encoded as expected."))])
            first = False
            window = (tail + chunk).upper()
            if b"<!DOCTYPE" in window or b"<!ENTITY" in window:
                raise WorkbookError(
                    [
                        (
                            None,
                            _("The workbook contains refused XML declarations (XML bomb?)."),
                        )
                    ]
                )
            tail = chunk[-16:]


def _formula_cells(archive):
    """Cells holding a formula, found by a safe streaming parse of each worksheet."""
    found = []
    for name in archive.namelist():
        if not (name.startswith("xl/worksheets/") and name.endswith(".xml")):
            continue
        with archive.open(name) as part:
            head = part.read()
        if b"<f" not in head:
            continue
        for _event, element in iterparse(io.BytesIO(head), events=("end",)):
            if element.tag == f"{SPREADSHEET_NS}c":
                if element.find(f"{SPREADSHEET_NS}f") is not None:
                    found.append(element.get("r") or "?")
                element.clear()
    return found


def _cell(column, row):
    return f"{get_column_letter(column)}{row}"


def _text(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def parse_assessment_workbook(data, *, assessment, criteria):
    """Read a filled template for `assessment`; `criteria` maps id -> Criterion of its sheet.

    Returns Parsed; raises WorkbookError listing every problem by cell.
    """
    archive = _check_archive(data)
    formulas = _formula_cells(archive)
    if formulas:
        raise WorkbookError(
            [(ref, _("The cell contains a formula; enter values only.")) for ref in formulas[:50]]
        )
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
    except Exception:  # openpyxl raises many kinds on malformed parts
        raise WorkbookError([(None, _("The workbook is damaged or not an .xlsx file."))]) from None
    try:
        return _parse(wb, assessment=assessment, criteria=criteria)
    finally:
        wb.close()


def _meta(wb):
    if META_SHEET not in wb.sheetnames:
        return {}
    values = {}
    for key, value in wb[META_SHEET].iter_rows(min_row=1, max_row=10, max_col=2, values_only=True):
        if key:
            values[str(key)] = _text(value)
    return values


def _parse(wb, *, assessment, criteria):
    if SHEET_TITLE not in wb.sheetnames:
        raise WorkbookError(
            [
                (
                    None,
                    _("The workbook has no sheet named “%(name)s”: use the downloaded template.")
                    % {"name": SHEET_TITLE},
                )
            ]
        )
    meta = _meta(wb)
    if meta.get("assessment") and meta["assessment"] != str(assessment.pk):
        raise WorkbookError(
            [(None, _("This file is the template of another sheet (another unit or review)."))]
        )
    ws = wb[SHEET_TITLE]
    errors = []
    header = next(
        ws.iter_rows(
            min_row=HEADER_ROW, max_row=HEADER_ROW, max_col=len(HEADERS) + 3, values_only=True
        ),
        (),
    )
    found = [_text(v) for v in header]
    for column, expected in enumerate(HEADERS, start=1):
        actual = found[column - 1] if column <= len(found) else ""
        if actual != expected:
            errors.append(
                (
                    _cell(column, HEADER_ROW),
                    _("Expected the column “%(expected)s”, found “%(actual)s”.")
                    % {"expected": expected, "actual": actual},
                )
            )
    extra = [v for v in found[len(HEADERS) :] if v]
    if extra:
        errors.append(
            (_cell(len(HEADERS) + 1, HEADER_ROW), _("Unexpected extra columns: remove them."))
        )
    if errors:
        raise WorkbookError(errors)
    parsed = Parsed()
    for offset, values in enumerate(
        ws.iter_rows(min_row=HEADER_ROW + 1, max_col=len(HEADERS), values_only=True)
    ):
        row = HEADER_ROW + 1 + offset
        if offset >= MAX_ROWS:
            raise WorkbookError([(None, _("The sheet has too many rows."))])
        values = list(values) + [None] * (len(HEADERS) - len(values))
        identifier = _text(values[ID_COL - 1])
        if not identifier:
            if any(_text(values[c - 1]) for c in (VALUE_COL, SCORE_COL, EXPLANATION_COL)):
                errors.append(
                    (
                        _cell(ID_COL, row),
                        _(
                            "The row has values but no criterion id: keep columns A and K as "
                            "downloaded."
                        ),
                    )
                )
            continue
        try:
            criterion = criteria.get(int(identifier))
        except ValueError:
            criterion = None
        if criterion is None:
            errors.append(
                (_cell(ID_COL, row), _("This criterion is not part of this sheet's agreement."))
            )
            continue
        if _text(values[0]) != criterion.code:
            errors.append(
                (
                    _cell(1, row),
                    _("The code does not match the criterion (expected “%(code)s”).")
                    % {"code": criterion.code},
                )
            )
            continue
        if criterion.pk in parsed.entries:
            errors.append(
                (
                    _cell(ID_COL, row),
                    _("The criterion appears twice (also on row %(row)s).")
                    % {"row": parsed.rows[criterion.pk]},
                )
            )
            continue
        explanation = _text(values[EXPLANATION_COL - 1])
        links = _text(values[LINKS_COL - 1])
        for column, text in ((EXPLANATION_COL, explanation), (LINKS_COL, links)):
            if len(text) > MAX_TEXT:
                errors.append((_cell(column, row), _("The text is too long.")))
        parsed.rows[criterion.pk] = row
        parsed.entries[criterion.pk] = {
            "value": values[VALUE_COL - 1],
            "self_score": values[SCORE_COL - 1],
            "explanation": explanation,
            "links": links.replace(";", "\n"),
        }
    if errors:
        raise WorkbookError(errors)
    if not parsed.entries:
        raise WorkbookError([(None, _("The sheet has no criterion rows to import."))])
    return parsed


FIELD_COLUMNS = {
    "value": VALUE_COL,
    "self_score": SCORE_COL,
    "explanation": EXPLANATION_COL,
    "links": LINKS_COL,
}


def cell_of(parsed, criterion_id, field_name):
    return _cell(FIELD_COLUMNS.get(field_name, VALUE_COL), parsed.rows[criterion_id])
