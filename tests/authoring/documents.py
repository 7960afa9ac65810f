"""Write a regulation's paragraphs as the files users hand us: .docx and PDF.

The .docx is made with python-docx, optionally numbering its 条 with Word's own list
numbering (``第%1条`` in chineseCounting), which puts no number in the paragraph text —
the way many regulations are typed. The PDF is printed with fpdf2 in a Chinese font
(Debian's fonts-wqy-microhei, installed by scripts/install_cjk_font.sh), on A4 pages
whose lines wrap mid-sentence and whose paragraphs start indented by two characters, as a
printed regulation's do.
"""

from __future__ import annotations

import re
from pathlib import Path

from docx import Document
from docx.oxml import parse_xml
from fpdf import FPDF

FONT = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
_TIAO = re.compile(r"^第[一二三四五六七八九十百]+条\s*")


def write_docx(paragraphs: list[str], path: Path, *, word_numbering: bool = False) -> Path:
    """One Word paragraph per line; with ``word_numbering``, 第N条 drawn by Word."""
    document = Document()
    num_id = _add_tiao_numbering(document) if word_numbering else None
    if word_numbering:  # Word numbers paragraphs: each 条 is its own paragraph
        paragraphs = [x for p in paragraphs for x in re.split(r"(?<=。)\s*(?=第[一二三四五六七八九十]+条)", p)]
    for text in paragraphs:
        if num_id is not None and _TIAO.match(text):
            p = document.add_paragraph(_TIAO.sub("", text))
            p._p.get_or_add_pPr().append(parse_xml(
                f'<w:numPr {_W}><w:ilvl w:val="0"/><w:numId w:val="{num_id}"/></w:numPr>'))
        else:
            document.add_paragraph(text)
    document.save(str(path))
    return path


def _add_tiao_numbering(document: Document) -> int:
    numbering = document.part.numbering_part.element
    numbering.insert(0, parse_xml(
        f'<w:abstractNum {_W} w:abstractNumId="77"><w:lvl w:ilvl="0"><w:start w:val="1"/>'
        f'<w:numFmt w:val="chineseCounting"/><w:lvlText w:val="第%1条"/></w:lvl>'
        f'</w:abstractNum>'))
    numbering.append(parse_xml(f'<w:num {_W} w:numId="77"><w:abstractNumId w:val="77"/></w:num>'))
    return 77


def write_pdf(paragraphs: list[str], path: Path) -> Path:
    """Print the paragraphs on A4 pages as Word sets Chinese text: lines filled to the
    right margin and broken between any two characters, each paragraph's first line
    indented by two characters."""
    pdf = FPDF(format="A4")
    pdf.add_font("wqy", "", str(FONT))
    pdf.set_font("wqy", size=11)
    pdf.set_auto_page_break(False)
    pdf.add_page()
    left, width, step = pdf.l_margin, pdf.w - pdf.l_margin - pdf.r_margin, 7.0
    indent = pdf.get_string_width("\u4e00\u4e00")
    y = pdf.t_margin + step
    for text in paragraphs:
        for i, line in enumerate(_wrap(pdf, text, width, indent)):
            if y > pdf.h - pdf.b_margin:
                pdf.add_page()
                y = pdf.t_margin + step
            pdf.text(left + (indent if i == 0 else 0), y, line)
            y += step
    pdf.output(str(path))
    return path


def _wrap(pdf: FPDF, text: str, width: float, indent: float) -> list[str]:
    lines, current, used, room = [], "", 0.0, width - indent
    widths: dict[str, float] = {}
    for ch in text:
        w = widths.setdefault(ch, pdf.get_string_width(ch))
        if current and used + w > room:
            lines.append(current)
            current, used, room = "", 0.0, width
        current += ch
        used += w
    return [*lines, current] if current or not lines else lines
