"""The store contract: what every store (SQLite, PostgreSQL, a plugin's) must do.

Each test runs against both stores (see conftest.py). They check what an operator relies
on: migrations run once; what is committed reads back equal and replays to the stored
projection; a stale writer is refused and writes nothing; a retried command's key is
recognised; notices go pending → sent, or retry later, or dead-letter and back; document
numbers are never handed out twice, even to concurrent workers; due items come earliest
first; an unreachable database is a clear StoreError.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from duban.engine.core import engine_for, replay
from duban.engine.model import Actor, Event
from duban.policy.loader import load_policy
from duban.store.base import (
    Commit,
    ConcurrencyError,
    IdempotencyConflict,
    OutboxDraft,
    Request,
    Store,
    StoreError,
)
from duban.store.contract import commit_for
from duban.store.postgres import PostgresStore
from duban.store.sqlite import SqliteStore

POLICY = load_policy(str(Path(__file__).parents[1] / "engine" / "policies" / "mech.yaml"))
OFFICE = Actor("王五", None, frozenset({"supervisor_office"}))
LEADER = Actor("李四", None, frozenset({"leader_in_charge"}))
FIN = Actor("张三", "财务部", frozenset({"lead_department"}))
Opener = Callable[[], Store]


def test_migrations_run_once(open_store: Opener) -> None:
    first = open_store()
    applied = first.migrate()
    assert applied and applied[0] == "0001_core"
    assert first.migrate() == []
    assert open_store().migrate() == []  # a second worker starting later


def test_migrations_from_workers_starting_together(open_store: Opener) -> None:
    stores = [open_store() for _ in range(4)]
    results: list[list[str]] = []
    errors: list[BaseException] = []
    gate = threading.Barrier(len(stores))

    def start(s: Store) -> None:
        gate.wait()
        try:
            results.append(s.migrate())
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=start, args=(s,)) for s in stores]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    # Each named migration exactly once, whichever worker got to it (they may share them).
    applied = [name for r in results for name in r]
    assert sorted(applied) == sorted(set(applied)) and applied and "0001_core" in applied
    assert open_store().migrate() == []


# -- events and the projection -------------------------------------------------------------
def test_commit_reads_back_equal_and_replays_to_the_projection(store: Store,
        opened: Callable[..., Commit], life: list[Event]) -> None:
    c1 = opened("A")
    store.commit(c1)
    assert store.load("A") == c1.item
    c2 = commit_for(POLICY, c1.item, life)
    store.commit(c2)
    item = store.load("A")
    assert item == c2.item
    events = store.events("A")
    assert events == [*c1.events, *c2.events]
    assert [e.action for e in events][:3] == ["create", "number", "approve"]
    assert replay(POLICY, "A", events) == item
    assert store.load("nobody") is None and store.events("nobody") == []


def test_items_listed_by_id_and_policy(store: Store, opened: Callable[..., Commit]) -> None:
    for item_id in ("B", "A", "C"):
        store.commit(opened(item_id))
    assert [i.id for i in store.items()] == ["A", "B", "C"]
    assert [i.id for i in store.items(policy_id="mech")] == ["A", "B", "C"]
    assert list(store.items(policy_id="other")) == []


def test_item_versions_move_with_each_commit(store: Store, opened: Callable[..., Commit],
        life: list[Event]) -> None:
    assert store.item_versions() == {}
    store.commit(opened("A"))
    store.commit(opened("B"))
    before = store.item_versions()
    assert before == {i.id: i.seq for i in store.items()} and set(before) == {"A", "B"}
    item = store.load("A")
    assert item is not None
    store.commit(commit_for(POLICY, item, life[:1]))
    after = store.item_versions()
    assert after["A"] == before["A"] + 1 and after["B"] == before["B"]


def test_sqlite_change_token_moves_with_any_commit(tmp_path: Path, opened: Callable[..., Commit],
        life: list[Event]) -> None:
    """What the web pages' listing index relies on to skip ``item_versions``: the token
    of one connection stays the same while nothing is committed, and changes when
    another connection commits or when it commits itself."""
    mine, other = SqliteStore(tmp_path / "d.db"), SqliteStore(tmp_path / "d.db")
    try:
        mine.migrate()
        before = mine.change_token()
        assert mine.change_token() == before and mine.item_versions() == {}
        assert mine.change_token() == before  # reading changes nothing
        other.commit(opened("A"))
        moved = mine.change_token()
        assert moved != before
        item = mine.load("A")
        assert item is not None
        mine.commit(commit_for(POLICY, item, life[:1]))
        assert mine.change_token() != moved
    finally:
        mine.close()
        other.close()


def test_policy_versions_kept(store: Store) -> None:
    store.save_policy("h1", "mech", '{"id": "mech"}')
    store.save_policy("h1", "mech", '{"id": "mech"}')  # saved again at every start
    assert store.policy_document("h1") == '{"id": "mech"}'
    assert store.policy_document("h2") is None


# -- optimistic concurrency ------------------------------------------------------------------
def test_stale_writer_is_refused_and_writes_nothing(store: Store,
        opened: Callable[..., Commit]) -> None:
    c1 = opened("A")
    store.commit(c1)
    again = opened("A")  # built from the empty item: expects sequence 0
    with pytest.raises(ConcurrencyError):
        store.commit(again)
    assert store.events("A") == c1.events
    assert store.load("A") == c1.item


def race(stores: list[Store], commit_of: Callable[[int], Commit]) -> list[str]:
    """Each store commits its own commit at the same instant (a barrier); "ok" or
    "conflict" per store."""
    outcomes: list[str] = []
    gate = threading.Barrier(len(stores))

    def write(s: Store, n: int) -> None:
        c = commit_of(n)
        gate.wait()
        try:
            s.commit(c)
            outcomes.append("ok")
        except ConcurrencyError:
            outcomes.append("conflict")

    threads = [threading.Thread(target=write, args=(s, n)) for n, s in enumerate(stores)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


def test_concurrent_writers_one_wins(open_store: Opener, at: Callable[..., dt.datetime],
        opened: Callable[..., Commit]) -> None:
    first = open_store()
    first.migrate()
    base = opened("A")
    first.commit(base)
    stores = [open_store() for _ in range(4)]
    item = stores[0].load("A")
    assert item is not None
    outcomes = race(stores, lambda n: commit_for(
        POLICY, item, [Event("progress", at(22, 9 + n), FIN, {"note": str(n)})]))
    assert sorted(outcomes) == ["conflict"] * 3 + ["ok"]
    events = first.events("A")
    assert len(events) == len(base.events) + 1
    assert replay(POLICY, "A", events) == first.load("A")


def test_concurrent_creates_of_one_item_one_wins(open_store: Opener,
        opened: Callable[..., Commit]) -> None:
    stores = [open_store() for _ in range(3)]
    stores[0].migrate()
    outcomes = race(stores, lambda n: opened("A", day=21 + n))
    assert sorted(outcomes) == ["conflict", "conflict", "ok"]
    assert len(stores[0].events("A")) == 3


# -- idempotency keys ------------------------------------------------------------------------
# A key belongs to one request (item, action, actor, payload), as payment APIs define it:
# the same request again gets the first result; another request with a used key is refused
# with ``idempotency_conflict`` and writes nothing.
def keyed(key: str, item_id: str, action: str = "create", **payload: object) -> Request:
    return Request.of(key, item_id, action, OFFICE, payload)


def test_a_key_answers_the_same_request_with_its_first_result(store: Store,
        opened: Callable[..., Commit], life: list[Event]) -> None:
    first = keyed("cmd-1", "A", policy="mech")
    assert store.request_result(first) is None  # unused
    c1 = opened("A")
    store.commit(replace(c1, request=first))
    store.commit(commit_for(POLICY, c1.item, life))  # the item moves on
    again = store.request_result(keyed("cmd-1", "A", policy="mech"))
    assert again == c1.item  # the first result, not the item as it is now
    assert store.load("A") != c1.item


@pytest.mark.parametrize("other", [
    keyed("cmd-1", "B", policy="mech"),            # another item
    keyed("cmd-1", "A", "approve"),                 # another action
    keyed("cmd-1", "A", policy="other"),            # another payload
    Request.of("cmd-1", "A", "create", FIN, {"policy": "mech"}),  # another actor
])
def test_a_used_key_refuses_another_request_and_writes_nothing(store: Store, other: Request,
        opened: Callable[..., Commit]) -> None:
    c1 = opened("A")
    store.commit(replace(c1, request=keyed("cmd-1", "A", policy="mech")))
    with pytest.raises(IdempotencyConflict) as err:
        store.request_result(other)
    assert err.value.code == "idempotency_conflict"
    before = (store.events("A"), store.load("A"), store.events("B"))
    with pytest.raises(IdempotencyConflict):
        store.commit(replace(opened("B"), request=other))
    assert (store.events("A"), store.load("A"), store.events("B")) == before
    assert store.load("B") is None


def test_racing_requests_with_one_key_write_once(open_store: Opener,
        opened: Callable[..., Commit]) -> None:
    stores = [open_store() for _ in range(4)]
    stores[0].migrate()
    outcomes: list[str] = []
    gate = threading.Barrier(len(stores))

    def write(s: Store, n: int) -> None:
        c = replace(opened(f"R{n}"), request=keyed("same", f"R{n}", policy="mech"))
        gate.wait()
        try:
            s.commit(c)
            outcomes.append("ok")
        except IdempotencyConflict:
            outcomes.append("conflict")

    threads = [threading.Thread(target=write, args=(s, n)) for n, s in enumerate(stores)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["conflict"] * 3 + ["ok"]
    assert sum(1 for _ in stores[0].items()) == 1


# -- the outbox ------------------------------------------------------------------------------
def test_outbox_lifecycle(store: Store, at: Callable[..., dt.datetime],
        opened: Callable[..., Commit], draft: Callable[..., OutboxDraft]) -> None:
    c = opened("A", outbox=(draft("A:0:1"), draft("A:0:2"), draft("A:0:3", "督办领导")))
    store.commit(c)
    after = commit_for(POLICY, c.item, [Event("confirm", at(22), FIN, {})],
                       outbox=[draft("A:0:1"), draft("A:1:1")])  # A:0:1 is a repeat
    store.commit(after)
    written = at(21, 10)  # the instant of the commit's last event
    assert [m.dedupe_key for m in store.outbox()] == ["A:0:1", "A:0:2", "A:0:3", "A:1:1"]
    assert store.outbox_due(written - dt.timedelta(seconds=1)) == []
    due = store.outbox_due(at(22))
    assert [m.dedupe_key for m in due] == ["A:0:1", "A:0:2", "A:0:3", "A:1:1"]
    assert [m.dedupe_key for m in store.outbox_due(at(22), limit=2)] == ["A:0:1", "A:0:2"]
    m1, m2, m3, _ = due
    assert (m1.item_id, m1.channel, m1.recipient, m1.status, m1.attempts) == \
        ("A", "console", "财务部", "pending", 0)
    assert m1.payload == {"subject": "【测试】催办通知", "item": "A"}
    assert m1.next_attempt == written

    store.outbox_done(m1.id, at(22))
    retry_at = at(22, 12)
    store.outbox_failed(m2.id, "502 Bad Gateway", retry_at)
    store.outbox_failed(m3.id, "地址不存在", None)
    assert [m.dedupe_key for m in store.outbox("sent")] == ["A:0:1"]
    assert [m.dedupe_key for m in store.outbox_due(at(22, 11))] == ["A:1:1"]
    later = {m.dedupe_key: m for m in store.outbox_due(retry_at)}
    assert set(later) == {"A:0:2", "A:1:1"}
    assert (later["A:0:2"].attempts, later["A:0:2"].last_error) == (1, "502 Bad Gateway")
    assert later["A:0:2"].next_attempt == retry_at
    dead = store.outbox("dead")
    assert [(m.dedupe_key, m.attempts, m.last_error) for m in dead] == [("A:0:3", 1, "地址不存在")]
    count = getattr(store, "outbox_count")  # noqa: B009 - an optional store ability
    assert (count("pending"), count("sent"), count("dead")) == (2, 1, 1)

    store.outbox_done(m1.id, at(23))  # a repeated acknowledgement changes nothing
    assert store.outbox("sent")[0].attempts == 1
    retry = getattr(store, "outbox_retry")  # noqa: B009 - an optional store ability
    assert retry(dead[0].id) == 1
    assert retry() == 0
    back = [m for m in store.outbox("pending") if m.dedupe_key == "A:0:3"]
    assert back and back[0].attempts == 0
    assert "A:0:3" in {m.dedupe_key for m in store.outbox_due(at(23))}


# -- document numbers ------------------------------------------------------------------------
def test_numbers_per_year_never_reused_under_concurrency(open_store: Opener) -> None:
    first = open_store()
    first.migrate()
    workers, each = 4, 25
    stores = [open_store() for _ in range(workers)]
    got: list[int] = []
    lock = threading.Lock()
    gate = threading.Barrier(workers)

    def reserve(s: Store) -> None:
        gate.wait()
        mine = [s.next_number("mech", 2026) for _ in range(each)]
        assert mine == sorted(mine)  # one worker's numbers only grow
        with lock:
            got.extend(mine)

    threads = [threading.Thread(target=reserve, args=(s,)) for s in stores]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(got) == list(range(1, workers * each + 1))
    assert first.next_number("mech", 2026) == workers * each + 1
    assert first.next_number("mech", 2027) == 1  # each year starts again
    assert first.next_number("other", 2026) == 1  # each policy has its own sequence


# -- due items -------------------------------------------------------------------------------
def test_due_items_earliest_first(store: Store, at: Callable[..., dt.datetime]) -> None:
    engine = engine_for(POLICY)
    schedule = {"C": at(24), "A": at(25), "B": at(24), "D": at(30)}
    for item_id, next_due in schedule.items():
        c = commit_for(POLICY, item_id, [
            Event("create", at(21), OFFICE, {"kind": "other", "lead": "财务部"})])
        store.commit(Commit(c.item, c.events, 0, next_due))
    store.commit(Commit(engine.new_item("E"), [], 0, None))  # nothing scheduled
    assert store.due(at(23)) == []
    assert store.due(at(24)) == ["B", "C"]
    assert store.due(at(29)) == ["B", "C", "A"]
    assert store.due(at(30)) == ["B", "C", "A", "D"]
    assert store.due(at(30), limit=2) == ["B", "C"]
    moved = store.load("B")
    assert moved is not None
    store.commit(Commit(moved, [], moved.seq, at(28)))  # B fired; its next timer later
    assert store.due(at(29)) == ["C", "A", "B"]


# -- the penalty ledger ----------------------------------------------------------------------
def test_ledger_round_trip(store: Store, opened: Callable[..., Commit], life: list[Event]) -> None:
    c1 = opened("A")
    store.commit(c1)
    c2 = commit_for(POLICY, c1.item, life)
    assert len(c2.ledger) >= 2  # the extension's coefficient, the late closing's points
    store.commit(c2)
    assert store.ledger() == sorted(c2.ledger, key=lambda e: e.at)
    item = store.load("A")
    assert item is not None and tuple(store.ledger()) == item.penalties


# -- failures --------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_unreachable_database_is_a_store_error(kind: str, tmp_path: Path) -> None:
    with pytest.raises(StoreError) as err:
        if kind == "sqlite":
            SqliteStore(tmp_path / "no" / "such" / "dir" / "duban.db")
        else:
            PostgresStore(f"postgresql://duban:secret@/duban?host={tmp_path}&port=5999",
                          connect_timeout=2)
    message = str(err.value)
    assert "secret" not in message  # never echo a password
    assert ("无法打开" if kind == "sqlite" else "无法连接 PostgreSQL") in message


# -- integrity -------------------------------------------------------------------------------
def test_a_sound_store_passes_its_checks_and_the_doctor(store: Store,
        opened: Callable[..., Commit]) -> None:
    """``check`` (SQLite's quick/integrity check, PostgreSQL's amcheck where installed)
    and the doctor's replay of every item; a projection that differs from its events is
    found on every store."""
    from duban.runtime.doctor import examine
    from duban.runtime.service import Service

    c = opened("A")
    store.commit(c)
    store.commit(opened("B"))
    assert store.check(quick=True) == [] and store.check(quick=False) == []
    service = Service(store, {POLICY.id: POLICY})
    assert all(f.ok for f in examine(service))
    stored = store.load("A")
    assert stored is not None
    store.commit(Commit(replace(stored, returns=3), [], stored.seq, None))  # a bad projection
    database, replays = examine(service)
    assert database.ok and not replays.ok
    assert [d.split("：")[0] for d in replays.details] == ["A"]
