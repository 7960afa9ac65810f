"""``duban diff OLD NEW --history STORE``: real items' recorded events replayed under both.

Why: "what would last quarter's 办结率 have been under the new rules" is answered by the
event log, not by scenarios. Each item OLD governs (``policy_id`` = OLD's id) is rebuilt
from its recorded events under OLD and under NEW alike: people's actions are replayed
in order, while timers (reminders, overdue notices) are not taken from the log — each
policy fires its own, as ``duban tick`` would have, before every recorded action and up
to the end of the period. An action the NEW policy refuses is recorded, and the replay
goes on (as the scenario runner does).

Items are chosen by creation time (``--since``/``--until``); events after ``until`` are
ignored, so the result is the state of affairs as of ``until``. Without ``until`` the
replay runs to the latest instant the log knows (fired timers included) — the store's
own clock, never the wall clock.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from duban.diff.change import Change
from duban.diff.outcome import compare_outcomes
from duban.diff.refs import DiffInputError
from duban.engine import penalties as penalty_rules
from duban.engine.closure import counted, on_time
from duban.engine.core import ActionRefused, Engine, engine_for
from duban.engine.model import Event, ItemState, PenaltyEntry
from duban.errors import DubanError
from duban.policy.model import Policy
from duban.simulation.outcome import item_outcome

TIMER = "timer"
MAX_TIMERS_PER_STEP = 10_000  # a guard: a schedule never has this many due at once
_EPS = dt.timedelta(microseconds=1)


@dataclass
class HistoryDiff:
    store: str
    items: int
    since: dt.datetime | None
    until: dt.datetime | None
    changes: list[Change] = field(default_factory=list)
    end: dt.datetime | None = None  # the instant the replay ran to

    def heading(self) -> str:
        span = f"，立项于 {_d(self.since, '最早')} 至 {_d(self.until, '最后一条记录')}" \
            if self.since or self.until else ""
        return f"历史回放：{self.store}，{self.items} 个事项{span}（截至 {_d(self.end, '—')}）"


def _d(t: dt.datetime | None, none: str) -> str:
    return f"{t:%Y-%m-%d %H:%M}" if t else none


@dataclass
class _Replay:
    outcome: dict[str, Any]
    steps: dict[int, str]


def open_store(ref: str) -> Any:
    """A store from a path or URL; a SQLite path must exist (never create an empty one)."""
    from duban.plugins import Hooks, make_plugin_manager

    scheme = ref.split(":", 1)[0] if "://" in ref else "sqlite"
    if scheme == "sqlite":
        path = ref[len("sqlite:///"):] if ref.startswith("sqlite:///") else ref
        if not Path(path).is_file():
            raise DiffInputError(f"找不到数据库文件 '{path}' / no such store file")
    return Hooks(make_plugin_manager(entry_points=False)).stores.get(scheme)(ref)


def _fire(engine: Engine, item: ItemState, until: dt.datetime) -> ItemState:
    for _ in range(MAX_TIMERS_PER_STEP):
        try:
            due = engine.tick(item, until)
            if not due:
                return item
            item, _ = engine.apply(item, due[0], due[0].at)
        except DubanError:  # e.g. a reminder date beyond the calendar's data
            return item
    return item


def replay_item(policy: Policy, item_id: str, events: list[Event], until: dt.datetime,
                rejected: list[tuple[Event, str, str]]) -> ItemState:
    """The item rebuilt from its recorded actions up to ``until`` under ``policy``, its
    own timers fired before each action and up to ``until``."""
    engine = engine_for(policy)
    item = engine.new_item(item_id)
    for e in events:
        if e.action == TIMER or e.at > until:
            continue
        item = _fire(engine, item, e.at - _EPS)
        try:
            item, _ = engine.apply(item, e, e.at)
        except ActionRefused as err:
            rejected.append((e, err.code, str(err)))
        except DubanError as err:
            rejected.append((e, err.code, str(err)))
    return _fire(engine, item, until)


def _replay(policy: Policy, logs: dict[str, list[Event]], end: dt.datetime) -> _Replay:
    items: dict[str, ItemState] = {}
    rejected: list[tuple[Event, str, str]] = []
    for item_id, events in logs.items():
        items[item_id] = replay_item(policy, item_id, events, end, rejected)
    ledger: list[PenaltyEntry] = [e for it in items.values() for e in it.penalties]
    ledger += penalty_rules.apply_counters(policy, ledger)
    index = {id(e): n for n, e in enumerate(
        (e for evs in logs.values() for e in evs if e.action != TIMER), 1)}
    total = sum(1 for it in items.values() if counted(policy, it))
    on = sum(1 for it in items.values() if counted(policy, it) and on_time(it))
    return _Replay({
        "items": {k: item_outcome(policy, it, end) for k, it in items.items()},
        "penalties": [e.to_json() for e in sorted(ledger, key=lambda e: (e.at, e.item))],
        "rejected_steps": [{"step": index[id(e)], "code": code, "message": msg}
                           for e, code, msg in rejected],
        "kpi": {"total": total, "closed_on_time": on,
                "closure_rate": round(on / total, 6) if total else 0.0},
    }, {index[id(e)]: f"（事项 {k} {e.action}，{e.at:%Y-%m-%d %H:%M}）"
        for k, evs in logs.items() for e in evs if e.action != TIMER})


def diff_history(old: Policy, new: Policy, store_ref: str, *,
                 since: dt.datetime | None = None, until: dt.datetime | None = None
                 ) -> HistoryDiff:
    """Replay the items OLD governs in the store under OLD and NEW and compare."""
    store = open_store(store_ref)
    try:
        logs: dict[str, list[Event]] = {}
        for item in store.items(policy_id=old.id):
            created = item.created_at
            if since is not None and (created is None or created < since):
                continue
            if until is not None and (created is None or created > until):
                continue
            logs[item.id] = store.events(item.id)
    except sqlite3.Error as exc:
        raise DiffInputError(f"无法读取数据库 '{store_ref}'：{exc}；是 duban 的存储吗？/ cannot "
                             "read the store") from None
    finally:
        store.close()
    # as of `until`, or of the latest instant the log knows (fired timers included)
    end = until or max((e.at for evs in logs.values() for e in evs), default=None)
    if end is None:
        return HistoryDiff(store_ref, 0, since, until)
    a, b = _replay(old, logs, end), _replay(new, logs, end)
    changes = compare_outcomes(a.outcome, b.outcome, area="history", where=(store_ref,),
                               source=store_ref, steps=a.steps)
    return HistoryDiff(store_ref, len(logs), since, until, changes, end)
