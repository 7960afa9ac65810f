"""The service on a real SQLite file: one transaction per command, replay from the stored
log equals the stored projection, timers fire once, notices go through the outbox."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from duban.engine.core import ActionRefused, replay
from duban.engine.model import Actor
from duban.notify.base import DeliveryError
from duban.outbox import OutboxMessage
from duban.policy.loader import load_policy
from duban.runtime.service import Service
from duban.store.sqlite import SqliteStore

POLICY = load_policy(str(Path(__file__).parents[1] / "engine" / "policies" / "mech.yaml"))
TZ = POLICY.timezone
OFFICE = Actor("王五", None, frozenset({"supervisor_office"}))
LEADER = Actor("李四", None, frozenset({"leader_in_charge"}))
FIN = Actor("张三", "财务部", frozenset({"lead_department"}))


def at(day: int, hour: int = 9) -> dt.datetime:
    return dt.datetime(2026, 9, day, hour, tzinfo=TZ)


class Flaky:
    name = "flaky"

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.sent: list[OutboxMessage] = []

    def send(self, message: OutboxMessage) -> None:
        if self.failures > 0:
            self.failures -= 1
            raise DeliveryError("receiver down")
        self.sent.append(message)


@pytest.fixture
def service(tmp_path: Path) -> Service:
    store = SqliteStore(tmp_path / "duban.db")
    assert store.migrate() == ["0001_core", "0002_requests", "0100_web_identity",
                               "0101_user_oversees", "0003_notices"]
    assert store.migrate() == []  # named migrations run once
    return Service(store, {"mech": POLICY}, channels=("flaky",),
                   notifiers={"flaky": Flaky(2)})


def test_commands_persist_and_replay(service: Service) -> None:
    service.create("A", "mech", {"kind": "other", "lead": "财务部", "title": "资产清查"},
                   OFFICE, at(21))
    service.act("A", "approve", LEADER, {}, at(21, 10))
    service.act("A", "confirm", FIN, {}, at(22))
    item = service.store.load("A")
    assert item is not None and item.state == "承办中"
    assert item.number == "测督字〔2026〕1号"
    assert item.due == dt.datetime(2026, 9, 29, 23, 59, 59, tzinfo=TZ)
    events = service.store.events("A")
    assert [e.action for e in events] == ["create", "number", "approve", "confirm"]
    assert replay(POLICY, "A", events) == item


def test_refused_command_writes_nothing(service: Service) -> None:
    service.create("A", "mech", {"kind": "other", "lead": "财务部"}, OFFICE, at(21))
    before = service.store.events("A")
    with pytest.raises(ActionRefused) as err:
        service.act("A", "report", FIN, {}, at(21, 11))
    assert err.value.code == "invalid_transition"
    assert service.store.events("A") == before


def test_idempotency_key_makes_retry_harmless(service: Service) -> None:
    service.create("A", "mech", {"kind": "other", "lead": "财务部"}, OFFICE, at(21), key="k1")
    service.create("A", "mech", {"kind": "other", "lead": "财务部"}, OFFICE, at(21), key="k1")
    service.act("A", "approve", LEADER, {}, at(21, 10), key="k2")
    service.act("A", "approve", LEADER, {}, at(21, 10), key="k2")
    assert [e.action for e in service.store.events("A")] == ["create", "number", "approve"]


def test_tick_fires_each_timer_once_and_notices_survive_a_down_receiver(
        service: Service) -> None:
    service.create("A", "mech", {"kind": "other", "lead": "财务部"}, OFFICE, at(21))
    service.act("A", "approve", LEADER, {}, at(21, 10))
    late = dt.datetime(2026, 10, 9, 12, tzinfo=TZ)
    fired = service.tick(late)
    assert fired >= 3  # 催办预告, 签收时限, 催办通知
    assert service.tick(late) == 0  # nothing twice
    item = service.store.load("A")
    assert item is not None
    assert [f.event for f in item.fired][:2] == ["pre_due_reminder", "step_overdue"]
    flaky = service.notifiers["flaky"]
    assert isinstance(flaky, Flaky)
    total = len(service.store.outbox())
    assert total >= fired
    now = late
    for _ in range(10):  # the receiver fails twice, then recovers
        service.deliver(now)
        now += dt.timedelta(hours=1)
    assert len(flaky.sent) == total
    assert len({m.dedupe_key for m in flaky.sent}) == total
    assert all(m.status == "sent" for m in service.store.outbox())


def test_timers_of_items_with_the_same_deadline_are_distinct(service: Service) -> None:
    """Idempotency keys of timer events include the item: two items due at the same
    instant both get their reminders (a shared key once made the second one a conflict)."""
    for item_id in ("A", "B"):
        service.create(item_id, "mech", {"kind": "other", "lead": "财务部"}, OFFICE, at(21))
        service.act(item_id, "approve", LEADER, {}, at(21, 10))
    late = dt.datetime(2026, 10, 9, 12, tzinfo=TZ)
    fired = service.tick(late)
    a, b = service.store.load("A"), service.store.load("B")
    assert a is not None and b is not None
    assert [f.key for f in a.fired] == [f.key for f in b.fired]
    assert fired == len(a.fired) + len(b.fired) >= 6


def test_a_lost_roll_up_is_caught_up_before_the_parent_acts(service: Service) -> None:
    """A crash between a child's close and the parent's roll-up (two transactions) must
    not leave the parent unable to report: the next command on the parent catches up."""
    service.create("P", "mech", {"kind": "other", "lead": "财务部"}, OFFICE, at(21))
    service.act("P", "approve", LEADER, {}, at(21, 10))
    service.create("C", "mech", {"kind": "other", "lead": "财务部", "parent": "P"}, OFFICE,
                   at(21, 11))
    service.act("C", "approve", LEADER, {}, at(21, 12))
    parent = service.store.load("P")
    assert parent is not None and parent.children_open == frozenset({"C"})
    rolled = service._roll_up
    service._roll_up = lambda *a, **k: None  # type: ignore[method-assign]  # the crash
    service.act("C", "report", FIN, {}, at(22))
    service.act("C", "approve", OFFICE, {}, at(22, 10))
    service._roll_up = rolled  # type: ignore[method-assign]
    assert service.store.load("P").children_open == frozenset({"C"})  # type: ignore[union-attr]
    done = service.act("P", "report", FIN, {}, at(23))
    assert done.state == "待审核" and not done.children_open
    assert replay(POLICY, "P", service.store.events("P")) == done


def test_a_child_whose_creation_was_lost_does_not_block_the_parent(service: Service) -> None:
    """The parent hears of a child before the child's own commit; if that commit is lost,
    the parent's next command drops the child that never came to exist."""
    service.create("P", "mech", {"kind": "other", "lead": "财务部"}, OFFICE, at(21))
    service.act("P", "approve", LEADER, {}, at(21, 10))
    commit = service.store.commit

    def crash(c: object) -> None:
        if getattr(c, "item").id == "C":  # noqa: B009 - the crash hits the child's commit only
            raise RuntimeError("power cut")
        commit(c)  # type: ignore[arg-type]

    service.store.commit = crash  # type: ignore[method-assign]
    with pytest.raises(RuntimeError):
        service.create("C", "mech", {"kind": "other", "lead": "财务部", "parent": "P"},
                       OFFICE, at(21, 11))
    service.store.commit = commit  # type: ignore[method-assign]
    assert service.store.load("C") is None
    assert service.store.load("P").children_open == frozenset({"C"})  # type: ignore[union-attr]
    done = service.act("P", "report", FIN, {}, at(22))
    assert done.state == "待审核" and not done.children_open
