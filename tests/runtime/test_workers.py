"""Tick workers for real: separate processes on one store, some of them killed.

What an operator relies on, checked in the store afterwards:
- four tick workers on PostgreSQL over many items fire each due timer exactly once and
  hand each notice to the notifier once (claims: ``FOR UPDATE SKIP LOCKED`` + a lease);
- a tick worker killed with SIGKILL in the middle of firing timers, and again in the
  middle of delivering notices, then restarted, leaves no timer event lost or duplicated
  and every notice delivered (at least once; a repeat only for a notice in flight at a
  kill, and the dedupe key lets the receiver drop it) — on SQLite and on PostgreSQL.

Each worker is a real process (``python -m tests.runtime.test_workers work …``) with its
own store connection; its "receiver" appends each delivered dedupe key to a file with
one ``write(2)``, which a SIGKILL cannot tear.

Sizes: ``DUBAN_WORKER_ITEMS`` (default 10,000) and ``DUBAN_KILL_ITEMS`` (default
2,000); ``DUBAN_SOAK=1`` makes them 100,000 and 20,000.

All items are created and approved at the same instant, so that every timer of
every item falls due together — the hardest case for sharing the work.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import datetime as dt
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from duban.engine.core import engine_for, replay
from duban.engine.model import Actor, Event
from duban.policy.loader import load_policy
from duban.runtime.service import Service
from duban.runtime.workers import TickReport, TickWorker
from duban.store.base import Commit, OutboxMessage, Store
from duban.store.contract import commit_for, fold
from duban.store.postgres import PostgresStore
from duban.store.sqlite import SqliteStore

ROOT = Path(__file__).resolve().parents[2]

POLICY = load_policy(str(ROOT / "tests" / "engine" / "policies" / "mech.yaml"))
TZ = POLICY.timezone
OFFICE = Actor("王五", None, frozenset({"supervisor_office"}))
LEADER = Actor("李四", None, frozenset({"leader_in_charge"}))
CREATED = dt.datetime(2026, 9, 21, 9, tzinfo=TZ)
DUE = dt.datetime(2026, 10, 9, 17, tzinfo=TZ)
NOW = dt.datetime(2026, 10, 8, 12, tzinfo=TZ)  # 签收时限 and 催办预告 are due by then
SOAK = os.environ.get("DUBAN_SOAK", "") not in ("", "0")
WORKER_ITEMS = int(os.environ.get("DUBAN_WORKER_ITEMS", 100_000 if SOAK else 10_000))
KILL_ITEMS = int(os.environ.get("DUBAN_KILL_ITEMS", 20_000 if SOAK else 2_000))
RUN_TIMEOUT = 3600 if SOAK else 600  # seconds a worker may take before the test gives up


# -- what a worker process runs ----------------------------------------------------------------
def open_store(url: str) -> Store:
    return PostgresStore(url) if url.startswith(("postgresql:", "postgres:")) else \
        SqliteStore(url)


def item_id(n: int) -> str:
    return f"I{n:06}"


def template() -> Commit:
    """What the service writes for an item created and approved at CREATED."""
    return commit_for(POLICY, "template", [
        Event("create", CREATED, OFFICE, {"kind": "other", "lead": "财务部",
                                          "due": DUE.isoformat()}),
        Event("approve", CREATED + dt.timedelta(hours=1), LEADER, {})])


def seed(url: str, first: int, count: int) -> None:
    """Items ``first … first+count-1``, created and approved together (one commit each,
    as the service writes them): all their timers fall due at the same instants. The
    engine folds the create/approve once; each item adds its own number. (The replay
    check in :func:`check_store` proves the shortcut gives the engine's own state.)"""
    base = template()
    store = open_store(url)
    for n in range(first, first + count):
        number = Event("number", CREATED + dt.timedelta(hours=1), None,
                       {"number": f"测督字〔2026〕{n + 1}号"})
        item, _ = fold(POLICY, dataclasses.replace(base.item, id=item_id(n)), [number])
        store.commit(Commit(item, [*base.events, number], 0, base.next_due))
    store.close()


class FileReceiver:
    """The far end of a notice channel: one line per delivery, one write(2) each."""

    name = "receiver"

    def __init__(self, path: Path) -> None:
        self.fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)

    def send(self, message: OutboxMessage) -> None:
        os.write(self.fd, f"{message.dedupe_key}\n".encode())


