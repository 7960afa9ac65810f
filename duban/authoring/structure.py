"""Recover a regulation's clauses and their cites from its paragraphs.

The numbering marks (:mod:`duban.authoring.numbering`) are read with a stack, as a reader
does: a mark that continues a list on the stack closes everything below it; a kind not on
the stack opens a new, deeper list if it starts at 1; 第N章/第N条 have fixed ranks. A mark
that neither continues nor starts a list is text ("依照第十二条", "2个工作日" at the start
of a wrapped line). Marks are also found inside a paragraph after a sentence end, when
they continue the list or open one that goes on (``…确定: (1)…; (2)…``).

Paragraphs without a mark are, in this order: the body of a node that has only its mark or
a title; the rest of a line the source wrapped (the previous paragraph ends mid-sentence);
the items of a list whose numbers were lost (after ``主要职责为:``, written ``第N项``);
a lead-in to the numbered items that follow (kept with its node); otherwise a further
paragraph of the node, written ``第N段``. Text before the first mark is the 序言; an
unnumbered "本制度自…之日起执行" is 施行; closing lines are 落款; 附件N starts an attachment.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import pairwise

from duban.authoring.layout import Document, ends_sentence, is_heading_like
from duban.authoring.numbering import FIXED_RANK, Mark, join_cite, mark_at
from duban.authoring.script import Line

_INLINE_KINDS = ("tiao", "cnparen", "numparen", "num", "numhalf", "letter", "shi", "circled")
_SENTENCE_END = "。；;：:！？!?"
_EFFECTIVE = re.compile(r"^本(办法|制度|规定|细则|规则|条例)\S{0,12}?(自|从)\S{0,16}?(执行|施行|实施)")
_ATTACHMENT = re.compile(r"^附\s*件\s*([0-9一二三四五六七八九十]*)\s*[:：]?\s*$")
_LIST_LEAD = re.compile(r"(以下|如下)(?!简称)")


@dataclass
class Clause:
    """One clause of the inventory: its cite, its text as written and as analysed."""

    cite: str
    text: str
    plain: str
    heading: bool = False


@dataclass
class _Node:
    cite: str
    texts: list[str] = field(default_factory=list)
    plains: list[str] = field(default_factory=list)
    paragraphs: int = 0
    items: int = 0
    item_mode: bool = False
    body: bool = False
    base: _Node | None = None  # for 第N段 / 第N项 nodes: the numbered node they belong to

    def add(self, text: str, plain: str, sep: str = "") -> None:
        if self.texts and sep:
            self.texts.append(sep)
            self.plains.append(sep)
        self.texts.append(text)
        self.plains.append(plain)

    @property
    def plain(self) -> str:
        return "".join(self.plains).strip()

    def clause(self) -> Clause:
        plain = self.plain
        return Clause(self.cite, "".join(self.texts).strip(), plain,
                      (bool(plain) and is_heading_like(plain)) or not plain)


@dataclass
class _Frame:
    kind: str
    number: tuple[int, ...]
    label: str


class _Parser:
    """Walks one document's lines and collects its clauses in reading order."""

    def __init__(self, prefix: str, chapters_in_cite: bool) -> None:
        self.prefix = prefix
        self.chapters_in_cite = chapters_in_cite
        self.stack: list[_Frame] = []
        self.nodes: list[_Node] = []
        self.current: _Node | None = None
        self.attachment = False

    # ── marks ────────────────────────────────────────────────────────────────────
    def accepts(self, mark: Mark, inline: bool) -> bool:
        """Whether ``mark`` continues a list on the stack or may open a new one."""
        if mark.kind == "dotted":
            return not inline
        if mark.kind in FIXED_RANK:
            last = next((f for f in reversed(self.stack) if f.kind == mark.kind), None)
            if last is None:
                return not inline or (mark.kind == "tiao" and mark.number[0] == 1)
            n, prev = mark.number[0], last.number[0]
            return n == prev + 1 if inline else n > prev
        on_stack = next((f for f in self.stack if f.kind == mark.kind), None)
        if on_stack is not None:
            return mark.number[0] == on_stack.number[0] + 1
        return mark.number[0] == 1

    def push(self, mark: Mark) -> None:
        if mark.kind in FIXED_RANK:
            rank = FIXED_RANK[mark.kind]
            while self.stack and FIXED_RANK.get(self.stack[-1].kind, 99) >= rank:
                self.stack.pop()
        elif mark.kind == "dotted":
            depth = len(mark.number)
            while self.stack and (self.stack[-1].kind not in FIXED_RANK) and not (
                    self.stack[-1].kind == "dotted" and len(self.stack[-1].number) < depth):
                self.stack.pop()
        else:
            idx = next((i for i, f in enumerate(self.stack) if f.kind == mark.kind), None)
            if idx is not None:
                del self.stack[idx:]
        self.stack.append(_Frame(mark.kind, mark.number, mark.label))

    def cite(self) -> str:
        parts: list[str] = []
        for f in self.stack:
            if f.kind == "pian" or (f.kind in ("zhang", "jie") and not self.chapters_in_cite):
                continue
            if f.kind == "dotted":
                parts = [f.label]
                continue
            parts.append(f.label)
        out = self.prefix
        for p in parts:
            out = join_cite(out, p)
        return out

    # ── nodes ────────────────────────────────────────────────────────────────────
    def open(self, cite: str, base: _Node | None = None) -> _Node:
        node = _Node(cite, base=base)
        self.nodes.append(node)
        self.current = node
        return node

    def numbered(self, mark: Mark, line: Line, nxt: Line | None) -> None:
        """Open the node of ``mark`` and fill it from the line, splitting at inline marks."""
        self.push(mark)
        self.attachment = False
        node = self.open(self.cite())
        start = mark.end
        while True:
            found = self.inline_mark(line.plain, start, nxt)
            end = found.start if found else len(line.plain)
            node.add(line.text[start:end].strip(), line.plain[start:end].strip())
            node.paragraphs = 1
            if found is None:
                return
            self.push(found)
            node = self.open(self.cite())
            start = found.end

    def inline_mark(self, plain: str, start: int, nxt: Line | None) -> Mark | None:
        for m in re.finditer(rf"[{_SENTENCE_END}、，,]\s*|\s+", plain[start:]):
            pos = start + m.end()
            if pos >= len(plain):
                return None
            soft = m.group().strip() in ("、", "，", ",")
            mark = mark_at(plain, pos, ("tiao",) if soft else _INLINE_KINDS)
            if mark is None or not self.accepts(mark, inline=True):
                continue
            if self.confirmed(mark, plain, nxt, colon=m.group().strip() in ("：", ":")):
                return mark
        return None

    def confirmed(self, mark: Mark, plain: str, nxt: Line | None, colon: bool) -> bool:
        """A list opened inside a paragraph must go on: its second item follows."""
        continuing = any(f.kind == mark.kind for f in self.stack) or mark.kind == "tiao"
        if continuing:
            return True
        later = [mark_at(plain, mark.end + m.end(), (mark.kind,))
                 for m in re.finditer(rf"[{_SENTENCE_END}]\s*", plain[mark.end:])]
        if nxt is not None:
            later.append(mark_at(nxt.plain, 0, (mark.kind,)))
        return any(x is not None and x.number[0] == 2 for x in later) and (
            colon or mark.kind in ("num", "numparen", "shi"))

    def unnumbered(self, line: Line, nxt: Line | None) -> None:
        """Place a paragraph without an accepted mark (see the module docstring)."""
        text, plain = line.text, line.plain
        att = _ATTACHMENT.match(plain)
        if att:
            self.stack.clear()
            self.attachment = True
            self.open(join_cite(self.prefix, f"附件{att.group(1)}"))
            return
        node = self.current
        if node is None:
            self.open(join_cite(self.prefix, "序言")).add(text, plain)
            self.nodes[-1].paragraphs = 1
            return
        base = node.base or node
        if self.attachment or not node.plain:
            node.add(text, plain, " ")
        elif node.base is None and not node.body and is_heading_like(node.plain) \
                and not self.starts_items(base, plain):
            node.add(text, plain, " ")
            node.body = True
        elif _open_bracket(node.plain) or (not ends_sentence(node.plain) and (
                node.base is not None or not is_heading_like(node.plain))):
            node.add(text, plain)  # the source wrapped the line
        elif _EFFECTIVE.match(plain):
            self.stack.clear()
            self.open(join_cite(self.prefix, "施行")).add(text, plain)
        elif base.item_mode or self.starts_items(base, plain):
            base.item_mode = True
            base.items += 1
            self.open(join_cite(base.cite, f"第{base.items}项"), base).add(text, plain)
        elif plain.rstrip().endswith(("：", ":")) and nxt is not None and self.opens_list(nxt):
            node.add(text, plain, " ")
        else:
            base.paragraphs += 1
            self.open(join_cite(base.cite, f"第{base.paragraphs}段"), base).add(text, plain)

    def starts_items(self, base: _Node, plain: str) -> bool:
        """A list whose numbers were lost: after a lead-in (``主要职责为:``, ``以下…``),
        or after a title when the paragraph ends like a list item (；)."""
        lead = base.plain
        if not lead or base.paragraphs > 1:
            return False
        leads = lead.endswith(("：", ":")) or (is_heading_like(lead) and
                                              bool(_LIST_LEAD.search(lead)))
        return leads or (is_heading_like(lead) and plain.rstrip().endswith(("；", ";")))

    def opens_list(self, nxt: Line) -> bool:
        mark = mark_at(nxt.plain)
        return mark is not None and mark.number[-1] == 1 and self.accepts(mark, inline=False)

    def feed(self, lines: list[Line]) -> None:
        for i, line in enumerate(lines):
            nxt = lines[i + 1] if i + 1 < len(lines) else None
            mark = None if self.attachment else mark_at(line.plain)
            if mark is not None and self.accepts(mark, inline=False):
                self.numbered(mark, line, nxt)
                continue
            found = None if self.attachment or self.current is None else \
                self.inline_mark(line.plain, 0, nxt)
            if found is None:
                self.unnumbered(line, nxt)
                continue
            head = Line(line.text[:found.start].strip(), line.plain[:found.start].strip())
            if head.plain.endswith(("：", ":")) and self.current is not None:
                self.current.add(head.text, head.plain, " ")  # the lead-in to its list
            else:
                self.unnumbered(head, nxt)
            rest = Line(line.text[found.start:], line.plain[found.start:])
            self.numbered(mark_at(rest.plain) or found, rest, nxt)


