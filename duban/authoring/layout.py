"""Where a regulation's text is split before its clauses are numbered: parts and documents.

Why a stage of its own: what users hand us is often not one regulation. A download from a
document site holds several (第1篇 … 第6篇); one 篇 may hold two regulations one after the
other (督查工作制度, then 督查督办工作制度); a regulation issued by 红头文件 starts with
its cover notice (关于印发《…》的通知) and ends with a date. Cites are only unambiguous
once these are told apart.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from duban.authoring.numbering import mark_at, read_number
from duban.authoring.script import Line

_PART = re.compile(r"^第\s*([0-9零〇一二两三四五六七八九十百]+)\s*篇\s*[:：]?\s*(.*)$")
_TITLE_ENDS = ("制度", "办法", "规定", "细则", "规则", "条例", "意见", "方案", "规程", "守则")
_TERMINAL = "。；;：:！？!?"
_HEADING_PUNCT = re.compile(r"[。；;，,：:！？!?]")
_DATE = re.compile(r"^[0-9〇○零一二三四五六七八九十]{2,4}\s*年\s*[0-9〇○零一二三四五六七八九十]{1,2}\s*月"
                   r"\s*[0-9〇○零一二三四五六七八九十]{1,3}\s*日$")
_ATTACHMENT_START = re.compile(r"^附\s*件\s*[0-9一二三四五六七八九十]*\s*[:：]?\s*$")
_NOTICE = re.compile(r"关于印发《(.+?)》的通知")


@dataclass
class Part:
    """One 篇 of a file (the whole file when it has none)."""

    number: int
    title: str
    lines: list[Line]


@dataclass
class Document:
    """One regulation: its title, cover notice, body lines and closing lines (落款)."""

    title: str
    body: list[Line]
    notice: list[Line] = field(default_factory=list)
    closing: list[Line] = field(default_factory=list)


def is_heading_like(text: str) -> bool:
    """A title rather than a sentence: short and without sentence punctuation (a title
    may end with 。, as in ``第十三条 公文运转催办提醒。``)."""
    text = text[:-1] if text.endswith("。") else text
    return len(text) <= 24 and not _HEADING_PUNCT.search(text)


def ends_sentence(text: str) -> bool:
    """Whether a paragraph ends where a sentence does (not in a wrapped line)."""
    return text.rstrip("”’」』）)》 ").endswith(tuple(_TERMINAL)) or \
        text.rstrip().endswith(tuple(_TERMINAL))


def is_title(text: str) -> bool:
    return len(text) >= 4 and is_heading_like(text) and text.endswith(_TITLE_ENDS) and \
        mark_at(text) is None


def split_parts(lines: list[Line]) -> list[Part]:
    """Split at 第N篇 headers; a file without them is one part numbered 0."""
    parts: list[Part] = []
    for line in lines:
        m = _PART.match(line.plain)
        number = read_number(m.group(1)) if m else None
        if m and number is not None and len(line.plain) <= 40:
            parts.append(Part(number, m.group(2).strip(), []))
        elif parts:
            parts[-1].lines.append(line)
        elif line.plain:
            parts.append(Part(0, "", [line]))
    return parts or [Part(0, "", [])]


def split_documents(lines: list[Line]) -> list[Document]:
    """Split a part where a new regulation's title follows numbered clauses."""
    docs: list[Document] = []
    current: list[Line] = []
    numbered = False
    for line in lines:
        if _ATTACHMENT_START.match(line.plain):
            numbered = False  # forms in attachments carry titles of their own
        if is_title(line.plain) and numbered:
            docs.append(_document(current))
            current, numbered = [], False
        current.append(line)
        numbered = numbered or mark_at(line.plain) is not None
    docs.append(_document(current))
    return docs


def _document(lines: list[Line]) -> Document:
    """Title, cover notice and closing lines of one regulation; the rest is its body."""
    lines = list(lines)
    closing: list[Line] = []
    if lines and _DATE.match(lines[-1].plain):
        closing.insert(0, lines.pop())
        if lines and is_heading_like(lines[-1].plain) and mark_at(lines[-1].plain) is None:
            closing.insert(0, lines.pop())
    notice: list[Line] = []
    title = ""
    for i, line in enumerate(lines[:40]):
        m = _NOTICE.search(line.plain)
        if m and mark_at(line.plain) is None:
            named = m.group(1)
            end = next((j for j in range(i + 1, len(lines)) if lines[j].plain == named), None)
            if end is not None:
                start = end - 1 if end - 1 > i and is_heading_like(lines[end - 1].plain) \
                    else end
                notice, title, lines = lines[:start], named, lines[end + 1:]
            break
    while lines and is_heading_like(lines[0].plain) and mark_at(lines[0].plain) is None:
        title = title or lines[0].plain
        if is_title(lines[0].plain):
            title = lines[0].plain
        lines = lines[1:]
    return Document(title, lines, notice, closing)
