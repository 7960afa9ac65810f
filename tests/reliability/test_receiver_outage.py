"""A receiver down for a whole (simulated) day, then back: every notice is delivered, once
per dedupe key, and nothing is dead-lettered — with the default delivery policy and a
worker ticking every ten minutes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from duban.engine.model import Actor
from duban.notify.base import DeliveryError
from duban.outbox import OutboxMessage
from duban.policy.loader import load_policy
from duban.runtime.service import DeliveryPolicy, Service
from duban.store.sqlite import SqliteStore

POLICY = load_policy(str(Path(__file__).parents[1] / "engine" / "policies" / "mech.yaml"))
TZ = POLICY.timezone


class DownUntil:
    """A receiver that refuses everything before ``back`` (the clock is the worker's)."""

    name = "down"

    def __init__(self, back: dt.datetime) -> None:
        self.back = back
        self.now = back
        self.received: list[OutboxMessage] = []
        self.refused = 0

    def send(self, message: OutboxMessage) -> None:
        if self.now < self.back:
            self.refused += 1
            raise DeliveryError("connection refused")
        self.received.append(message)


def _run(tmp_path: Path, max_attempts: int) -> tuple[DownUntil, list[OutboxMessage]]:
    start = dt.datetime(2026, 9, 21, 9, tzinfo=TZ)
    receiver = DownUntil(start + dt.timedelta(days=1, hours=2))
    store = SqliteStore(tmp_path / "d.db")
    store.migrate()
    service = Service(store, {"mech": POLICY}, channels=("down",), notifiers={"down": receiver},
                      delivery=DeliveryPolicy(max_attempts))
    office = Actor(None, None, frozenset({"supervisor_office"}))
    leader = Actor(None, None, frozenset({"leader_in_charge"}))
    for n in range(20):
        service.create(f"I{n}", "mech", {"kind": "other", "lead": "财务部"}, office, start)
        service.act(f"I{n}", "approve", leader, {}, start + dt.timedelta(minutes=5))
    now = start
    while now < start + dt.timedelta(days=3):  # a worker every ten minutes
        receiver.now = now
        service.deliver(now, limit=1000)
        now += dt.timedelta(minutes=10)
    return receiver, store.outbox()


def test_a_day_long_outage_loses_nothing(tmp_path: Path) -> None:
    receiver, messages = _run(tmp_path, DeliveryPolicy().max_attempts)
    assert len(messages) == 20  # one 批示 request per item
    assert receiver.refused > 20  # it really was down, and retried
    assert all(m.status == "sent" for m in messages), [m.status for m in messages]
    assert sorted(m.dedupe_key for m in receiver.received) == sorted(m.dedupe_key
                                                                    for m in messages)


def test_too_few_attempts_would_dead_letter(tmp_path: Path) -> None:
    """The check above can fail: with eight attempts the same outage dead-letters."""
    _, messages = _run(tmp_path, 8)
    assert all(m.status == "dead" for m in messages)
