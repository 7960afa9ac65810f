"""Finding 10 of the attack probe: garbage written into the middle of the SQLite file was
not noticed — duban kept reading and writing a database whose ``integrity_check`` fails.
``duban doctor`` checks the database and that every stored item equals the replay of its
events; ``item act`` and ``tick`` refuse to write to a store that fails the quick check."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from duban.engine.model import Actor, Event
from duban.runtime.service import QUICK_CHECK_EVERY, Service
from duban.store.base import StoreError
from duban.store.sqlite import SqliteStore

Duban = Callable[..., Result]
Opener = Callable[..., None]

EventsOf = Callable[[str], list[Event]]


@pytest.fixture
def items(open_item: Opener) -> None:
    for n in range(1, 6):
        open_item(f"I{n}", f"资产清查第{n}项")


def _database(tmp_path: Path, name: str = "probe.db") -> Path:
    path = tmp_path / name
    with sqlite3.connect(path) as c:
        c.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # everything in the main file
    return path


def _garble_the_middle(path: Path) -> None:
    """Random bytes over a whole page in the middle of the file: a page of the stored
    policy versions, so that items and events still read back (as they did)."""
    with sqlite3.connect(path) as c:
        pages = [p for (p,) in c.execute(
            "SELECT pageno FROM dbstat WHERE name = 'policies' ORDER BY pageno")]
        size = c.execute("PRAGMA page_size").fetchone()[0]
    page = pages[len(pages) // 2]
    with open(path, "r+b") as fh:
        fh.seek((page - 1) * size)
        fh.write(os.urandom(size))


def test_doctor_passes_a_sound_store(duban: Duban, items: None) -> None:
    out = duban("doctor")
    assert out.exit_code == 0, out.output
    assert "integrity_check" in out.stdout and "5 个事项" in out.stdout


def test_garbage_in_the_file_is_found_and_writes_refused(duban: Duban, items: None,
                                                         tmp_path: Path,
                                                         events_of: EventsOf) -> None:
    path = _database(tmp_path)
    before = events_of("I1")
    _garble_the_middle(path)
    doctor = duban("doctor")
    assert doctor.exit_code == 1, doctor.output
    assert "integrity_check" in doctor.output and "Traceback" not in doctor.output
    for args in (["item", "act", "I1", "confirm", "--as", "主办部门", "--dept", "财务部",
                  "--at", "2026-09-22T10:00"], ["tick", "--now", "2026-12-01T09:00"]):
        refused = duban(*args)
        assert refused.exit_code != 0, refused.output
        assert "完整性" in refused.output and "duban doctor" in refused.output
        assert "Traceback" not in refused.output
    with sqlite3.connect(path) as c:
        c.execute("PRAGMA writable_schema = OFF")
        rows = c.execute("SELECT count(*) FROM events WHERE item_id = 'I1'").fetchone()[0]
    assert rows == len(before)  # nothing was written


def test_doctor_finds_a_projection_that_differs_from_its_events(duban: Duban, items: None,
                                                                tmp_path: Path) -> None:
    path = _database(tmp_path)
    with sqlite3.connect(path) as c:
        c.execute("UPDATE items SET body = replace(body, '\"returns\":0', '\"returns\":3') "
                  "WHERE item_id = 'I3'")
    doctor = duban("doctor")
    assert doctor.exit_code == 1, doctor.output
    assert "I3" in doctor.stdout and "重放" in doctor.stdout
    assert "I1" not in doctor.stdout.split("重放")[1]


class _Counted(SqliteStore):
    """The real SQLite store, counting its integrity checks."""

    checks = 0

    def check(self, *, quick: bool = True) -> list[str]:
        self.checks += 1
        return super().check(quick=quick)


def _service(tmp_path: Path, every: dt.timedelta) -> tuple[Service, _Counted]:
    from duban.policy.loader import load_policy

    policy = load_policy(Path(__file__).resolve().parents[2] / "policies" / "gansu_huizhan.yaml")
    store = _Counted(tmp_path / "worker.db")
    store.migrate()
    service = Service(store, {policy.id: policy}, quick_check_every=every)
    at = dt.datetime(2026, 9, 21, 10, tzinfo=service.zone)  # the worker's first round
    service.create("A", policy.id, {"kind": "meeting_decision", "category": "总经理督办",
                                    "title": "资产清查", "lead": "财务部"},
                   Actor(None, None, frozenset({"supervisor_office"})), at)
    return service, store


def test_a_tick_worker_checks_once_per_interval_of_its_own_clock(tmp_path: Path) -> None:
    """A ``tick --loop`` worker: the quick check before the first write, then again only
    when an hour (the default) has passed on the tick's ``now`` — not every round. A file
    damaged meanwhile is refused at the first round after the hour."""
    service, store = _service(tmp_path, QUICK_CHECK_EVERY)
    start = dt.datetime(2026, 9, 21, 10, tzinfo=service.zone)
    for minute in range(60):  # an hour of rounds, one a minute
        service.tick(start + dt.timedelta(minutes=minute))
    assert store.checks == 1
    service.tick(start - dt.timedelta(days=1))  # a clock set back brings no check forward
    assert store.checks == 1
    service.store.close()
    _garble_the_middle(_database(tmp_path, "worker.db"))
    service.store = store = _Counted(tmp_path / "worker.db")
    with pytest.raises(StoreError, match=r"数据库完整性检查未通过.*duban doctor"):
        service.tick(start + dt.timedelta(minutes=60))
    assert store.checks == 1
    with pytest.raises(StoreError):  # and every round after it, until the file is sound
        service.tick(start + dt.timedelta(minutes=61))
    store.close()


def test_quick_check_every_zero_checks_before_every_write(tmp_path: Path) -> None:
    service, store = _service(tmp_path, dt.timedelta(0))
    start = dt.datetime(2026, 9, 21, 10, tzinfo=service.zone)
    for minute in range(5):
        service.tick(start + dt.timedelta(minutes=minute))
    assert store.checks == 1 + 5  # the create, then each round
    store.close()


@pytest.mark.parametrize("value", ["-1", "一小时", "1.5", "true"])
def test_the_interval_is_a_deployment_setting_checked_when_read(duban: Duban, tmp_path: Path,
                                                                value: str) -> None:
    (tmp_path / "cwd" / "duban.yaml").write_text(f"quick_check_every_minutes: {value}\n",
                                                 encoding="utf-8")
    out = duban("tick", "--now", "2026-09-21T10:00")
    assert out.exit_code == 2, out.output
    assert "quick_check_every_minutes 应是不小于 0 的整数" in out.output
    assert "Traceback" not in out.output
    (tmp_path / "cwd" / "duban.yaml").write_text("quick_check_every_minutes: 0\n",
                                                 encoding="utf-8")
    assert duban("tick", "--now", "2026-09-21T10:00").exit_code == 0
