"""A regulation read from a file: its title and its clauses with their cites.

This joins the reading stages — file → paragraphs (:mod:`~duban.authoring.sources`) →
cleaned, simplified lines (:mod:`~duban.authoring.script`) → parts and documents
(:mod:`~duban.authoring.layout`) → clauses (:mod:`~duban.authoring.structure`) — and
returns data; nothing here prints or writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from duban.authoring.layout import split_documents, split_parts
from duban.authoring.script import prepare
from duban.authoring.source_error import SourceError
from duban.authoring.sources import read_paragraphs
from duban.authoring.structure import Clause, clauses_of


@dataclass(frozen=True)
class Regulation:
    """What ``duban init --from`` learnt from the file."""

    source: str
    title: str
    clauses: list[Clause]
    traditional: bool
    part: int = 0


def read_regulation(path: Path, part: int | None = None) -> Regulation:
    """Read a regulation file; ``part`` chooses one 第N篇 of a file that holds several."""
    lines, traditional = prepare(read_paragraphs(path))
    parts = split_parts(lines)
    numbered = [p for p in parts if p.number]
    if part is None:
        if len(numbered) > 1:
            listing = "；".join(f"第{p.number}篇 {p.title}" for p in numbered)
            raise SourceError(f"{path}: 文件含 {len(numbered)} 篇制度（{listing}），请用 --part N "
                              "选择一篇 / the file holds several regulations: choose one with "
                              "--part N")
        chosen = numbered[0] if numbered else parts[0]
    else:
        found = [p for p in parts if p.number == part]
        if not found:
            have = "、".join(str(p.number) for p in numbered) or "无（全文为一篇）"
            raise SourceError(f"{path}: 没有第{part}篇 / no part {part}；文件中的篇号：{have}")
        chosen = found[0]
    docs = split_documents(chosen.lines)
    clauses: list[Clause] = []
    for doc in docs:
        clauses.extend(clauses_of(doc, doc.title if len(docs) > 1 else ""))
    if not clauses:
        raise SourceError(f"{path}: 没有读到任何文字 / no text found；PDF 须带文字层（扫描件请先 OCR）")
    title = docs[0].title or chosen.title or path.stem
    return Regulation(str(path), title, clauses, traditional, chosen.number)
