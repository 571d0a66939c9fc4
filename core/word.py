"""Official documents as editable Word files (.docx), in the Nghị định 30/2020/NĐ-CP layout.

One description, two writers: a document is its template's HTML (templates/documents/), which
WeasyPrint lays out as the PDF and `html_to_docx` writes as Word — A4, margins 20/20/30/20 mm,
Times New Roman 14 pt (13 pt in the header and the signature block), the header as a two-column
table without borders, page numbers at the top from page 2. Tables keep their cells (merged cells
included); charts and images are left out (Word keeps the text to edit).
"""

import io
import re

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

FONT = "Times New Roman"
BODY_SIZE = Pt(14)
SMALL_SIZE = Pt(13)
TABLE_SIZE = Pt(12)
SPACE = re.compile(r"[ \t\r\n]+")
CENTRED_CLASSES = {
    "centre",
    "annex-head",
    "annex-sub",
    "record-head",
    "record-sub",
    "addressee",
    "authority",
    "decides",
    "sig-title",
    "superseded",
    "demo-banner",
}
BOLD_CLASSES = {"bold", "article", "part", "sub", "section-heading", "decides", "authority"}
BOLD_CLASSES |= {"annex-head", "record-head", "sig-title", "superseded"}
ITALIC_CLASSES = {"italic", "sub", "annex-sub", "record-sub", "rule-note", "attests"}
# Containers whose paragraphs are italic (the legal bases).
ITALIC_BLOCKS = {"legal-basis", "bases", "legal"}
SKIPPED_CLASSES = {"screen-only", "chart", "doc-title-rule", "issuer-rule", "sig-slot"}


def _classes(element):
    return set((element.get("class") or "").split())


def _text(value):
    return SPACE.sub(" ", value or "")


def _set_font(run, size=None, bold=None, italic=None):
    run.font.name = FONT
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)  # noqa: SLF001
    if size is not None:
        run.font.size = size
    if bold:
        run.bold = True
    if italic:
        run.italic = True