def work(url: str, name: str, receiver: Path, lease: float, batch: int) -> TickReport:
    """Tick until nothing is due and every notice is delivered (others' claims and a
    dead worker's leases are waited out)."""
    store = open_store(url)
    service = Service(store, {"mech": POLICY}, channels=("receiver",),
                      notifiers={"receiver": FileReceiver(receiver)})
    worker = TickWorker(service, name, lease=dt.timedelta(seconds=lease), batch=batch)
    fired = sent = failed = 0
    while True:
        report = worker.run_once(NOW)
        fired, sent, failed = fired + report.fired, sent + report.sent, failed + report.failed
        if not store.due(NOW, 1) and not store.outbox_due(NOW, 1):
            return TickReport(fired, sent, failed)
        if report.fired + report.sent == 0:
            time.sleep(0.2)


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.runtime.test_workers")
    sub = parser.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("seed")
    s.add_argument("url")
    s.add_argument("first", type=int)
    s.add_argument("count", type=int)
    w = sub.add_parser("work")
    w.add_argument("url")
    w.add_argument("name")
    w.add_argument("receiver", type=Path)
    w.add_argument("--lease", type=float, default=2.0)
    w.add_argument("--batch", type=int, default=100)
    args = parser.parse_args(argv)
    if args.cmd == "seed":
        seed(args.url, args.first, args.count)
    else:
        r = work(args.url, args.name, args.receiver, args.lease, args.batch)
        print(json.dumps({"fired": r.fired, "sent": r.sent, "failed": r.failed}))


# -- the test side -----------------------------------------------------------------------------
def spawn(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "tests.runtime.test_workers", *args],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def finish(proc: subprocess.Popen[str]) -> dict[str, int]:
    out, err = proc.communicate(timeout=RUN_TIMEOUT)
    assert proc.returncode == 0, err[-3000:]
    return json.loads(out.strip().splitlines()[-1]) if out.strip() else {}


def seed_parallel(url: str, n: int, procs: int = 2) -> None:
    store = open_store(url)
    store.migrate()
    store.close()
    step = -(-n // procs)
    running = [spawn("seed", url, str(first), str(min(step, n - first)))
               for first in range(0, n, step)]
    for p in running:
        finish(p)


def expected_timer_keys() -> int:
    """How many timers are due at NOW for one item, by the pure engine."""
    engine = engine_for(POLICY)
    item = template().item
    events = engine.tick(item, NOW)
    for e in events:
        item, _ = engine.apply(item, e, e.at)
    assert events and engine.tick(item, NOW) == []
    return len(events)


def timer_events(url: str) -> int:
    """Progress seen from outside (only to time a kill; the assertions use the store)."""
    if url.startswith("postgres"):
        import psycopg

        with psycopg.connect(url) as conn:
            row = conn.execute("SELECT count(*) FROM events WHERE action = 'timer'").fetchone()
    else:
        with contextlib.closing(sqlite3.connect(url, timeout=30)) as lite:
            row = lite.execute("SELECT count(*) FROM events WHERE action = 'timer'").fetchone()
    return int(row[0]) if row else 0


def received(folder: Path) -> Counter[str]:
    return Counter(line for f in sorted(folder.glob("*.log"))
                   for line in f.read_text().splitlines() if line)


def check_store(url: str, n_items: int, per_item: int, folder: Path) -> tuple[int, int]:
    """Every due timer fired exactly once per item, the projection agrees with the log,
    every notice sent and received; returns (timer events, repeated deliveries)."""
    store = open_store(url)
    assert store.due(NOW) == []  # nothing left behind
    total = 0
    for n in range(n_items):
        events = store.events(item_id(n))
        keys = [e.data["key"] for e in events if e.action == "timer"]
        assert len(keys) == per_item and len(set(keys)) == per_item, (item_id(n), keys)
        if n % max(1, n_items // 50) == 0:  # replay a sample: log == projection
            assert replay(POLICY, item_id(n), events) == store.load(item_id(n))
        total += len(keys)
    messages = store.outbox()
    assert messages and {m.status for m in messages} == {"sent"}
    got = received(folder)
    assert set(got) == {m.dedupe_key for m in messages}  # none lost, none invented
    store.close()
    return total, sum(c - 1 for c in got.values())


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.slow)])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield str(tmp_path / "duban.db")
    else:
        yield request.getfixturevalue("pg_schema_url")


