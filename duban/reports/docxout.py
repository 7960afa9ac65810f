"""Markdown blocks → a Word document (python-docx), because offices work in Word.

Tables become real Word tables (style "Table Grid", header row bold and repeated on
every page), so a 督查通报 or a 通知单 can be edited, stamped and printed as usual. The
East Asian font is set to 宋体 (SimSun), the customary face of official documents.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.oxml.parser import OxmlElement
from docx.shared import Pt
from docx.text.paragraph import Paragraph

from duban.reports.mdblocks import Block, Heading, ListBlock, Para, Rule, Table, runs


def _fill(paragraph: Paragraph, text: str) -> None:
    for n, line in enumerate(text.split("\n")):
        if n:
            paragraph.add_run().add_break()
        for t, bold in runs(line):
            paragraph.add_run(t).bold = bold or None


def _east_asian(style: object, font: str = "宋体") -> None:
    rpr = style.element.get_or_add_rPr()  # type: ignore[attr-defined]
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.append(fonts)
    fonts.set(qn("w:eastAsia"), font)


def document(title: str, blocks: Sequence[Block]) -> bytes:
    """The .docx bytes of ``blocks``; ``title`` goes into the document properties."""
    doc = Document()
    doc.core_properties.title = title
    normal = doc.styles["Normal"]
    normal.font.size = Pt(11)
    _east_asian(normal)
    for name in ("Title", "Heading 1", "Heading 2", "Heading 3"):
        _east_asian(doc.styles[name], "黑体")
    for b in blocks:
        if isinstance(b, Heading):
            h = doc.add_heading(level=min(b.level, 3) if b.level > 1 else 0)
            _fill(h, b.text)
            if b.level == 1:
                h.alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif isinstance(b, Para):
            _fill(doc.add_paragraph(), "\n".join(b.lines))
        elif isinstance(b, Rule):
            doc.add_paragraph("—" * 30).alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif isinstance(b, ListBlock):
            style = "List Number" if b.ordered else "List Bullet"
            for item in b.items:
                _fill(doc.add_paragraph(style=style), item)
        elif isinstance(b, Table):
            _table(doc, b)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _table(doc: object, b: Table) -> None:
    width = max([len(b.header or ())] + [len(r) for r in b.rows] + [1])
    rows = ([b.header] if b.header is not None else []) + list(b.rows)
    table = doc.add_table(rows=len(rows), cols=width)  # type: ignore[attr-defined]
    table.style = "Table Grid"
    for r, row in enumerate(rows):
        for c in range(width):
            cell = table.cell(r, c)
            paragraph = cell.paragraphs[0]
            _fill(paragraph, row[c] if c < len(row) else "")
            if b.header is not None and r == 0:
                for run in paragraph.runs:
                    run.bold = True
            elif c < len(b.align) and b.align[c] == "right":
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    first = 1 if b.header is not None else 0
    for i, span in enumerate(b.label_spans()):
        if span > 1:  # a label over several rows, as on the paper form
            top = table.cell(first + i, 0)
            top.merge(table.cell(first + i + span - 1, 0))
            for extra in top.paragraphs[1:]:
                extra._element.getparent().remove(extra._element)
    if b.header is not None:  # repeat the header row on every page
        tr_pr = table.rows[0]._tr.get_or_add_trPr()
        header = OxmlElement("w:tblHeader")
        header.set(qn("w:val"), "true")
        tr_pr.append(header)
    doc.add_paragraph()  # type: ignore[attr-defined]
