"""SQLite under stress: a full disk gives a clear error and leaves the database intact and
consistent; fifty concurrent writers never see "database is locked"."""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
from pathlib import Path

import pytest

from duban.engine.core import replay
from duban.engine.model import Actor
from duban.policy.loader import load_policy
from duban.runtime.service import Service
from duban.store.base import StoreError
from duban.store.sqlite import SqliteStore

POLICY = load_policy(str(Path(__file__).parents[1] / "engine" / "policies" / "mech.yaml"))
TZ = POLICY.timezone
OFFICE = Actor("王五", None, frozenset({"supervisor_office"}))
LEADER = Actor("李四", None, frozenset({"leader_in_charge"}))


def _service(path: Path) -> Service:
    store = SqliteStore(path)
    store.migrate()
    return Service(store, {"mech": POLICY})


def test_full_disk_is_a_clear_error_and_the_database_stays_intact(tmp_path: Path) -> None:
    db = tmp_path / "full.db"
    service = _service(db)
    # SQLITE_FULL exactly as a full disk raises it: cap the file at its current size + a little
    pages = service.store.conn.execute("PRAGMA page_count").fetchone()[0]
    service.store.conn.execute(f"PRAGMA max_page_count = {pages + 12}")
    at = dt.datetime(2026, 3, 2, 9, tzinfo=TZ)
    created = 0
    with pytest.raises(StoreError) as err:
        for n in range(10_000):
            service.create(f"I{n:05d}", "mech", {"kind": "other", "lead": "财务部",
                                                 "title": "满盘" * 50}, OFFICE, at)
            created += 1
    assert "磁盘已满" in str(err.value)
    assert created > 0
    service.store.close()
    # reopen: intact, and every stored item is exactly the fold of its stored events
    check = sqlite3.connect(db)
    assert check.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    check.close()
    store = SqliteStore(db)
    items = list(store.items())
    assert len(items) == created
    for item in items:
        assert replay(POLICY, item.id, store.events(item.id)) == item
    store.close()


def test_fifty_concurrent_writers(tmp_path: Path) -> None:
    db = tmp_path / "busy.db"
    _service(db).store.close()
    errors: list[BaseException] = []
    at = dt.datetime(2026, 3, 2, 9, tzinfo=TZ)

    def writer(n: int) -> None:
        service = Service(SqliteStore(db), {"mech": POLICY})
        try:
            for k in range(4):
                item_id = f"W{n:02d}-{k}"
                service.create(item_id, "mech", {"kind": "other", "lead": "财务部"}, OFFICE, at)
                service.act(item_id, "approve", LEADER, {}, at + dt.timedelta(hours=1))
        except BaseException as exc:
            errors.append(exc)
        finally:
            service.store.close()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(50)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, [str(e) for e in errors]
    store = SqliteStore(db)
    items = list(store.items())
    assert len(items) == 200
    numbers = sorted(int(i.number.split("〕")[1].rstrip("号")) for i in items if i.number)
    assert numbers == list(range(1, 201))  # one number each, none reused, none lost
    assert all(i.state == "已交办" for i in items)
    store.close()