def _open_bracket(text: str) -> bool:
    """A bracket opened and not closed: the paragraph was cut inside it."""
    return text.count("（") + text.count("(") > text.count("）") + text.count(")")


def _chapters_in_cite(lines: list[Line]) -> bool:
    """Cite 第N章 too when the text has no 第N条 or numbers its 条 per chapter."""
    tiao: list[int] = []
    chapters = False
    for line in lines:
        mark = mark_at(line.plain, 0, ("zhang", "tiao", "dotted"))
        if mark is None:
            continue
        if mark.kind == "dotted":
            return False
        if mark.kind == "zhang":
            chapters = True
        else:
            tiao.append(mark.number[0])
    if not chapters:
        return False
    return not tiao or any(b <= a for a, b in pairwise(tiao))


def clauses_of(doc: Document, prefix: str = "") -> list[Clause]:
    """The clauses of one regulation, in reading order, each with its cite."""
    out: list[Clause] = []
    if doc.notice:
        out.append(Clause(join_cite(prefix, "印发通知"), "……".join(x.text for x in doc.notice),
                          "……".join(x.plain for x in doc.notice)))
    parser = _Parser(prefix, _chapters_in_cite(doc.body))
    parser.feed(doc.body)
    out.extend(n.clause() for n in parser.nodes if n.cite)
    if doc.closing:
        out.append(Clause(join_cite(prefix, "落款"), " ".join(x.text for x in doc.closing),
                          " ".join(x.plain for x in doc.closing)))
    return _unique(out)


def _unique(clauses: list[Clause]) -> list[Clause]:
    """A cite given twice (a text that numbers two clauses alike) gets ``（重）`` marks,
    so every cite in the inventory names one clause."""
    seen: dict[str, int] = {}
    for c in clauses:
        n = seen.get(c.cite, 0)
        seen[c.cite] = n + 1
        if n:
            c.cite = f"{c.cite}（重{n}）"
    return clauses
