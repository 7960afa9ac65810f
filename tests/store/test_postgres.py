"""What only the PostgreSQL store does: survive a dropped connection, and share due work
between several workers through claims (``FOR UPDATE SKIP LOCKED`` and a lease)."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest

from duban.engine.model import Actor, Event
from duban.plugins import Hooks, make_plugin_manager
from duban.policy.loader import load_policy
from duban.store.base import Commit, OutboxDraft, StoreError
from duban.store.contract import commit_for
from duban.store.postgres import PostgresStore

POLICY = load_policy(Path(__file__).parents[1] / "engine" / "policies" / "mech.yaml")
OFFICE = Actor("王五", None, frozenset({"supervisor_office"}))

LEASE = dt.timedelta(minutes=5)


@pytest.fixture
def pg(pg_schema_url: str) -> Iterator[PostgresStore]:
    store = PostgresStore(pg_schema_url)
    store.migrate()
    yield store
    store.close()


def schedule(store: PostgresStore, due: dict[str, dt.datetime],
             at: Callable[..., dt.datetime]) -> None:
    for item_id, when in due.items():
        c = commit_for(POLICY, item_id, [
            Event("create", at(21), OFFICE, {"kind": "other", "lead": "财务部"})])
        store.commit(Commit(c.item, c.events, 0, when))


def test_dropped_connection_mid_transaction_writes_nothing(pg: PostgresStore, pg_schema_url: str,
        opened: Callable[..., Commit], draft: Callable[..., OutboxDraft]) -> None:
    # Another session holds the dedupe key the commit will insert last, so the commit
    # stops there — after its events and projection — until we cut its connection.
    admin = psycopg.connect(pg_schema_url)
    admin.execute("INSERT INTO outbox (item_id, dedupe_key, channel, recipient, payload, "
                  "next_attempt) VALUES ('X', 'A:0:1', 'console', '财务部', '{}', now())")
    outcome: list[BaseException] = []

    def write() -> None:
        try:
            pg.commit(opened("A", outbox=(draft("A:0:1"),)))
        except BaseException as exc:
            outcome.append(exc)

    assert pg.conn is not None
    pid = pg.conn.info.backend_pid
    writer = threading.Thread(target=write)
    writer.start()
    for _ in range(500):
        row = admin.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s",
                            (pid,)).fetchone()
        if row and row[0] == "Lock":
            break
        time.sleep(0.01)
    else:
        pytest.fail("the commit never reached the outbox insert")
    with psycopg.connect(pg_schema_url, autocommit=True) as killer:
        killer.execute("SELECT pg_terminate_backend(%s)", (pid,))
    writer.join(30)
    admin.rollback()
    admin.close()
    assert len(outcome) == 1 and isinstance(outcome[0], StoreError)
    assert "未写入任何内容" in str(outcome[0])
    fresh = PostgresStore(pg_schema_url)
    assert fresh.load("A") is None and fresh.events("A") == [] and fresh.outbox() == []
    fresh.close()
    # the same store object reconnects on its next call
    pg.commit(opened("A", outbox=(draft("A:0:1"),)))
    assert [e.action for e in pg.events("A")] == ["create", "number", "approve"]
    assert [m.dedupe_key for m in pg.outbox()] == ["A:0:1"]


def test_claims_are_disjoint_and_held_until_released(pg: PostgresStore, pg_schema_url: str,
        at: Callable[..., dt.datetime]) -> None:
    schedule(pg, {f"I{n:02}": at(24) + dt.timedelta(minutes=n) for n in range(10)}, at)
    other = PostgresStore(pg_schema_url)
    mine = pg.claim_due(at(25), 4, "w1", LEASE)
    theirs = other.claim_due(at(25), 4, "w2", LEASE)
    assert mine == ["I00", "I01", "I02", "I03"]  # earliest first
    assert theirs == ["I04", "I05", "I06", "I07"]
    assert pg.claim_due(at(25), 10, "w1", LEASE) == [*mine, "I08", "I09"]  # own + free
    assert other.claim_due(at(25), 10, "w2", LEASE) == theirs
    assert pg.due(at(25)) == [f"I{n:02}" for n in range(10)]  # due() ignores claims
    assert pg.release("w1") == 6
    assert other.claim_due(at(25), 10, "w2", LEASE) == [f"I{n:02}" for n in range(10)]
    other.close()


def test_expired_lease_is_taken_over(pg: PostgresStore, at: Callable[..., dt.datetime]) -> None:
    schedule(pg, {"A": at(24), "B": at(24)}, at)
    assert pg.claim_due(at(25), 10, "dead-worker", dt.timedelta(milliseconds=200)) == \
        ["A", "B"]
    assert pg.claim_due(at(25), 10, "w2", LEASE) == []
    time.sleep(0.3)
    assert pg.claim_due(at(25), 10, "w2", LEASE) == ["A", "B"]


def test_concurrent_claimers_never_share(pg_schema_url: str, pg: PostgresStore,
        at: Callable[..., dt.datetime]) -> None:
    n_items, n_workers = 400, 4
    schedule(pg, {f"I{n:04}": at(24) for n in range(n_items)}, at)
    claimed: dict[str, list[str]] = {}
    gate = threading.Barrier(n_workers)

    def claim(name: str) -> None:
        s = PostgresStore(pg_schema_url)
        gate.wait()
        got: list[str] = []
        while batch := s.claim_due(at(25), 7, name, LEASE):
            got.extend(batch)
            for item_id in batch:  # "fire" it: nothing more is due for the item
                item = s.load(item_id)
                assert item is not None
                s.commit(Commit(item, [], item.seq, None))
        claimed[name] = got
        s.close()

    threads = [threading.Thread(target=claim, args=(f"w{n}",)) for n in range(n_workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    everything = [i for got in claimed.values() for i in got]
    assert len(everything) == len(set(everything)) == n_items


def test_outbox_claims(pg: PostgresStore, pg_schema_url: str, at: Callable[..., dt.datetime],
        opened: Callable[..., Commit]) -> None:
    drafts = tuple(OutboxDraft(f"A:0:{n}", "console", "财务部", {"n": n}) for n in range(6))
    pg.commit(opened("A", outbox=drafts))
    other = PostgresStore(pg_schema_url)
    first = pg.claim_outbox(at(22), 4, "w1", LEASE)
    second = other.claim_outbox(at(22), 4, "w2", LEASE)
    assert [m.payload["n"] for m in first] == [0, 1, 2, 3]
    assert [m.payload["n"] for m in second] == [4, 5]
    pg.outbox_done(first[0].id, at(22))
    pg.outbox_failed(first[1].id, "timeout", at(22, 12))
    pg.release("w1")
    again = other.claim_outbox(at(22, 12), 10, "w2", LEASE)
    assert [m.payload["n"] for m in again] == [1, 2, 3, 4, 5]  # sent one is gone
    other.close()


@pytest.mark.parametrize("form", ["postgresql", "postgres", "keywords"])
def test_url_forms_through_the_plugin_registry(form: str, pg_schema_url: str,
        opened: Callable[..., Commit]) -> None:
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    url = {"postgresql": pg_schema_url,
           "postgres": pg_schema_url.replace("postgresql://", "postgres://", 1),
           "keywords": make_conninfo(**conninfo_to_dict(pg_schema_url))}[form]
    hooks = Hooks(make_plugin_manager(folder=None))
    scheme = url.split(":", 1)[0] if "://" in url else "postgresql"
    store = hooks.stores.get(scheme)(url)
    assert isinstance(store, PostgresStore)
    assert store.migrate() == ["0001_core", "0002_requests", "0100_web_identity",
                               "0101_user_oversees", "0003_notices"]
    store.commit(opened("A"))
    assert store.load("A") is not None
    store.close()


def test_invalid_url_says_how_to_write_one() -> None:
    with pytest.raises(StoreError) as err:
        PostgresStore("postgresql://duban@/duban?host=/nonexistent&bogus=1")
    assert "postgresql://user:password@host:5432/dbname" in str(err.value)


def test_reads_survive_a_dropped_connection(pg: PostgresStore, pg_schema_url: str,
        opened: Callable[..., Commit]) -> None:
    pg.commit(opened("A"))
    assert pg.conn is not None
    with psycopg.connect(pg_schema_url, autocommit=True) as killer:
        killer.execute("SELECT pg_terminate_backend(%s)", (pg.conn.info.backend_pid,))
    item = pg.load("A")  # a read is retried once on a new connection
    assert item is not None and item.id == "A"
    assert [e.action for e in pg.events("A")] == ["create", "number", "approve"]


def test_the_full_check_runs_amcheck_on_every_index(pg: PostgresStore, pg_url: str,
        opened: Callable[..., Commit]) -> None:
    """With the amcheck extension (PostgreSQL's contrib) the doctor checks every B-tree
    index of duban's tables; without it, the check says nothing is wrong it could see."""
    pg.commit(opened("A"))
    with psycopg.connect(pg_url, autocommit=True) as admin:
        try:
            admin.execute("CREATE EXTENSION IF NOT EXISTS amcheck")
        except psycopg.Error as exc:
            pytest.skip(f"amcheck is not installed with this PostgreSQL: {exc}")
    assert pg.amcheck_available()
    assert pg.check(quick=False) == []
    assert pg.check(quick=True) == []
