"""Drive a scenario through the real service (a store, transactions, outbox, ticks).

Why not the in-memory runner: the demo and the report tests must show what an operator
gets — items created by :meth:`Service.create`, actions by :meth:`Service.act`, timers by
:meth:`Service.tick`, notices delivered from the outbox — and a store the ``report``,
``form`` and ``taizhang`` commands read afterwards. The actor of a step that names none
is the role the policy requires, chosen exactly as the runner chooses it, so the store
ends in the same state as :func:`duban.simulation.runner.run_scenario`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from duban.engine.core import ActionRefused
from duban.engine.model import Actor, ItemState, PenaltyEntry
from duban.errors import DubanError
from duban.policy.model import Policy
from duban.runtime.service import Service
from duban.simulation.runner import Runner
from duban.simulation.scenario import Scenario, Step, parse_instant
from duban.store.base import OutboxMessage


class Collector:
    """A notifier that keeps what it was given (the demo prints it)."""

    name = "demo"

    def __init__(self, config: dict[str, Any] | None = None) -> None:
        self.sent: list[OutboxMessage] = []

    def send(self, message: OutboxMessage) -> None:
        self.sent.append(message)


@dataclass
class Happening:
    """What one step did, for printing."""

    step: Step
    at: dt.datetime
    item: ItemState | None = None
    before: ItemState | None = None
    actor: Actor | None = None
    refused: str | None = None
    fired: list[tuple[str, str, str]] = field(default_factory=list)  # (item, timer, event)
    penalties: list[PenaltyEntry] = field(default_factory=list)
    notices: list[OutboxMessage] = field(default_factory=list)


def drive(service: Service, policy: Policy, scenario: Scenario,
          on_step: Callable[[Happening], None] | None = None,
          collector: Collector | None = None) -> list[Happening]:
    """Run every step of ``scenario`` through ``service`` under ``policy``."""
    helper = Runner(policy, scenario)  # only for its choice of actor
    engine = helper.engine
    out: list[Happening] = []
    for step in scenario.steps:
        at = parse_instant(step.at, policy.timezone)
        seen = len(collector.sent) if collector else 0
        ledger_before = {_key(p) for p in service.store.ledger()}
        h = Happening(step, at)
        if step.tick:
            before = {it.id: len(it.fired) for it in service.store.items()}
            service.tick(at)
            for it in service.store.items():
                for f in it.fired[before.get(it.id, 0):]:
                    h.fired.append((it.id, f.name, f.event))
        else:
            key = step.item or ""
            current = service.store.load(key)
            h.before = current
            item = current or engine.new_item(key)
            canonical, _ = engine.resolve(step.action or "")
            try:
                actor = helper.actor(step, item, canonical)
                h.actor = actor
                data: dict[str, Any] = dict(step.data)
                if canonical == "create":
                    data = {**scenario.items[key].create_data(policy.id), **data}
                    h.item = service.create(key, policy.id, data, actor, at, step.key)
                else:
                    h.item = service.act(key, step.action or "", actor, data, at, step.key)
            except ActionRefused as err:
                h.refused = f"[{err.code}] {err}"
            except DubanError as err:
                h.refused = f"[{err.code}] {err}"
        service.deliver(at)
        h.penalties = [p for p in service.store.ledger() if _key(p) not in ledger_before]
        if collector:
            h.notices = collector.sent[seen:]
        out.append(h)
        if on_step is not None:
            on_step(h)
    return out


def _key(p: PenaltyEntry) -> tuple[Any, ...]:
    return (p.item, p.source_event, p.rule, p.target, p.at)
