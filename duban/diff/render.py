"""Printing a diff: plain text (terminal), Markdown (a review comment) or JSON (tools).

Every line ends with its citation; a value that came from a base policy (``extends``)
says which file wrote it, so a reviewer sees that a change to the group policy reached
this subsidiary.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from duban.diff.behaviour import BehaviourDiff
from duban.diff.change import AREAS, Change
from duban.policy.model import Policy


@dataclass
class Report:
    """Everything one ``duban diff`` found; the CLI renders it."""

    old: Policy
    new: Policy
    changes: list[Change]
    behaviour: BehaviourDiff | None = None
    history: Any = None  # duban.diff.history.HistoryDiff

    @property
    def all_changes(self) -> list[Change]:
        out = list(self.changes)
        if self.behaviour is not None:
            out += self.behaviour.changes
        if self.history is not None:
            out += self.history.changes
        return out

    @property
    def different(self) -> bool:
        return bool(self.all_changes)


def _tail(c: Change, md: bool = False) -> str:
    # a change to 未规定 shows OLD's basis: say so, it is not NEW's clause
    old_side = c.kind == "changed" and c.new is None
    cite = f"（{'原依据：' if old_side else ''}{c.cite}）" if c.cite else ""
    src = ""
    if c.inherited and c.source:
        src = f"〔来自 `{c.source}`〕" if md else f"〔来自 {c.source}〕"
    return cite + src


def _title(p: Policy) -> str:
    return f"{p.id}《{p.name}》（{p.path}）"


def _grouped(changes: Sequence[Change]) -> list[tuple[str, list[Change]]]:
    out: list[tuple[str, list[Change]]] = []
    for area in AREAS:
        these = [c for c in changes if c.area == area]
        if these:
            out.append((AREAS[area], these))
    return out


def render_text(r: Report) -> str:
    lines = [f"策略差异 / policy diff：{_title(r.old)} → {_title(r.new)}"]
    if not r.changes:
        lines.append("规则无差异 / no rule differs")
    else:
        lines.append(f"共 {len(r.changes)} 处规则变化 / {len(r.changes)} rule change(s)")
    for title, these in _grouped(r.changes):
        lines += ["", title]
        lines += [f"  - {c.sentence()}{_tail(c)}" for c in these]
    lines += _behaviour_text(r, md=False)
    return "\n".join(lines)


def render_markdown(r: Report) -> str:
    lines = [f"### 策略差异：`{r.old.id}` → `{r.new.id}`", "",
             f"- 原 OLD：{_title(r.old)}", f"- 新 NEW：{_title(r.new)}", ""]
    if not r.changes:
        lines.append("规则无差异。")
    else:
        lines.append(f"共 **{len(r.changes)}** 处规则变化。")
    for title, these in _grouped(r.changes):
        lines += ["", f"#### {title}", ""]
        lines += [f"- {c.sentence()}{_tail(c, md=True)}" for c in these]
    lines += _behaviour_text(r, md=True)
    return "\n".join(lines) + "\n"


def _behaviour_text(r: Report, *, md: bool) -> list[str]:
    lines: list[str] = []
    b = r.behaviour
    if b is not None:
        head = f"场景结果：{b.scenarios} 个场景，{len(b.differing)} 个结果不同"
        lines += ["", f"#### {head}" if md else head]
        for s in b.differing:
            lines += ["", f"**《{s.name}》** `{s.path}`" if md else f"  《{s.name}》 {s.path}"]
            if md:
                lines.append("")
            lines += [f"{'-' if md else '    -'} {c.sentence()}" for c in s.changes]
    h = r.history
    if h is not None:
        lines += ["", f"#### {h.heading()}" if md else h.heading()]
        lines += [f"{'-' if md else '  -'} {c.sentence()}" for c in h.changes]
    return lines


def render_json(r: Report) -> str:
    return json.dumps([c.to_json() for c in r.all_changes], ensure_ascii=False, indent=2)


RENDERERS = {"text": render_text, "md": render_markdown, "json": render_json}
