"""Paragraphs of a Word (.docx) regulation, with the numbers Word draws itself.

Why the numbering part: a regulation typed in Word often numbers its 条 and （一） with
Word's automatic lists, so "第一条" is not in the paragraph's text at all — it is drawn
from ``numbering.xml`` (a level's format, e.g. ``第%1条`` in ``chineseCounting``).
python-docx reads paragraphs but does not draw these numbers; this module does, with
Word's rules for counting (a level restarts when a higher level moves on). Tables
(forms in attachments) are read cell by cell, in document order.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

from duban.authoring.source_error import SourceError

#: Largest total size of a .docx's unpacked parts (text of a long regulation is < 5 MB).
MAX_UNPACKED = 200 * 1024 * 1024
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_CN = "零一二三四五六七八九"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"


def docx_paragraphs(path: Path) -> list[str]:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    _check_unpacked_size(path)
    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as err:
        raise SourceError(f"{path}: 不是有效的 .docx 文件（{err}）/ not a valid .docx file；"
                          "请用 Word 或 LibreOffice 重新另存为 .docx") from None
    numbering = _Numbering(document)
    out: list[str] = []
    body = document.element.body
    for child in body.iterchildren():
        if child.tag == f"{_W}p":
            out.append(numbering.label(child) + _text(child))
        elif child.tag == f"{_W}tbl":
            out.extend(_table_texts(child))
    return out


def _check_unpacked_size(path: Path) -> None:
    """Refuse a .docx whose parts unpack to more than :data:`MAX_UNPACKED` (a zip bomb)."""
    try:
        with zipfile.ZipFile(path) as archive:
            size = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError):
        return  # python-docx reports it below, with what to do
    if size > MAX_UNPACKED:
        raise SourceError(f"{path}: 解压后过大（{size // 1024 // 1024} MB，上限 "
                          f"{MAX_UNPACKED // 1024 // 1024} MB）/ unpacks too large")


def _text(p: Any) -> str:
    return "".join((t.text or "") if t.tag == f"{_W}t" else " "
                   for t in p.iter(f"{_W}t", f"{_W}tab"))


def _table_texts(tbl: Any) -> list[str]:
    """Each cell's paragraphs once (a merged cell appears once), row by row."""
    out: list[str] = []
    seen: set[int] = set()
    for tc in tbl.iter(f"{_W}tc"):
        if id(tc) in seen:
            continue
        seen.add(id(tc))
        out.extend(_text(p) for p in tc.iter(f"{_W}p"))
    return out


def chinese_numeral(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 105 → 一百零五 (Word's chineseCounting)."""
    if n < 10:
        return _CN[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return ("" if tens == 1 else _CN[tens]) + "十" + (_CN[ones] if ones else "")
    hundreds, rest = divmod(n, 100)
    tail = "" if rest == 0 else ("零" + chinese_numeral(rest) if rest < 10 else
                                 (_CN[1] + chinese_numeral(rest) if rest < 20 else
                                  chinese_numeral(rest)))
    return _CN[hundreds] + "百" + tail


def format_number(n: int, fmt: str) -> str:
    if fmt in ("chineseCounting", "chineseCountingThousand", "ideographTraditional",
               "taiwaneseCounting", "taiwaneseCountingThousand", "japaneseCounting"):
        return chinese_numeral(n)
    if fmt == "decimalFullWidth":
        return "".join(chr(ord(ch) + 0xFEE0) for ch in str(n))
    if fmt in ("lowerLetter", "upperLetter"):
        letter = chr(ord("a") + (n - 1) % 26)
        return letter.upper() if fmt == "upperLetter" else letter
    if fmt in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese") and 0 < n <= 20:
        return _CIRCLED[n - 1]
    if fmt in ("bullet", "none"):
        return ""
    return str(n)


class _Numbering:
    """Word's list counters: per list (numId), per level, restarting deeper levels."""

    def __init__(self, document: Any) -> None:
        self.levels: dict[tuple[str, int], tuple[int, str, str]] = {}
        self.abstract_of: dict[str, str] = {}
        self.start_override: dict[tuple[str, int], int] = {}
        self.counters: dict[str, list[int]] = {}
        self.styles = document.styles.element if document.styles is not None else None
        try:
            root = document.part.numbering_part.element
        except (NotImplementedError, KeyError):
            return
        abstract: dict[str, dict[int, tuple[int, str, str]]] = {}
        for an in root.iter(f"{_W}abstractNum"):
            lv: dict[int, tuple[int, str, str]] = {}
            for lvl in an.iter(f"{_W}lvl"):
                ilvl = int(lvl.get(f"{_W}ilvl", "0"))
                lv[ilvl] = (int(_val(lvl, "start") or 1), _val(lvl, "numFmt") or "decimal",
                            _val(lvl, "lvlText") or "")
            abstract[an.get(f"{_W}abstractNumId", "")] = lv
        for num in root.iter(f"{_W}num"):
            num_id = num.get(f"{_W}numId", "")
            aid = _val(num, "abstractNumId") or ""
            for ilvl, spec in abstract.get(aid, {}).items():
                self.levels[(num_id, ilvl)] = spec
            for ov in num.iter(f"{_W}lvlOverride"):
                start = _val(ov, "startOverride")
                if start is not None:
                    self.start_override[(num_id, int(ov.get(f"{_W}ilvl", "0")))] = int(start)

    def label(self, p: Any) -> str:
        found = self._num_pr(p)
        if found is None:
            return ""
        num_id, ilvl = found
        if (num_id, ilvl) not in self.levels or num_id == "0":
            return ""
        counters = self.counters.setdefault(num_id, [0] * 9)
        for deeper in range(ilvl + 1, 9):
            counters[deeper] = 0
        start = self.start_override.get((num_id, ilvl), self.levels[(num_id, ilvl)][0])
        counters[ilvl] = start if counters[ilvl] == 0 else counters[ilvl] + 1
        text = self.levels[(num_id, ilvl)][2]
        for level in range(ilvl + 1):
            spec = self.levels.get((num_id, level))
            value = counters[level] or (spec[0] if spec else 1)
            fmt = spec[1] if spec else "decimal"
            text = text.replace(f"%{level + 1}", format_number(value, fmt))
        return text + " " if text else ""

    def _num_pr(self, p: Any) -> tuple[str, int] | None:
        ppr = p.find(f"{_W}pPr")
        num_pr = ppr.find(f"{_W}numPr") if ppr is not None else None
        if num_pr is None and ppr is not None and self.styles is not None:
            style_id = _val(ppr, "pStyle")
            for style in self.styles.iter(f"{_W}style"):
                if style.get(f"{_W}styleId") == style_id:
                    sppr = style.find(f"{_W}pPr")
                    num_pr = sppr.find(f"{_W}numPr") if sppr is not None else None
                    break
        if num_pr is None:
            return None
        return _val(num_pr, "numId") or "0", int(_val(num_pr, "ilvl") or 0)


def _val(node: Any, tag: str) -> str | None:
    child = node.find(f"{_W}{tag}")
    return None if child is None else child.get(f"{_W}val")