class _Writer:
    def __init__(self):
        self.doc = Document()
        section = self.doc.sections[0]
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.orientation = WD_ORIENT.PORTRAIT
        section.top_margin = section.bottom_margin = Mm(20)
        section.left_margin, section.right_margin = Mm(30), Mm(20)
        section.header_distance = Mm(10)
        style = self.doc.styles["Normal"]
        style.font.name = FONT
        style.font.size = BODY_SIZE
        style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
        style.paragraph_format.space_after = Pt(6)
        style.paragraph_format.line_spacing = 1.1
        self._page_numbers(section)

    def marks(self, body):
        """The marks the PDF prints in its page margins: "DỰ THẢO" at the top of every page of
        a draft, the demo notice at the foot of every page."""
        section = self.doc.sections[0]
        classes = {c for element in body.iter() for c in _classes(element)}
        if "screen-mark" in classes:
            for header in (section.first_page_header, section.header):
                paragraph = header.paragraphs[0].insert_paragraph_before()
                paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT
                _set_font(paragraph.add_run("DỰ THẢO"), Pt(12), bold=True)
        if "demo-banner" in classes:
            for footer in (section.first_page_footer, section.footer):
                paragraph = footer.paragraphs[0]
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
                notice = paragraph.add_run("DỮ LIỆU MINH HỌA – KHÔNG CÓ GIÁ TRỊ PHÁP LÝ")
                _set_font(notice, Pt(10), bold=True)

    def _page_numbers(self, section):
        """The page number centred at the top, from page 2 (the first page has none)."""
        section.different_first_page_header_footer = True
        paragraph = section.header.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run()
        _set_font(run, SMALL_SIZE)
        for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
            if kind:
                field = OxmlElement("w:fldChar")
                field.set(qn("w:fldCharType"), kind)
                run._element.append(field)  # noqa: SLF001
            else:
                instruction = OxmlElement("w:instrText")
                instruction.set(qn("xml:space"), "preserve")
                instruction.text = text
                run._element.append(instruction)  # noqa: SLF001

    # --- inline text -------------------------------------------------------------------

    def _runs(self, paragraph, element, *, size, bold=False, italic=False):
        """Write the element's text and its children's, keeping bold and italic spans."""
        classes = _classes(element)
        bold = bold or bool(classes & BOLD_CLASSES) or element.tag in ("b", "strong", "th")
        italic = italic or bool(classes & ITALIC_CLASSES) or element.tag in ("i", "em")
        if element.text:
            _set_font(paragraph.add_run(_text(element.text)), size, bold, italic)
        for child in element:
            if child.tag == "br":
                paragraph.add_run().add_break()
            elif child.tag in ("img", "svg") or _classes(child) & SKIPPED_CLASSES:
                pass
            elif child.tag == "div":
                paragraph.add_run().add_break()
                self._runs(paragraph, child, size=size, bold=bold, italic=italic)
            else:
                self._runs(paragraph, child, size=size, bold=bold, italic=italic)
            if child.tail:
                _set_font(paragraph.add_run(_text(child.tail)), size, bold, italic)

    def _paragraph(
        self, container, element, *, size=BODY_SIZE, centred=False, indent=True, italic=False
    ):
        classes = _classes(element)
        paragraph = container.add_paragraph()
        if centred or classes & CENTRED_CLASSES:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        else:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
            if indent and "no-indent" not in classes and "part" not in classes:
                paragraph.paragraph_format.first_line_indent = Mm(10)
        self._runs(paragraph, element, size=size, italic=italic)
        # A paragraph made only of spaces (the layout's spacers) is left empty.
        if not paragraph.text.strip():
            for run in paragraph.runs:
                run.text = ""
        return paragraph

    # --- blocks ------------------------------------------------------------------------

    def header(self, body):
        table_element = body.find(".//table[@class='doc-header']")
        issuer, nation = table_element.findall(".//td")
        table = self.doc.add_table(rows=1, cols=2)
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        widths = (Mm(64), Mm(96))
        for cell, width in zip(table.rows[0].cells, widths, strict=True):
            cell.width = width
        left, right = table.rows[0].cells
        left.paragraphs[0].text = ""
        first = True
        for line in issuer:
            if _classes(line) & SKIPPED_CLASSES:
                continue
            paragraph = left.paragraphs[0] if first else left.add_paragraph()
            first = False
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            paragraph.paragraph_format.space_after = Pt(0)
            bold = "issuer-last" in _classes(line)
            text = _text(line.text_content()).strip()
            if "issuer-line" in _classes(line):
                text = text.upper()
            _set_font(paragraph.add_run(text), SMALL_SIZE, bold=bold)
        first = True
        for line in nation:
            paragraph = right.paragraphs[0] if first else right.add_paragraph()
            first = False
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            paragraph.paragraph_format.space_after = Pt(0)
            classes = _classes(line)
            text = _text(line.text_content()).strip()
            if "place-date" in classes:
                paragraph.paragraph_format.space_before = Pt(8)
                _set_font(paragraph.add_run(text), BODY_SIZE, italic=True)
            else:
                _set_font(paragraph.add_run(text), SMALL_SIZE, bold=True)

    def block(self, container, element, *, size=BODY_SIZE, centred=False, italic=False):
        classes = _classes(element)
        italic = italic or bool(classes & ITALIC_BLOCKS)
        if element.tag in ("style", "script", "title") or classes & SKIPPED_CLASSES:
            return
        if "page-break" in classes:
            self.doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
            return
        if "doc-header" in classes:
            return  # written by header()
        if "signature" in classes:
            self._signature(container, element)
            return
        if "recipients" in classes:
            self._recipients(container, element)
            return
        if element.tag == "h1" or "doc-subtitle" in classes:
            paragraph = self._paragraph(container, element, centred=True, indent=False)
            for run in paragraph.runs:
                run.bold = True
            return
        if element.tag == "p":
            self._paragraph(container, element, size=size, centred=centred, italic=italic)
            return
        if element.tag == "table":
            self._table(container, element)
            return
        if element.tag in ("ul", "ol"):
            for item in element.findall("li"):
                self._paragraph(container, item, size=size, indent=False)
            return
        if element.tag == "div" and len(element) == 0 and (element.text or "").strip():
            self._paragraph(container, element, size=size, centred=centred, indent=False)
            return
        centred = centred or bool(classes & CENTRED_CLASSES)
        if element.tag in ("div", "section", "body", "span", "tbody", "thead", "td", "th"):
            if (element.text or "").strip() and element.tag == "span":
                self._paragraph(container, element, size=size, centred=centred, indent=False)
                return
            for child in element:
                self.block(container, child, size=size, centred=centred, italic=italic)

    def _signature(self, container, element):
        for part in element:
            classes = _classes(part)
            if classes & SKIPPED_CLASSES:
                continue
            paragraph = container.add_paragraph()
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            paragraph.paragraph_format.space_after = Pt(0)
            text = _text(part.text_content()).strip()
            if "sig-space" in classes:
                for _line in range(3):
                    container.add_paragraph().paragraph_format.space_after = Pt(0)
                if text:
                    _set_font(paragraph.add_run(text), SMALL_SIZE, italic=True)
                continue
            upper = classes & {"sig-unit", "sig-line"}
            _set_font(
                paragraph.add_run(text.upper() if upper else text),
                SMALL_SIZE,
                bold=bool(upper) or "sig-name" in classes,
                italic="sig-role" in classes,
            )

    def _recipients(self, container, element):
        for part in element.iter():
            classes = _classes(part)
            if "recipients-title" in classes or part.tag == "li":
                paragraph = container.add_paragraph()
                paragraph.paragraph_format.space_after = Pt(0)
                title = "recipients-title" in classes
                _set_font(
                    paragraph.add_run(_text(part.text_content()).strip()),
                    Pt(12) if title else Pt(11),
                    bold=title,
                    italic=title,
                )

    def _table(self, container, element):
        classes = _classes(element)
        rows = list(element.iter("tr"))
        if not rows:
            return
        bordered = bool(classes & {"data", "record"})
        grid, width = self._grid(rows)
        table = container.add_table(rows=len(rows), cols=width)
        if bordered:
            table.style = self.doc.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        size = TABLE_SIZE if bordered else SMALL_SIZE
        for (r, c), (cell_element, rowspan, colspan) in grid.items():
            cell = table.cell(r, c)
            if rowspan > 1 or colspan > 1:
                cell = cell.merge(table.cell(r + rowspan - 1, c + colspan - 1))
            cell.paragraphs[0].text = ""
            if bordered:
                paragraph = cell.paragraphs[0]
                paragraph.paragraph_format.space_after = Pt(0)
                paragraph.paragraph_format.first_line_indent = None
                if cell_element.tag == "th" or _classes(cell_element) & {"num", "center"}:
                    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
                else:
                    paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT
                self._runs(paragraph, cell_element, size=size)
            else:
                self.block(cell, cell_element, size=size)
                if len(cell.paragraphs) > 1 and not cell.paragraphs[0].text:
                    first = cell.paragraphs[0]._element  # noqa: SLF001
                    first.getparent().remove(first)
        if bordered:
            header_rows = len(element.findall("thead/tr"))
            for index in range(header_rows):
                properties = table.rows[index]._tr.get_or_add_trPr()  # noqa: SLF001
                repeat = OxmlElement("w:tblHeader")
                repeat.set(qn("w:val"), "true")
                properties.append(repeat)

    @staticmethod
    def _grid(rows):
        """{(row, column): (cell element, rowspan, colspan)} with spans placed as HTML does."""
        taken, grid, width = set(), {}, 0
        for r, row in enumerate(rows):
            c = 0
            for cell in row:
                if cell.tag not in ("td", "th"):
                    continue
                while (r, c) in taken:
                    c += 1
                rowspan = int(cell.get("rowspan") or 1)
                colspan = int(cell.get("colspan") or 1)
                grid[(r, c)] = (cell, rowspan, colspan)
                for dr in range(rowspan):
                    for dc in range(colspan):
                        taken.add((r + dr, c + dc))
                c += colspan
                width = max(width, c)
        width = max([width] + [c + 1 for _r, c in taken])
        return grid, width

    def save(self):
        buffer = io.BytesIO()
        self.doc.save(buffer)
        return buffer.getvalue()


def html_to_docx(html):
    """Write an official document's HTML (templates/documents/) as a Word file's bytes."""
    from lxml import html as lxml_html

    root = lxml_html.document_fromstring(html)
    body = root.find("body")
    writer = _Writer()
    writer.marks(body)
    writer.header(body)
    # The empty first paragraph of a new document would stand above the header table.
    first = writer.doc.paragraphs[0]._element if writer.doc.paragraphs else None  # noqa: SLF001
    if first is not None:
        first.getparent().remove(first)
    for child in body:
        writer.block(writer.doc, child)
    return writer.save()
