"""Drive a scenario through the real service (a store, transactions, outbox, ticks).

Why not the in-memory runner: the demo and the report tests must show what an operator
gets — items created by :meth:`Service.create`, actions by :meth:`Service.act`, timers by
:meth:`Service.tick`, notices delivered from the outbox — and a store the ``report``,
``form`` and ``taizhang`` commands read afterwards. The actor of a step that names none
is the role the policy requires, chosen exactly as the runner chooses it, and an intent
step takes the actions the same planner plans, so the store ends in the same state as
:func:`duban.simulation.runner.run_scenario`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from duban.engine.model import Actor, Event, ItemState, PenaltyEntry
from duban.errors import DubanError
from duban.outbox import OutboxMessage
from duban.policy.model import Policy
from duban.runtime.service import Service
from duban.simulation.planner import Planned, Planner
from duban.simulation.runner import Runner
from duban.simulation.scenario import Scenario, Step, parse_instant


class Collector:
    """A notifier that keeps what it was given (the demo prints it)."""

    name = "demo"

    def __init__(self, config: dict[str, Any] | None = None) -> None:  # noqa: ARG002
        """Notifiers are built from their ``notifiers:`` entry; this one needs none."""
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
    planned: list[Planned] = field(default_factory=list)  # an intent step's actions
    penalties: list[PenaltyEntry] = field(default_factory=list)
    notices: list[OutboxMessage] = field(default_factory=list)


def drive(service: Service, policy: Policy, scenario: Scenario,
          on_step: Callable[[Happening], None] | None = None,
          collector: Collector | None = None, ticks: str | None = None) -> list[Happening]:
    """Run every step of ``scenario`` through ``service`` under ``policy``; with automatic
    ticks (``ticks="auto"`` or the scenario's own setting) the service ticks before each
    step and, after the last, at the scenario's end."""
    helper = Runner(policy, scenario, ticks)  # for its choice of actor, and its tick mode
    steps = list(scenario.steps)
    if helper.auto and steps:  # run out to the scenario's end
        steps.append(Step(steps[-1].index, scenario.end or steps[-1].at, tick=True))
    out: list[Happening] = []
    for step in steps:
        at = parse_instant(step.at, policy.timezone)
        seen = len(collector.sent) if collector else 0
        ledger_before = {_key(p) for p in service.store.ledger()}
        h = Happening(step, at)
        if step.tick or helper.auto:
            _tick(service, at, h)
        if not step.tick:
            _act(service, helper, scenario, step, at, h)
        service.deliver(at)
        h.penalties = [p for p in service.store.ledger() if _key(p) not in ledger_before]
        if collector:
            h.notices = collector.sent[seen:]
        out.append(h)
        if on_step is not None:
            on_step(h)
    return out


def _tick(service: Service, at: dt.datetime, h: Happening) -> None:
    before = {it.id: len(it.fired) for it in service.store.items()}
    service.tick(at)
    for it in service.store.items():
        for f in it.fired[before.get(it.id, 0):]:
            h.fired.append((it.id, f.name, f.event))


def _act(service: Service, helper: Runner, scenario: Scenario, step: Step, at: dt.datetime,
         h: Happening) -> None:
    """One written or intent step through the service; a refusal is recorded on ``h``."""
    policy, engine = helper.policy, helper.engine
    key = step.item or ""
    current = service.store.load(key)
    h.before = current
    item = current or engine.new_item(key)
    try:
        if step.intent is not None:
            for taken in Planner(engine, scenario.items[key]).plan(step, item, at):
                h.actor = taken.event.actor
                h.planned.append(taken)
                h.item = _send(service, policy.id, key, taken.event, taken.canonical, None)
            return
        canonical, _ = engine.resolve(step.action or "")
        actor = helper.actor(step, item, canonical)
        h.actor = actor
        data: dict[str, Any] = dict(step.data)
        if canonical == "create":
            data = {**scenario.items[key].create_data(policy.id), **data}
        h.item = _send(service, policy.id, key, Event(step.action or "", at, actor, data),
                       canonical, step.key)
    except DubanError as err:  # ActionRefused included
        h.refused = f"[{err.code}] {err}"


def _send(service: Service, policy_id: str, key: str, event: Event, canonical: str,
          idem: str | None) -> ItemState:
    if canonical == "create":
        assert event.actor is not None  # every written or planned step has its actor
        return service.create(key, policy_id, dict(event.data), event.actor, event.at, idem)
    return service.act(key, event.action, event.actor, dict(event.data), event.at, idem)


def _key(p: PenaltyEntry) -> tuple[Any, ...]:
    return (p.item, p.source_event, p.rule, p.target, p.at)
