"""The stores under contract: every test here runs once per store — an SQLite file in
the test's temporary directory and a fresh schema on a real PostgreSQL server (started
by :mod:`tests.pg_fixture`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from duban.engine.model import Actor, Event
from duban.policy.loader import load_policy
from duban.store.base import Commit, OutboxDraft, Store
from duban.store.contract import commit_for
from duban.store.postgres import PostgresStore
from duban.store.sqlite import SqliteStore

Opener = Callable[[], Store]


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.slow)])
def open_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Opener]:
    """Opens a new connection to the same (per-test) database each time it is called,
    as a second worker would; all are closed after the test."""
    if request.param == "sqlite":
        path = tmp_path / "duban.db"

        def factory() -> Store:
            return SqliteStore(path)
    else:
        url = request.getfixturevalue("pg_schema_url")

        def factory() -> Store:
            return PostgresStore(url)

    opened: list[Store] = []

    def opener() -> Store:
        s = factory()
        opened.append(s)
        return s

    yield opener
    for s in opened:
        s.close()


@pytest.fixture
def store(open_store: Opener) -> Store:
    """A migrated store."""
    s = open_store()
    s.migrate()
    return s


# -- commits the contract and the PostgreSQL tests write -------------------------------------

POLICY = load_policy(Path(__file__).parents[1] / "engine" / "policies" / "mech.yaml")
TZ = POLICY.timezone
OFFICE = Actor("王五", None, frozenset({"supervisor_office"}))
LEADER = Actor("李四", None, frozenset({"leader_in_charge"}))
FIN = Actor("张三", "财务部", frozenset({"lead_department"}))


def _at(day: int, hour: int = 9, month: int = 9) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, tzinfo=TZ)


def _opened(item_id: str, *, day: int = 21, lead: str = "财务部", key: str | None = None,
           outbox: tuple[OutboxDraft, ...] = ()) -> Commit:
    """The commit that creates and approves an item (its deadline starts running)."""
    return commit_for(POLICY, item_id, [
        Event("create", _at(day), OFFICE, {"kind": "superior_assignment", "lead": lead,
                                          "title": "资产清查"}, key),
        Event("number", _at(day), None, {"number": f"测督字〔2026〕{day}号"}),
        Event("approve", _at(day, 10), LEADER, {})], outbox=outbox)


LIFE = [  # a whole life after `opened`: extension (a coefficient penalty), late, review
    Event("confirm", _at(22), FIN, {}),
    Event("request_extension", _at(23), FIN, {"until": "2026-10-09"}),
    Event("approve", _at(23, 10), LEADER, {}),
    Event("report", _at(14, month=10), FIN, {}),
    Event("approve", _at(14, 10, month=10), OFFICE, {}),
    Event("approve", _at(14, 11, month=10), LEADER, {}),
]


def _draft(key: str, recipient: str = "财务部") -> OutboxDraft:
    return OutboxDraft(key, "console", recipient, {"subject": "【测试】催办通知", "item": "A"})


# -- migrations ---------------------------------------------------------------------------

@pytest.fixture(scope="session")
def at() -> Callable[..., dt.datetime]:
    """``at(day, hour=9, month=9)``: an instant of 2026 in the policy's zone."""
    return _at


@pytest.fixture(scope="session")
def opened() -> Callable[..., Commit]:
    """``opened(item_id, day=21, lead=…, key=…, outbox=…)``: see ``_opened``."""
    return _opened


@pytest.fixture(scope="session")
def life() -> list[Event]:
    """A whole life after ``opened``: extension (a coefficient penalty), late, review."""
    return list(LIFE)


@pytest.fixture(scope="session")
def draft() -> Callable[..., OutboxDraft]:
    """``draft(key, recipient="财务部")``: an outbox row to write with a commit."""
    return _draft
