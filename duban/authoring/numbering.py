"""The numbering marks regulations put before their clauses, and how a reader cites them.

Why a table of our own: a regulation's structure is carried only by these marks (第九条,
（三）, 2、, 4.2.1 …); no library knows the Chinese ones. Each :class:`Mark` is recognised at
the start of a paragraph (or, for a few kinds, after a sentence end inside one) and read
into a number, so :mod:`duban.authoring.structure` can check that it continues the list
it belongs to — "依照第十二条" in the middle of a sentence, or "2个工作日" at the start of a
wrapped line, is not a clause.

How cites are written (``docs/authoring.md``, "条款编号"): marks are joined as a reader
writes them — 第N条 and 一、 as printed, bracketed marks in full-width brackets (（一）,
（1）), a bare number without its 、 or . (``四、3``), ``一是``, ``a)``; a space separates a
mark that ends in a character or digit from one that starts with one (``第七条 1``,
``第四条 一、``, ``四、1 第2段``), and nothing separates marks next to a bracket or 、
(``第九条（八）1``, ``三、（一）``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from duban.calendar.duration import chinese_number

_CN = "零〇一二两三四五六七八九十百"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"

#: Kinds whose place in the hierarchy is fixed (a 条 always sits under its 章); the
#: list kinds (一、, （一）, 1、 …) nest in the order a text first uses them.
FIXED_RANK = {"pian": 0, "zhang": 1, "jie": 2, "tiao": 3}

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("pian", re.compile(rf"第\s*([{_CN}\d]+)\s*篇\s*[:：]?\s*")),
    ("zhang", re.compile(rf"第\s*([{_CN}\d]+)\s*章(?![程节])\s*")),
    ("jie", re.compile(rf"第\s*([{_CN}\d]+)\s*节\s*")),
    ("tiao", re.compile(rf"第\s*([{_CN}\d]+)\s*条(?![款例件])[\s:：、.．]*")),
    ("dotted", re.compile(r"(\d{1,2}(?:\s*[.．]\s*\d{1,2})+)(?![\d.．%％])\s*(?![个日天号年月])")),
    ("cn", re.compile(rf"([{_CN}]+)\s*[、，,.．](?![\d])\s*")),
    ("cnparen", re.compile(rf"[（(]\s*([{_CN}]+)\s*[）)]\s*")),
    ("numparen", re.compile(r"[（(]\s*(\d{1,2})\s*[）)]\s*")),
    ("num", re.compile(r"(\d{1,2})\s*[、.．,，](?![\d])\s*")),
    ("numhalf", re.compile(r"(\d{1,2})\s*[)）]\s*")),
    ("letter", re.compile(r"([a-zA-Z])\s*[)）、.．]\s*(?=[^\x00-\x7f])")),
    ("shi", re.compile(r"([一二三四五六七八九十]{1,2})是(?=[^是])")),
    ("circled", re.compile(rf"([{_CIRCLED}])\s*")),
]
_BY_KIND = dict(_PATTERNS)


@dataclass(frozen=True, slots=True)
class Mark:
    """A numbering mark found at ``start`` of a text: its kind, its number and its label.

    ``number`` is a tuple so dotted marks (``4.2.1`` → (4, 2, 1)) compare like the others;
    ``end`` is where the clause text after the mark begins.
    """

    kind: str
    number: tuple[int, ...]
    label: str
    start: int
    end: int


def read_number(text: str) -> int | None:
    """An Arabic or Chinese numeral (一 … 九十九, 一百 …), else None."""
    text = text.strip()
    if text.isdigit():
        return int(text)
    if text in ("〇", "零"):
        return 0
    if "百" in text:
        hundreds, _, rest = text.partition("百")
        h = chinese_number(hundreds) if hundreds else 1
        if rest.startswith(("零", "〇")):
            rest = rest[1:]
        r = (chinese_number("一" + rest) if rest.startswith("十") else
             chinese_number(rest)) if rest else 0
        return None if h is None or r is None else h * 100 + r
    return chinese_number(text)


def _label(kind: str, raw: str, number: tuple[int, ...]) -> str:
    """How a reader writes the mark in a cite."""
    n = number[-1]
    match kind:
        case "pian" | "zhang" | "jie" | "tiao":
            return {"pian": "第{}篇", "zhang": "第{}章", "jie": "第{}节",
                    "tiao": "第{}条"}[kind].format(raw.strip())
        case "dotted":
            return ".".join(str(x) for x in number)
        case "cn":
            return f"{raw.strip()}、"
        case "cnparen":
            return f"（{raw.strip()}）"
        case "numparen":
            return f"（{n}）"
        case "num":
            return str(n)
        case "numhalf":
            return f"{n})"
        case "letter":
            return f"{raw.lower()})"
        case "shi":
            return f"{raw}是"
    return raw


def mark_at(text: str, pos: int = 0, kinds: tuple[str, ...] | None = None) -> Mark | None:
    """The numbering mark starting at ``pos`` of ``text``, if any (first kind that fits)."""
    for kind, pattern in _PATTERNS:
        if kinds is not None and kind not in kinds:
            continue
        m = pattern.match(text, pos)
        if m is None:
            continue
        raw = m.group(1)
        number = _number(kind, raw)
        if number is None:
            continue
        return Mark(kind, number, _label(kind, re.sub(r"\s+", "", raw), number), pos, m.end())
    return None


def _number(kind: str, raw: str) -> tuple[int, ...] | None:
    if kind == "dotted":
        parts = [int(p) for p in re.split(r"\s*[.．]\s*", raw)]
        return tuple(parts) if all(0 < p < 100 for p in parts) else None
    if kind == "letter":
        return (ord(raw.lower()) - ord("a") + 1,)
    if kind == "circled":
        return (_CIRCLED.index(raw) + 1,)
    n = read_number(re.sub(r"\s+", "", raw))
    if n is None or n <= 0 or n > 999:
        return None
    return (n,)


def pattern_of(kind: str) -> re.Pattern[str]:
    """The compiled pattern of a mark kind (for finding a mark inside a paragraph)."""
    return _BY_KIND[kind]


def join_cite(left: str, right: str) -> str:
    """Join two cite parts as a reader writes them (see the module docstring)."""
    if not left:
        return right
    if not right:
        return left
    if left.endswith(("）", "、", ")")) or right.startswith("（"):
        return left + right
    return f"{left} {right}"
