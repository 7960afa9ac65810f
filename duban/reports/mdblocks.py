"""The small Markdown every report and form template writes, read into blocks.

Why Markdown as the pivot: a template is written once (and overridden by a policy in
one text), printed as text by the CLI, and turned into HTML and Word from the same
blocks — headings, paragraphs (each line kept: forms are line-oriented), pipe tables,
lists, rules and ``**bold**``. Nothing else is recognised, so a template cannot smuggle
HTML into a page: every character of text is escaped when it becomes HTML.

The Markdown itself is also read by other viewers (GitLab, Typora, an editor's preview),
which pass raw HTML through. So every value a template writes goes through
:func:`escape` (the ``md`` filter): CommonMark's backslash escapes make ``<``, ``>``,
``&``, ``[``, ``]``, ``!``, ``` ` ``` … literal characters, never a tag, an entity or a link.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

Run = tuple[str, bool]  # (text, bold)


@dataclass(frozen=True)
class Heading:
    level: int
    text: str


@dataclass(frozen=True)
class Para:
    lines: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...] | None
    rows: tuple[tuple[str, ...], ...]
    align: tuple[str, ...] = field(default=())  # left | right | center per column

    def label_spans(self) -> list[int]:
        """For a two-column form table (label | content), how many rows each label spans:
        an empty label continues the one above (承办部门 over 牵头部门 and 协办部门 rows).
        0 marks a row whose label cell is covered; other tables span nothing."""
        spans = [1] * len(self.rows)
        if len(self.header or ("", "")) != 2:
            return spans
        owner = None
        for i, row in enumerate(self.rows):
            if row and not row[0].strip() and owner is not None:
                spans[owner] += 1
                spans[i] = 0
            else:
                owner = i
        return spans


@dataclass(frozen=True)
class ListBlock:
    ordered: bool
    items: tuple[str, ...]


@dataclass(frozen=True)
class Rule:
    pass


Block = Heading | Para | Table | ListBlock | Rule

_SEP = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")
_ITEM = re.compile(r"^(\s*)(?:([-*])|(\d+)[.、])\s+(.*)$")


def split_cells(line: str) -> list[str]:
    """Cells of a pipe-table row; ``\\|`` is a literal bar."""
    body = line.strip()
    body = body[1:] if body.startswith("|") else body
    body = body[:-1] if body.endswith("|") and not body.endswith("\\|") else body
    cells, cur, i = [], "", 0
    while i < len(body):
        ch = body[i]
        if ch == "\\" and i + 1 < len(body) and body[i + 1] == "|":
            cur += "\\|"
            i += 2
            continue
        if ch == "|":
            cells.append(cur.strip())
            cur = ""
        else:
            cur += ch
        i += 1
    cells.append(cur.strip())
    return cells


def _align(cell: str) -> str:
    c = cell.strip()
    if c.startswith(":") and c.endswith(":"):
        return "center"
    return "right" if c.endswith(":") else "left"


def parse(text: str) -> list[Block]:
    """Blocks of ``text``, in order."""
    lines = text.replace("\r\n", "\n").split("\n")
    out: list[Block] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        s = line.strip()
        if not s:
            i += 1
            continue
        if s.startswith("#"):
            level = len(s) - len(s.lstrip("#"))
            out.append(Heading(min(level, 6), s[level:].strip()))
            i += 1
            continue
        if s in ("---", "***", "___"):
            out.append(Rule())
            i += 1
            continue
        if s.startswith("|"):
            block = []
            while i < len(lines) and lines[i].strip().startswith("|"):
                block.append(lines[i])
                i += 1
            header: tuple[str, ...] | None = None
            align: tuple[str, ...] = ()
            if len(block) > 1 and _SEP.match(block[1]):
                header = tuple(split_cells(block[0]))
                align = tuple(_align(c) for c in split_cells(block[1]))
                block = block[2:]
            rows = tuple(tuple(split_cells(b)) for b in block)
            out.append(Table(header, rows, align))
            continue
        m = _ITEM.match(line)
        if m:
            ordered = m.group(3) is not None
            items: list[str] = []
            while i < len(lines) and (m := _ITEM.match(lines[i])) and \
                    (m.group(3) is not None) == ordered:
                items.append(m.group(4).strip())
                i += 1
                while i < len(lines) and lines[i].startswith("   ") and lines[i].strip() and \
                        not _ITEM.match(lines[i]):  # a continuation line
                    items[-1] += "\n" + lines[i].strip()
                    i += 1
            out.append(ListBlock(ordered, tuple(items)))
            continue
        para: list[str] = []
        while i < len(lines) and lines[i].strip() and not lines[i].strip().startswith(
                ("#", "|")) and lines[i].strip() not in ("---", "***", "___") and \
                not _ITEM.match(lines[i]):
            para.append(lines[i].strip())
            i += 1
        out.append(Para(tuple(para)))
    return out


def runs(text: str) -> list[Run]:
    """Inline text as (text, bold) runs; backslash escapes are resolved."""
    out: list[Run] = []
    bold = False
    cur = ""
    i = 0
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text) and text[i + 1] in ESCAPED:
            cur += text[i + 1]
            i += 2
            continue
        if text.startswith("**", i):
            if cur:
                out.append((cur, bold))
            cur, bold = "", not bold
            i += 2
            continue
        cur += text[i]
        i += 1
    if cur:
        out.append((cur, bold))
    return out


def plain(text: str) -> str:
    """Inline text without markup."""
    return "".join(t for t, _ in runs(text))


#: Characters :func:`escape` writes with a backslash (and :func:`runs` reads back).
ESCAPED = frozenset("\\|*_`#[]<>&!~")
_INLINE = frozenset(ESCAPED - {"#"})


def escape(text: object) -> str:
    """Make a value safe inside a Markdown table cell or paragraph (the ``md`` filter):
    one line, and no character that could open markup, a tag, an entity or a link."""
    s = "" if text is None else str(text)
    s = "".join("\\" + ch if ch in _INLINE else ch for ch in s)
    s = " ".join(s.splitlines())
    return "\\" + s if s.startswith("#") else s