def kill(proc: subprocess.Popen[str]) -> None:
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=60)
    assert proc.returncode == -signal.SIGKILL


def wait_for(condition: Callable[[], int], at_least: int, proc: subprocess.Popen[str]) -> int:
    """Poll until ``condition() >= at_least`` while ``proc`` runs; the value seen."""
    deadline = time.monotonic() + RUN_TIMEOUT
    while time.monotonic() < deadline:
        value = condition()
        if value >= at_least:
            return value
        if proc.poll() is not None:
            pytest.fail(f"the worker ended before the kill point: {proc.communicate()}")
        time.sleep(0.02)
    pytest.fail("the worker made no progress")


@pytest.mark.timeout(2 * RUN_TIMEOUT)
def test_four_workers_fire_each_due_timer_once(pg_schema_url: str, tmp_path: Path) -> None:
    url, n_items = pg_schema_url, WORKER_ITEMS
    per_item = expected_timer_keys()
    t0 = time.perf_counter()
    seed_parallel(url, n_items)
    seeded = time.perf_counter()
    workers = [spawn("work", url, f"w{k}", str(tmp_path / f"w{k}.log"), "--lease", "60")
               for k in range(4)]
    reports = [finish(p) for p in workers]
    worked = time.perf_counter()
    fired, repeats = check_store(url, n_items, per_item, tmp_path)
    assert fired == n_items * per_item
    assert sum(r["fired"] for r in reports) == fired  # no worker counted another's timer
    assert repeats == 0  # claimed notices go to one notifier each
    print(f"\n[workers] 4 workers, {n_items} items, {fired} timers fired "
          f"({[r['fired'] for r in reports]}), {sum(r['sent'] for r in reports)} notices, "
          f"seed {seeded - t0:.1f}s, tick+deliver {worked - seeded:.1f}s, duplicates 0")


@pytest.mark.slow  # a SIGKILL loop
@pytest.mark.timeout(2 * RUN_TIMEOUT)
def test_sigkilled_worker_restarted_loses_and_repeats_nothing(store_url: str,
                                                              tmp_path: Path) -> None:
    url, n_items = store_url, KILL_ITEMS
    per_item = expected_timer_keys()
    seed_parallel(url, n_items)
    expected_fires = n_items * per_item

    # kill 1: while firing timers
    first = spawn("work", url, "w1", str(tmp_path / "w1.log"), "--lease", "2")
    wait_for(lambda: timer_events(url), expected_fires // 3, first)
    kill(first)
    at_kill = timer_events(url)
    assert 0 < at_kill < expected_fires  # it really died in the middle

    # kill 2: restarted under its name (it takes its claims back at once), killed again
    # while delivering notices — after every timer fired
    again = spawn("work", url, "w1", str(tmp_path / "w1-again.log"), "--lease", "2")
    wait_for(lambda: timer_events(url), expected_fires, again)
    wait_for(lambda: sum(received(tmp_path).values()), expected_fires // 2, again)
    kill(again)
    delivered_at_kill = len(received(tmp_path))

    # a new worker: the dead one's claims pass to it when their lease runs out
    finish(spawn("work", url, "w3", str(tmp_path / "w3.log"), "--lease", "2"))
    fired, repeats = check_store(url, n_items, per_item, tmp_path)
    assert fired == expected_fires
    assert delivered_at_kill < len(received(tmp_path))  # the kill left notices to send
    assert repeats <= 2  # at most the notice in flight at each kill
    print(f"\n[sigkill] {url.split(':')[0] if '://' in url else 'sqlite'}: {n_items} items, "
          f"killed at {at_kill}/{expected_fires} timers and at {delivered_at_kill} notices, "
          f"{fired} timers once each, repeats {repeats}")


if __name__ == "__main__":
    main(sys.argv[1:])
