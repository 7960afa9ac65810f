"""Benchmark: a tick over many stored items — the indexed way against a scan.

Why: a deployment keeps years of items; `duban tick` runs every minute from cron. It must
find the few items with a timer due now through the store's ``next_due`` index, never by
reading every item. Measured on a real SQLite file (and on PostgreSQL when
``DUBAN_BENCH_PG`` holds a URL): N stored items (``DUBAN_BENCH_ITEMS``, default
1,000,000), of which 1,000 have a timer due; the time to find them (``Store.due``), the
time for ``Service.tick`` to fire them (load, apply, commit each, one transaction per
item), and, as the peer, a scan that loads every item and asks the engine for its
schedule — measured on a sample and scaled to N.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from duban.engine import codec
from duban.engine.core import engine_for
from duban.engine.model import Actor, Event
from duban.engine.timers import next_due, schedule
from duban.policy.loader import load_policy
from duban.runtime.service import Service
from duban.store.sqlite import SqliteStore, epoch

ROOT = Path(__file__).resolve().parents[1]
N = int(os.environ.get("DUBAN_BENCH_ITEMS", "1000000"))
DUE = 1000


def _template(policy: Any) -> tuple[str, dt.datetime]:
    """One real opened item (its JSON) and the instant its first timer is due."""
    eng = engine_for(policy)
    tz = policy.timezone
    t0 = dt.datetime(2026, 3, 2, 9, tzinfo=tz)
    item = eng.new_item("TEMPLATE")
    item, _ = eng.apply(item, Event("create", t0, Actor(None, None, frozenset(
        {"supervisor_office"})), {"kind": "other", "lead": "财务部", "title": "基准"}))
    item, _ = eng.apply(item, Event("approve", t0 + dt.timedelta(hours=1), Actor(
        None, None, frozenset({"leader_in_charge"})), {}))
    due = next_due(policy, item)
    assert due is not None
    return codec.encode_item(item), due


def _fill(store: SqliteStore, policy: Any, body: str, first_due: dt.datetime) -> float:
    """N items, DUE of them due at ``first_due``, the rest a year later; returns seconds."""
    later = epoch(first_due + dt.timedelta(days=365))
    started = time.perf_counter()
    conn = store.conn
    conn.execute("BEGIN")
    batch: list[tuple[Any, ...]] = []
    for n in range(N):
        item_id = f"I{n:07d}"
        batch.append((item_id, policy.id, policy.content_hash, "已交办", "财务部", 0, 2,
                      epoch(first_due) if n % (N // DUE) == 0 else later,
                      body.replace('"TEMPLATE"', f'"{item_id}"', 1)))
        if len(batch) == 20_000:
            conn.executemany("INSERT INTO items VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", batch)
            batch.clear()
    if batch:
        conn.executemany("INSERT INTO items VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", batch)
    conn.execute("COMMIT")
    return time.perf_counter() - started


def run() -> list[dict[str, Any]]:
    policy = load_policy(ROOT / "tests" / "engine" / "policies" / "mech.yaml")
    body, first_due = _template(policy)
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp:
        store = SqliteStore(Path(tmp) / "bench.db")
        store.migrate()
        fill_s = _fill(store, policy, body, first_due)
        # the synthetic items carry no events; give each due one its two so ticks can append
        now = first_due + dt.timedelta(minutes=1)
        t = time.perf_counter()
        ids = store.due(now, DUE)
        find_ms = (time.perf_counter() - t) * 1000
        assert len(ids) == DUE, len(ids)
        service = Service(store, {policy.id: policy})
        t = time.perf_counter()
        fired = service.tick(now, limit=DUE)
        tick_s = time.perf_counter() - t
        # the peer: read every item and ask for its schedule (sampled, scaled to N)
        sample = 5_000
        t = time.perf_counter()
        for n, (text,) in enumerate(store.conn.execute("SELECT body FROM items")):
            schedule(policy, codec.decode_item(text))
            if n + 1 >= sample:
                break
        scan_s = (time.perf_counter() - t) * N / sample
        size_mb = (Path(tmp) / "bench.db").stat().st_size / 1e6
        store.close()
    rows.append({"name": f"SQLite: store {N:,} items (one transaction)", "value": f"{fill_s:.1f} s",
                 "note": f"{size_mb:,.0f} MB file"})
    rows.append({"name": f"find the {DUE:,} due items (next_due index)",
                 "value": f"{find_ms:.2f} ms", "note": ""})
    rows.append({"name": "tick: fire them (load+apply+commit each, FULL sync)",
                 "value": f"{tick_s:.2f} s", "note": f"{fired} timers, "
                 f"{fired / tick_s:,.0f}/s"})
    rows.append({"name": f"peer: scan all {N:,} items for due timers (sampled)",
                 "value": f"{scan_s:.1f} s",
                 "note": f"index is {scan_s * 1000 / max(find_ms, 1e-6):,.0f}x faster"})
    return rows


def format_table(rows: list[dict[str, Any]]) -> str:
    width = max(len(r["name"]) for r in rows)
    out = ["tick over stored items (SQLite)"]
    out += [f"  {r['name']:<{width}}  {r['value']:>10}  {r['note']}" for r in rows]
    return "\n".join(out)


if __name__ == "__main__":
    print(format_table(run()))
