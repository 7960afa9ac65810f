"""Benchmark: what the integrity check before writes costs a ``duban tick --loop`` worker.

Why: ``Service.ensure_sound`` runs SQLite's ``PRAGMA quick_check``, which reads the whole
file, before a service's first write. A worker that ran it on every tick round (once a
minute) spent most of its time checking on a large store. Now a passed check stands for
``quick_check_every`` (default one hour) of the tick's own clock. Measured on a real
SQLite file of N items (``DUBAN_BENCH_INTEGRITY_ITEMS``, default 20,000), each with the
events, ledger and outbox rows of a real item (copied from items built by the engine):
one quick check, one full ``integrity_check`` (``duban doctor``), and an hour of
rounds one minute apart with nothing due — checking every round (the previous
behaviour, ``quick_check_every_minutes: 0``) against the default.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import tempfile
import time
from pathlib import Path
from typing import Any

from duban.engine.model import Actor
from duban.policy.loader import load_policy
from duban.runtime.service import QUICK_CHECK_EVERY, Service
from duban.store.sqlite import SqliteStore

ROOT = Path(__file__).resolve().parents[1]
N = int(os.environ.get("DUBAN_BENCH_INTEGRITY_ITEMS", "20000"))
ROUNDS = 60  # an hour of a worker ticking once a minute
TABLES = ("items", "events", "ledger", "outbox", "requests")


def _model_item(db: Path, policy: Any) -> dt.datetime:
    """One item through a real life (立项, 批准, 反馈, 延期, 报结 …) in ``db``; returns a
    time after its last event when nothing is due."""
    store = SqliteStore(db)
    store.migrate()
    service = Service(store, {policy.id: policy})
    at = dt.datetime(2026, 3, 2, 9, tzinfo=service.zone)

    def who(role: str, dept: str | None = None) -> Actor:
        return Actor(None, dept, frozenset({role}))

    service.create("TEMPLATE", policy.id, {"kind": "meeting_decision", "category": "挂牌督办",
                                           "title": "完成资产清查与台账核对", "lead": "财务部"},
                   who("supervisor_office"), at)
    steps = [("approve", who("leadership_group"), {}),
             ("progress", who("lead_department", "财务部"), {"reason": "盘点已完成一半"}),
             ("request_extension", who("lead_department", "财务部"),
              {"until": "2026-03-31", "reason": "数据未到"}),
             ("approve", who("leader_in_charge"), {}), ("approve", who("leadership_group"), {}),
             ("report", who("lead_department", "财务部"), {"reason": "已办结"})]
    for n, (action, actor, data) in enumerate(steps, 1):
        service.act("TEMPLATE", action, actor, data, at + dt.timedelta(days=n))
    store.conn.execute("UPDATE outbox SET status = 'sent'")  # delivered: rounds send nothing
    store.close()
    return at + dt.timedelta(days=len(steps) + 1)


def _fill(db: Path) -> None:
    """N copies of the model item's rows, its id replaced (one transaction)."""
    conn = sqlite3.connect(db)
    rows = {t: conn.execute(f"SELECT * FROM {t} WHERE item_id = 'TEMPLATE'").fetchall()
            for t in TABLES}
    conn.execute("BEGIN")
    for n in range(1, N):
        new = f"I{n:07d}"
        for table, template in rows.items():
            copies = [tuple(v.replace("TEMPLATE", new) if isinstance(v, str) else v
                            for v in row) for row in template]
            if table == "outbox":  # its own ids
                copies = [(None, *c[1:]) for c in copies]
            marks = ", ".join("?" * len(template[0])) if template else ""
            if copies:
                conn.executemany(f"INSERT INTO {table} VALUES ({marks})", copies)
    conn.execute("COMMIT")
    conn.close()


def _rounds(db: Path, policy: Any, every: dt.timedelta, start: dt.datetime) -> float:
    """Seconds for ROUNDS tick rounds one minute apart with nothing due (a fresh service:
    its first round checks, as a worker's does when it starts). ``every`` 0 is what a
    round did before: ``Service.tick`` checked on every call."""
    store = SqliteStore(db)
    service = Service(store, {policy.id: policy}, quick_check_every=every)
    t = time.perf_counter()
    for minute in range(ROUNDS):
        assert service.tick(start + dt.timedelta(minutes=minute)) == 0
    took = time.perf_counter() - t
    store.close()
    return took


def _timed(db: Path, pragma: str) -> float:
    conn = sqlite3.connect(db)
    t = time.perf_counter()
    rows = conn.execute(f"PRAGMA {pragma}").fetchall()
    took = time.perf_counter() - t
    conn.close()
    assert rows == [("ok",)], rows
    return took


def run() -> list[dict[str, Any]]:
    policy = load_policy(ROOT / "policies" / "gansu_huizhan.yaml")
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        quiet = _model_item(db, policy)
        t = time.perf_counter()
        _fill(db)
        fill_s = time.perf_counter() - t
        mb = db.stat().st_size / 1e6
        quick = min(_timed(db, "quick_check") for _ in range(3))
        full = _timed(db, "integrity_check")
        before = _rounds(db, policy, dt.timedelta(0), quiet)
        after = _rounds(db, policy, QUICK_CHECK_EVERY, quiet)
    return [
        {"name": f"store: {N:,} items with their events (bulk copy)", "value": f"{fill_s:.1f} s",
         "note": f"{mb:,.1f} MB file"},
        {"name": "PRAGMA quick_check (one)", "value": f"{quick * 1000:,.0f} ms",
         "note": f"{quick * 1000 / mb:.1f} ms per MB"},
        {"name": "PRAGMA integrity_check (duban doctor)", "value": f"{full * 1000:,.0f} ms",
         "note": ""},
        {"name": f"tick: {ROUNDS} rounds a minute apart, check every round (before)",
         "value": f"{before:.2f} s", "note": f"{before / ROUNDS * 1000:,.0f} ms per round"},
        {"name": f"tick: {ROUNDS} rounds a minute apart, check once an hour (now)",
         "value": f"{after:.2f} s",
         "note": f"{after / ROUNDS * 1000:,.1f} ms per round; {before / after:,.0f}x less"},
    ]


def format_table(rows: list[dict[str, Any]]) -> str:
    width = max(len(r["name"]) for r in rows)
    out = ["integrity check before writes, on a tick --loop worker (SQLite)"]
    out += [f"  {r['name']:<{width}}  {r['value']:>10}  {r['note']}" for r in rows]
    return "\n".join(out)


if __name__ == "__main__":
    print(format_table(run()))
