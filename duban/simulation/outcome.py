"""The outcome of a scenario run: the JSON contract other tools rely on.

Fields are only ever added, never renamed or removed (docs/scenarios.md lists them).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from duban.engine import at_least, coordination, feedback, inform
from duban.engine.closure import counted, on_time, overdue
from duban.engine.core import engine_for
from duban.engine.lateness import DEADLINE_PASSED
from duban.engine.model import ItemState
from duban.engine.notice import notice_of
from duban.policy.model import Policy
from duban.simulation.runner import RunResult, run_scenario
from duban.simulation.scenario import Scenario

#: Timer events that are facts or checks, not notices (lateness; the end of a period).
NOT_NOTICES = frozenset({DEADLINE_PASSED, at_least.PERIOD_END})


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def item_outcome(policy: Policy, item: ItemState, end: dt.datetime | None,
                 informed: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "state": item.state,
        "canonical_state": policy.states[item.state].canonical,
        "due": _iso(item.due),
        "original_due": _iso(item.original_due),
        "extensions_granted": item.extensions_granted,
        "extensions_rejected": item.extensions_rejected,
        "returns": item.returns,
        "reminders": [{"event": f.event, "at": f.at.isoformat()} for f in item.fired
                      if f.event not in NOT_NOTICES],
        "overdue": overdue(item, end),
        "closed_at": _iso(item.closed_at),
        "on_time": on_time(item),
    }
    if policy.numbering:
        out["number"] = item.number
    if item.notice_item:  # 一单多事: the notice and the item's place on it
        out["notice"] = notice_of(item)
        out["notice_item"] = item.notice_item
    if policy.supervision is not None:  # 督办单位 per item
        out["supervisor"] = item.supervisor
    if policy.at_least:  # 至少N次每周期: periods that ended short
        out["shortfalls"] = [s.to_json() for s in item.shortfalls]
    if coordination.asked(policy):  # 送督办单位协调解决: requests resolved
        out["coordinated"] = item.coordinated
    if feedback.reviewed(policy):  # 反馈须经审核同意: reports approved and sent back
        out["progress_approved"] = item.progress_approved
        out["progress_returned"] = item.progress_returned
    if informed is not None and inform.informed(policy):  # 分送/知会: who was told, when
        out["informed"] = informed
    return out


def outcome(result: RunResult) -> dict[str, Any]:
    """One policy's entry under ``results`` in the outcome JSON."""
    p = result.policy
    items = {k: item_outcome(p, it, result.end, result.informed.get(k, []))
             for k, it in result.items.items()}
    for k in result.scenario.items:  # items never created still appear
        if k not in items:
            items[k] = item_outcome(p, engine_for(p).new_item(k), result.end)
    total = sum(1 for it in result.items.values() if counted(p, it))
    on = sum(1 for it in result.items.values() if counted(p, it) and on_time(it))
    return {
        "items": {k: items[k] for k in result.scenario.items},
        "penalties": [e.to_json() for e in result.ledger],
        "rejected_steps": [{"step": r.step, "code": r.code, "message": r.message}
                           for r in result.rejected],
        "kpi": {"total": total, "closed_on_time": on,
                "closure_rate": round(on / total, 6) if total else 0.0},
        "planned_steps": [a.taken.to_json(a.step, a.item) for a in result.acts if a.planned],
    }


def simulate(scenario: Scenario, policies: list[Policy], ticks: str | None = None
             ) -> dict[str, Any]:
    """The full outcome JSON for a scenario under several policies."""
    return {"scenario": scenario.name,
            "results": {p.id: outcome(run_scenario(p, scenario, ticks)) for p in policies}}
