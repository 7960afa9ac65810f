"""``duban compare``: one scenario under several policies, as a reviewer reads it.

Per policy and item: who had to sign and how many signatures, the deadline and the rule
that counted it, the reminders with their dates, how extensions went, penalties and
commendations, the final state, and each policy's 办结率. Every cell carries its cite
(the clause that decided it) and whether it differs from what most of the compared
policies did, so a reviewer reads the differences first.

Why cells are compared on canonical values and not on text: two organisations call the
same approver by different words (分管领导, 分管局领导); the words are shown, but a cell
is marked only when the story really went differently (another role, another date,
another count).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Any

from duban import vocabulary
from duban.engine.closure import on_time, overdue
from duban.engine.core import engine_for
from duban.engine.lateness import DEADLINE_PASSED
from duban.engine.model import ItemState, PenaltyEntry
from duban.policy.model import Policy
from duban.simulation.outcome import outcome
from duban.simulation.runner import RunResult, run_scenario
from duban.simulation.scenario import Scenario

#: The columns of the table, in order, with their Chinese headings.
COLUMNS = (("signatures", "签批（人次）"), ("deadline", "期限及计算"), ("reminders", "提醒"),
           ("extension", "延期"), ("penalties", "扣分、处理与表彰"), ("state", "最终状态"),
           ("refused", "被拒步骤"))
PURPOSE_WORDS = vocabulary.APPROVAL_PURPOSES
TIMER_WORDS = vocabulary.TIMER_EVENTS


@dataclass(frozen=True)
class Cell:
    """What a reviewer reads (``text``), the clauses behind it (``cite``), and the value
    it is compared on (``key``)."""

    text: str
    cite: str = ""
    key: Hashable = None
    differs: bool = False

    def to_json(self) -> dict[str, Any]:
        return {"text": self.text, "cite": self.cite, "differs": self.differs}


@dataclass(frozen=True)
class Row:
    policy: str
    policy_name: str
    item: str
    cells: dict[str, Cell]


def compare(scenario: Scenario, policies: Sequence[Policy], ticks: str | None = None
            ) -> dict[str, Any]:
    """The comparison as JSON-ready data: rows per policy and item, and 办结率 per policy."""
    runs = [run_scenario(p, scenario, ticks) for p in policies]
    rows = [Row(r.policy.id, r.policy.name, key, _cells(r, key))
            for r in runs for key in scenario.items]
    rows = _mark(rows)
    return {
        "scenario": scenario.name,
        "policies": [p.id for p in policies],
        "items": {k: spec.title for k, spec in scenario.items.items()},
        "columns": [{"key": k, "title": t} for k, t in COLUMNS],
        "rows": [{"policy": r.policy, "policy_name": r.policy_name, "item": r.item,
                  "cells": {k: r.cells[k].to_json() for k, _ in COLUMNS}} for r in rows],
        "kpi": {r.policy.id: outcome(r)["kpi"] for r in runs},
    }


def _mark(rows: list[Row]) -> list[Row]:
    """Mark, per item and column, the cells that differ from what most policies did (all
    of them when no value is the most common)."""
    out = {id(r): dict(r.cells) for r in rows}
    for item in {r.item for r in rows}:
        group = [r for r in rows if r.item == item]
        for col, _ in COLUMNS:
            counts = Counter(r.cells[col].key for r in group)
            if len(counts) < 2:
                continue
            (top, n), *rest = counts.most_common()
            tie = bool(rest) and rest[0][1] == n
            for r in group:
                cell = r.cells[col]
                if tie or cell.key != top:
                    out[id(r)][col] = Cell(cell.text, cell.cite, cell.key, True)
    return [Row(r.policy, r.policy_name, r.item, out[id(r)]) for r in rows]


def _cells(run: RunResult, key: str) -> dict[str, Cell]:
    policy = run.policy
    item = run.items.get(key) or engine_for(policy).new_item(key)
    ledger = [e for e in run.ledger if e.item == key]
    return {"signatures": _signatures(run, key), "deadline": _deadline(item),
            "reminders": _reminders(policy, item), "extension": _extension(run, item),
            "penalties": _penalties(ledger), "state": _state(policy, item, run.end),
            "refused": _refused(run, key)}


#: Shown where a deadline, reminder or refusal rests on no clause: a reviewer should ask why.
UNCITED = "未注明条款"


def _cites(cites: Sequence[str | None], *, flag: bool = False) -> str:
    """The distinct clauses, in order; with ``flag``, a rule without one says so."""
    return "；".join(dict.fromkeys(c or UNCITED for c in cites if c or flag))


def _signatures(run: RunResult, key: str) -> Cell:
    """Every approval signed for the item, in order: ``分管领导（延期）→督办领导（延期）``."""
    signs = [a.taken for a in run.acts if a.item == key and a.taken.purpose is not None
             and a.taken.canonical == "approve"]
    if not signs:
        return Cell("无需签批", key=())
    text = "→".join(f"{s.word}（{PURPOSE_WORDS.get(s.purpose or '', s.purpose)}）"
                    for s in signs)
    return Cell(f"{len(signs)} 人次：{text}", _cites([s.cite for s in signs]),
                tuple((s.purpose, s.role) for s in signs))


def _short(at: dt.datetime | None) -> str:
    if at is None:
        return "—"
    return at.strftime("%m-%d %H:%M") if at.year == 2026 else at.strftime("%Y-%m-%d %H:%M")


def _deadline(item: ItemState) -> Cell:
    if item.due is None:
        return Cell("无期限", key=None)
    info = item.due_info
    text = _short(item.due)
    if item.original_due is not None and item.original_due != item.due:
        text += f"（原 {_short(item.original_due)}）"
    if info is not None:
        text += f"：{info.rule}" + ("（暂定）" if info.provisional else "")
    return Cell(text, (info.cite or ("" if _given(item) else UNCITED)) if info else "",
                item.due)


def _given(item: ItemState) -> bool:
    """Whether the deadline is a date someone gave (the leader's, the one an approved
    extension asked for, a new one set on return) rather than one a rule counted."""
    rule = item.due_info.rule if item.due_info else ""
    return item.due == item.requested_due or "延期获批" in rule or rule.endswith("重新限期")


def _reminders(policy: Policy, item: ItemState) -> Cell:
    fired = [f for f in item.fired if f.event != DEADLINE_PASSED]  # a fact, not a notice
    if not fired:
        return Cell("无", key=())
    rules = {r.name: r.cite for r in policy.reminders}
    rules.update({s.name: s.cite for s in policy.step_limits})
    text = "；".join(f"{TIMER_WORDS.get(f.event, f.event)} {_short(f.at)}" for f in fired)
    return Cell(f"{len(fired)} 次：{text}",
                _cites([rules.get(f.name) for f in fired], flag=True),
                tuple((f.event, f.at) for f in fired))


def _extension(run: RunResult, item: ItemState) -> Cell:
    engine = engine_for(run.policy)
    rules = engine.category(item).extensions if item.created_at else None
    refused = [r for r in run.rejected if r.code.startswith("extension")
               and _step_item(run, r.step) == item.id]
    if not item.extension_requests and not refused:
        return Cell("未申请", key=(0, 0, ()))
    parts = [f"申请 {item.extension_requests} 次，获批 {item.extensions_granted}，"
             f"未获批 {item.extensions_rejected}"]
    parts += [f"第 {r.step} 步被拒（{r.code}）" for r in refused]
    return Cell("；".join(parts), rules.cite or "" if rules else "",
                (item.extensions_granted, item.extensions_rejected,
                 tuple(r.code for r in refused)))


def _step_item(run: RunResult, index: int) -> str | None:
    step = next((s for s in run.scenario.steps if s.index == index), None)
    return step.item if step else None


def _penalties(ledger: list[PenaltyEntry]) -> Cell:
    if not ledger:
        return Cell("无", key=())
    lines = []
    for e in ledger:
        what = [f"{e.points:+g}分" if e.points else "", f"系数{e.coefficient:+g}"
                if e.coefficient else "", "、".join(e.measures)]
        kind = "表彰" if e.points > 0 or e.coefficient > 0 else "扣分/处理"
        lines.append(f"{kind} {e.target}：{'，'.join(w for w in what if w) or '记录'}（{e.rule}，"
                     f"{_short(e.at)}）")
    return Cell("；".join(lines), _cites([e.cite for e in ledger], flag=True),
                tuple((e.points, e.coefficient, e.measures) for e in ledger))


def _state(policy: Policy, item: ItemState, end: dt.datetime | None) -> Cell:
    canonical = policy.states[item.state].canonical
    if item.closed_at is not None:
        verdict = "按时办结" if on_time(item) else "逾期办结"
    elif overdue(item, end):
        verdict = "逾期未办结"
    else:
        verdict = "未办结"
    if item.created_at is None:
        verdict = "未立项"
    return Cell(f"{item.state}（{canonical}），{verdict}", policy.states[item.state].cite or "",
                (canonical, verdict))


def _refused(run: RunResult, key: str) -> Cell:
    mine = [r for r in run.rejected if _step_item(run, r.step) in (key, None)]
    if not mine:
        return Cell("无", key=())
    return Cell("；".join(f"第 {r.step} 步 {r.code}：{r.message}" for r in mine),
                _cites([r.cite for r in mine], flag=True), tuple((r.step, r.code) for r in mine))
