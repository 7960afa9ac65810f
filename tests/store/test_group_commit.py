"""SQLite group commit: writes that queue up together share one commit, and each still
ends as if it had been alone — a stale write in the batch is refused and leaves nothing,
its neighbours are stored; a commit that fails (a full disk) stores none of them."""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
from pathlib import Path
from typing import Any

import pytest

from duban.engine.core import replay
from duban.engine.model import Actor, Event
from duban.policy.loader import load_policy
from duban.policy.model import Policy
from duban.store import group_commit
from duban.store.base import Commit, ConcurrencyError, StoreError
from duban.store.contract import commit_for
from duban.store.sqlite import SqliteStore

OFFICE = Actor("王五", None, frozenset({"supervisor_office"}))
LEADER = Actor("李四", None, frozenset({"leader_in_charge"}))


@pytest.fixture
def policy(root: Path) -> Policy:
    return load_policy(root / "tests" / "engine" / "policies" / "mech.yaml")


def created(policy: Policy, item_id: str) -> Commit:
    at = dt.datetime(2026, 9, 21, 9, tzinfo=policy.timezone)
    return commit_for(policy, item_id, [Event("create", at, OFFICE, {
        "kind": "superior_assignment", "lead": "财务部", "title": "资产清查"})])


def batch_of(store: SqliteStore, commits: list[Commit]) -> list[group_commit.Write]:
    """One write per commit, as the queue hands them to the connection that commits."""
    return [group_commit.Write(store._commit_body(c)) for c in commits]


def test_a_stale_write_in_a_batch_fails_alone(tmp_path: Path, policy: Policy) -> None:
    store = SqliteStore(tmp_path / "d.db")
    store.migrate()
    store.commit(created(policy, "B"))
    stale = created(policy, "B")  # expects sequence 0, the item is at 1
    writes = batch_of(store, [created(policy, "A"), stale, created(policy, "C")])
    store._commit(writes)
    assert [w.done for w in writes] == [True, True, True]
    assert writes[0].error is None and writes[2].error is None
    assert isinstance(writes[1].error, ConcurrencyError)
    assert sorted(i.id for i in store.items()) == ["A", "B", "C"]
    assert len(store.events("B")) == 1  # nothing of the stale write
    for item in store.items():
        assert replay(policy, item.id, store.events(item.id)) == item
    store.close()


def test_a_failed_commit_stores_no_write_of_its_batch(tmp_path: Path, policy: Policy) -> None:
    store = SqliteStore(tmp_path / "full.db")
    store.migrate()
    pages = store.conn.execute("PRAGMA page_count").fetchone()[0]
    store.conn.execute(f"PRAGMA max_page_count = {pages + 2}")
    big = [created(policy, f"I{n:03d}") for n in range(40)]
    writes = batch_of(store, big)
    store._commit(writes)
    assert all(w.done for w in writes)
    assert all(isinstance(w.error, StoreError) and "磁盘已满" in str(w.error) for w in writes)
    store.close()
    check = sqlite3.connect(tmp_path / "full.db")
    assert check.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert check.execute("SELECT count(*) FROM items").fetchone()[0] == 0
    assert check.execute("SELECT count(*) FROM events").fetchone()[0] == 0
    check.close()


def test_writers_of_one_process_share_commits(tmp_path: Path, policy: Policy,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """Eight connections writing at once: every write stored once, and fewer commits
    than writes (the file's own count of write transactions says how many)."""
    db = tmp_path / "busy.db"
    first = SqliteStore(db)
    first.migrate()
    first.close()
    stores = [SqliteStore(db) for _ in range(8)]
    gate = threading.Barrier(len(stores))
    errors: list[BaseException] = []
    commits = 0
    original = group_commit.commit_batch

    def counting(*args: Any) -> None:
        nonlocal commits
        commits += 1
        original(*args)

    def writer(n: int, store: SqliteStore) -> None:
        gate.wait()
        try:
            for k in range(10):
                store.commit(created(policy, f"W{n}-{k}"))
        except BaseException as exc:
            errors.append(exc)

    monkeypatch.setattr(group_commit, "commit_batch", counting)
    threads = [threading.Thread(target=writer, args=(n, s)) for n, s in enumerate(stores)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(list(stores[0].items())) == 80
    assert commits < 80
    for s in stores:
        s.close()
