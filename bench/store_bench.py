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


def _fill_pg(store: Any, policy: Any, body: str, first_due: dt.datetime) -> float:
    """The same population on PostgreSQL, through COPY."""
    later = first_due + dt.timedelta(days=365)
    started = time.perf_counter()
    with store.conn.transaction(), store.conn.cursor() as cur, cur.copy(
            "COPY items (item_id, policy_id, policy_hash, state, lead, confidential, seq, "
            "next_due, body) FROM STDIN") as copy:
        for n in range(N):
            item_id = f"I{n:07d}"
            copy.write_row((item_id, policy.id, policy.content_hash, "已交办", "财务部", False,
                            2, first_due if n % (N // DUE) == 0 else later,
                            body.replace('"TEMPLATE"', f'"{item_id}"', 1)))
    store.conn.execute("ANALYZE items")
    return time.perf_counter() - started


def _measure(kind: str, store: Any, policy: Any, body: str, first_due: dt.datetime,
             fill: Any, size_mb: Any) -> list[dict[str, Any]]:
    fill_s = fill(store, policy, body, first_due)
    now = first_due + dt.timedelta(minutes=1)
    best = float("inf")
    for _ in range(3):
        t = time.perf_counter()
        ids = store.due(now, DUE)
        best = min(best, (time.perf_counter() - t) * 1000)
    assert len(ids) == DUE, len(ids)
    service = Service(store, {policy.id: policy})
    t = time.perf_counter()
    fired = service.tick(now, limit=DUE)
    tick_s = time.perf_counter() - t
    sample = 5_000  # the peer: read every item and ask for its schedule (sampled, scaled)
    t = time.perf_counter()
    for (text,) in store.conn.execute(f"SELECT body FROM items LIMIT {sample}").fetchall():
        schedule(policy, codec.decode_item(text))
    scan_s = (time.perf_counter() - t) * N / sample
    return [
        {"name": f"{kind}: store {N:,} items (bulk load)", "value": f"{fill_s:.1f} s",
         "note": size_mb()},
        {"name": f"{kind}: find the {DUE:,} due items (next_due index)",
         "value": f"{best:.2f} ms", "note": ""},
        {"name": f"{kind}: tick — fire them (load+apply+commit each item)",
         "value": f"{tick_s:.2f} s", "note": f"{fired} timers, {fired / tick_s:,.0f}/s"},
        {"name": f"{kind}: peer — scan all {N:,} items for due timers",
         "value": f"{scan_s:.1f} s",
         "note": f"sampled; the index is {scan_s * 1000 / max(best, 1e-6):,.0f}x faster"},
    ]


def run() -> list[dict[str, Any]]:
    policy = load_policy(ROOT / "tests" / "engine" / "policies" / "mech.yaml")
    body, first_due = _template(policy)
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        store = SqliteStore(db)
        store.migrate()
        rows += _measure("SQLite", store, policy, body, first_due, _fill,
                         lambda: f"{db.stat().st_size / 1e6:,.0f} MB file")
        store.close()
    server = None
    url = os.environ.get("DUBAN_BENCH_PG")
    try:
        if not url:
            from tests.pg_fixture import PgUnavailable, start_server

            try:
                server = start_server()
                url = server.url
            except PgUnavailable as exc:
                rows.append({"name": "PostgreSQL: not measured", "value": "",
                             "note": str(exc)})
        if url:
            from duban.store.postgres import PostgresStore

            pg = PostgresStore(url)
            pg.migrate()

            def pg_size() -> str:
                mb = pg.conn.execute("SELECT pg_total_relation_size('items')").fetchone()[0]
                return f"{mb / 1e6:,.0f} MB table"

            rows += _measure("PostgreSQL", pg, policy, body, first_due, _fill_pg, pg_size)
            pg.close()
    finally:
        if server is not None:
            server.stop()
    return rows


def format_table(rows: list[dict[str, Any]]) -> str:
    width = max(len(r["name"]) for r in rows)
    out = ["tick over stored items (SQLite, PostgreSQL)"]
    out += [f"  {r['name']:<{width}}  {r['value']:>10}  {r['note']}" for r in rows]
    return "\n".join(out)


if __name__ == "__main__":
    print(format_table(run()))
