"""Paragraphs of a PDF regulation with a text layer, rebuilt from line geometry.

Why pdfminer.six: a PDF has no paragraphs, only lines placed on a page, and a line the
layout wrapped must be joined to the next one while a line that ends its paragraph must
not — otherwise "…按照督办\\n要求按时反馈" splits a clause, or a wrapped line that happens
to start with "2、" becomes one. pdfminer.six's layout analysis gives each line's box, so a
line that stops short of the text's right edge ends its paragraph and an indented line
(首行缩进) starts one, as a reader sees it
(pypdf gives the text with line breaks but no geometry). It is pure Python and
maintained; it also decodes the CJK fonts Word and LibreOffice embed.

A PDF without a text layer (a scan) yields no text and is refused with what to do.
"""

from __future__ import annotations

from pathlib import Path
from statistics import median
from typing import Any

from duban.authoring.numbering import mark_at
from duban.authoring.source_error import SourceError

#: How far short of the right edge (in character widths) a line may stop and still be full.
FULL_LINE_SLACK = 1.5
#: Largest number of pages read (a guard against a huge or hostile file).
MAX_PAGES = 300


def pdf_paragraphs(path: Path) -> list[str]:
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LAParams, LTTextContainer, LTTextLineHorizontal
    from pdfminer.pdfparser import PDFSyntaxError

    try:
        pages = list(extract_pages(str(path), laparams=LAParams(), maxpages=MAX_PAGES))
    except (PDFSyntaxError, ValueError, KeyError, TypeError) as err:
        raise SourceError(f"{path}: 无法读取 PDF（{type(err).__name__}）/ unreadable PDF；"
                          "请从原文件重新导出 PDF，或改用 .docx") from None
    except Exception as err:  # pdfminer raises its own types for encrypted files
        if "encrypt" in type(err).__name__.lower() or "password" in str(err).lower():
            raise SourceError(f"{path}: PDF 已加密 / encrypted PDF；请先去除密码") from None
        raise
    paged: list[list[Any]] = []
    for page in pages:
        lines: list[Any] = []
        for element in page:
            if isinstance(element, LTTextContainer):
                lines.extend(x for x in element if isinstance(x, LTTextLineHorizontal))
        lines.sort(key=lambda ln: (-round(ln.y1), ln.x0))
        paged.append(lines)
    everything = [ln for lines in paged for ln in lines]
    # The text's right edge: the widest line, or the left margin mirrored when no line
    # of a short text reaches it.
    right = max([ln.x1 for ln in everything] +
                [pages[0].width - min(ln.x0 for ln in everything)] if everything else [0.0])
    left = min((ln.x0 for ln in everything), default=0.0)
    paragraphs: list[str] = []
    current = ""
    texts = [(ln, ln.get_text()) for ln in everything]
    texts = [(ln, t) for ln, t in texts if t.strip()]
    for i, (line, raw) in enumerate(texts):
        text = raw.strip()
        if current and _indented(line, raw, left):
            paragraphs.append(current)  # a first-line indent starts a paragraph
            current = ""
        current += text
        nxt = texts[i + 1][1] if i + 1 < len(texts) else ""
        short = line.x1 < right - FULL_LINE_SLACK * _char_width(line)
        # A full line ending a sentence, followed by a numbered line, ends its paragraph
        # too (the paragraph happened to fill its last line).
        if short or (text.endswith(("。", "；", ";")) and mark_at(nxt.strip()) is not None):
            paragraphs.append(current)
            current = ""
    if current:
        paragraphs.append(current)
    if not any(p.strip() for p in paragraphs):
        raise SourceError(f"{path}: PDF 中没有文字层（可能是扫描件）/ no text layer (a scan?)；"
                          "请先做文字识别（OCR），或改用 .docx")
    return paragraphs


def _indented(line: Any, raw: str, left: float) -> bool:
    """The line starts a paragraph indented (by spaces or by its position)."""
    return raw[:1] in ("\u3000", " ") or line.x0 > left + _char_width(line)


def _char_width(line: Any) -> float:
    widths = [ch.width for ch in line if hasattr(ch, "width") and ch.width > 0]
    return median(widths) if widths else 10.0
