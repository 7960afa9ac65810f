"""Write the skeleton policy: a valid header, a 待定 list, and every candidate commented out.

Why this shape: nothing the tool found may be in force until a person has read the clause
and decided (rules come from the text, and only the user can tell what it means). So every
suggestion is written as YAML behind ``#`` under its section, numbered 【n】 with its cite
and quote, and the top-level ``待定`` list holds one line per suggestion. ``duban validate``
refuses the file while any 待定 line is left, naming each with its line; adopting a
suggestion is removing its ``# ``, rejecting it is deleting it, and either way its 待定
line goes. The uncommented part is valid on its own, so the file validates exactly when
every suggestion has been decided.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import yaml

from duban.authoring.candidates import AREAS, Candidate
from duban.authoring.draft import Draft
from duban.policy.schema_check import schema_path

#: Sections in the order they are written; suggestions with no YAML go last as notes.
SECTIONS = ("organisation", "chains", "time_limits", "decline", "extensions", "reminders",
            "progress_reports", "penalties", "documents")
PLACEHOLDER_KEY = "待定"


def _dump(value: Any) -> list[str]:
    text = yaml.safe_dump(value, allow_unicode=True, sort_keys=False, width=1000,
                          default_flow_style=None)
    return text.rstrip("\n").splitlines()


def _scalar(value: str) -> str:
    """A YAML scalar that reads back as ``value`` whatever it holds (JSON strings are YAML)."""
    return json.dumps(value, ensure_ascii=False)


def _quote(text: str, limit: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _label(n: int, c: Candidate) -> str:
    return f"【{n}】{c.cite} {c.summary}"


def _section_of(c: Candidate) -> str:
    return c.path[0] if c.path else str(c.key)


def render_skeleton(draft: Draft, policy_id: str, out: Path, organisation: str | None) -> str:
    """The skeleton policy text for ``out`` (used for the schema reference)."""
    reg = draft.regulation
    numbered = list(enumerate(draft.candidates, start=1))
    lines = [
        f"# yaml-language-server: $schema={os.path.relpath(schema_path(), out.resolve().parent)}",
        f"# {reg.title}：由 duban init --from {Path(reg.source).name} 生成的策略草稿。",
        "# 下面的每条建议都已注释，尚未生效。逐条决定：采用的删去行首的“# ”（保留 cite），不用的整段删去；",
        "# 然后删去“待定”中对应的一行。“待定”删完（连同“待定:”）之后，本文件才能通过 duban validate。",
        "# 只写制度明文规定的内容；制度未规定的事项不写，或写明本单位的默认值及理由。",
        "duban: 1",
        f"id: {policy_id}",
        f"name: {_scalar(reg.title)}",
        *([f"organisation_name: {_scalar(organisation)}"] if organisation else []),
        f"source: {_scalar(Path(reg.source).name + (f' 第{reg.part}篇' if reg.part else ''))}",
        "extends: standard",
        "",
        f"{PLACEHOLDER_KEY}:",
    ]
    lines += [f"  - {_scalar(_label(n, c))}" for n, c in numbered]
    for section in SECTIONS:
        chosen = [(n, c) for n, c in numbered if c.value is not None and _section_of(c) == section]
        if chosen:
            lines += ["", f"# ── {section} ──────────────────────────────────────────"]
            lines += _render_section(section, chosen)
    notes = [(n, c) for n, c in numbered if c.value is None or _section_of(c) not in SECTIONS]
    if notes:
        lines += ["", "# ── 其他待决定的条款（没有可直接采用的写法）──────────────────"]
        for n, c in notes:
            lines.append(f"# 【{n}】{c.cite}「{_quote(c.quote)}」")
            lines.append(f"#     {AREAS[c.area]}：{c.summary}。{c.note}")
    return "\n".join(lines) + "\n"


def _render_section(section: str, chosen: list[tuple[int, Candidate]]) -> list[str]:
    lines = [f"# {section}:"]
    emitted: set[tuple[str, ...]] = {(section,)}
    placed: set[tuple[tuple[str, ...], str | None]] = set()
    for n, c in sorted(chosen, key=lambda nc: (nc[1].path, nc[0])):
        path = c.path if c.path else (section,)
        for depth in range(2, len(path) + 1):
            prefix = path[:depth]
            if prefix not in emitted:
                emitted.add(prefix)
                lines.append("# " + "  " * (depth - 1) + f"{prefix[-1]}:")
        indent = "  " * max(1, len(path) - (0 if c.path else 1))
        lines.append(f"# {indent}# 【{n}】{c.cite}「{_quote(c.quote)}」")
        if c.note:
            lines.append(f"# {indent}#   {c.note}")
        if c.key is None:
            body = _dump([c.value])
        elif not c.path:
            body = [f"  {x}" for x in _dump(c.value)]
        elif isinstance(c.value, dict | list):
            body = _dump({c.key: c.value})
        else:
            body = [f"{c.key}: {_scalar(str(c.value))}"]
        mark = "# " if (path, c.key) in placed and c.key is not None else ""
        if mark:
            lines.append(f"# {indent}#   与前面同名的建议二选一：采用这一条时，再删去一层“# ”")
        placed.add((path, c.key))
        lines += [f"# {mark}{indent}{x}" for x in body]
    return lines
