"""Finding 10 of the attack probe: garbage written into the middle of the SQLite file was
not noticed — duban kept reading and writing a database whose ``integrity_check`` fails.
``duban doctor`` checks the database and that every stored item equals the replay of its
events; ``item act`` and ``tick`` refuse to write to a store that fails the quick check."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from duban.engine.model import Event
from tests.security.conftest import Duban, Opener

EventsOf = Callable[[str], list[Event]]


@pytest.fixture
def items(open_item: Opener) -> None:
    for n in range(1, 6):
        open_item(f"I{n}", f"资产清查第{n}项")


def _database(tmp_path: Path) -> Path:
    path = tmp_path / "probe.db"
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
